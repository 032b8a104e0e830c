// Operands that look like options. commander reads every word that starts with '-' as an option, so the expression
// "-(x^2)" was an "unknown option". Before commander parses, the operand words of a subcommand are found here (a
// word after `--`, or a word in the expression's place that is no option of the command) and marked, so commander
// passes them through as operands; the mark is removed before the command's action sees them.
import type { Command, Option } from 'commander';
import { parse } from '../expr/index.js';

// A private-use character: never in an expression, a file name typed on a command line, or a flag.
const MARK = '\u{E000}';

const marked = (word: string) => `${MARK}${word}`;
export const unmark = (value: unknown): unknown =>
  typeof value === 'string' && value.startsWith(MARK) ? value.slice(MARK.length) : value;

/** A word shaped like a flag (`-x`, `--box`, `--lr=1`): read as an option unless it comes after `--`. */
const flagShaped = (word: string) => /^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/.test(word);

function parses(word: string): boolean {
  try {
    parse(word);
    return true;
  } catch {
    return false;
  }
}

function findOption(command: Command, word: string): Option | undefined {
  const name = word.startsWith('--') ? word.split('=')[0] : word;
  return command.options.find((o) => o.long === name || o.short === name);
}

/**
 * The subcommand's operands in `words` (what follows its name), marked. `--` makes the next word an operand and
 * option parsing then goes on, because every saddle command takes its flags after its one operand:
 * `saddle analyze -- "-(x^2)" --box x=-1:1`. Without `--`, a word in the expression's place that is no option of
 * the command is the expression when it parses as one, or is not shaped like a flag (the parser then says where it
 * is wrong, which is more use than "unknown option"). A word that starts with `--` is always a flag there: a
 * mistyped `--maximise` must not become the expression -(-maximise).
 */
export function markOperands(command: Command, words: readonly string[]): string[] {
  const expected = command.registeredArguments;
  const out: string[] = [];
  let operands = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') {
      if (operands < expected.length && i + 1 < words.length) {
        out.push(marked(words[++i]));
        operands++;
        continue;
      }
      return out.concat(words.slice(i));
    }
    if (word.length > 1 && word.startsWith('-')) {
      const option = findOption(command, word);
      if (option || word === '-h' || word === '--help') {
        out.push(word);
        if (option?.required && !word.includes('=') && i + 1 < words.length) out.push(words[++i]);
        continue;
      }
      const next = expected[operands];
      if (next?.name() === 'expression' && !word.startsWith('--') && (parses(word) || !flagShaped(word))) {
        out.push(marked(word));
        operands++;
        continue;
      }
      out.push(word);
      continue;
    }
    out.push(word);
    operands++;
  }
  return out;
}

/** `argv` as node gives it (node, script, …) with the chosen subcommand's operands marked. */
export function markArgv(program: Command, argv: readonly string[]): string[] {
  const at = argv.findIndex((word, i) => i >= 2 && !word.startsWith('-'));
  if (at < 0) return [...argv];
  const command = program.commands.find((c) => c.name() === argv[at] || c.aliases().includes(argv[at]));
  if (!command) return [...argv];
  return [...argv.slice(0, at + 1), ...markOperands(command, argv.slice(at + 1))];
}

/** Whether a subcommand's first operand is an expression (analyze, derive, optimize, plot). */
export const takesExpression = (command: Command | undefined) =>
  command?.registeredArguments[0]?.name() === 'expression';
