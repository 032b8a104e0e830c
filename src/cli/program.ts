// The saddle program: its commands, and the one place where an error becomes an exit code (2 for every usage error,
// commander's own included; 1 for an internal error). main.ts runs it as a process; tests run it in-process.
import { Command, CommanderError } from 'commander';
import { SaddleError } from '../core/errors.js';
import { ParseError } from '../expr/index.js';
import { analyzeCommand } from './analyze.js';
import { deriveCommand } from './derive.js';
import { generateCommand } from './generate.js';
import { hessianCommand } from './hessian.js';
import { landscapeCommand } from './landscape.js';
import { sweepCommand } from './sweep.js';
import { workerCommand } from './worker.js';
import { infoCommand } from './info.js';
import { markArgv, takesExpression, unmark } from './operands.js';
import { optimizeCommand } from './optimize.js';
import { plotCommand } from './plot.js';
import { regressCommand } from './regress.js';
import { reproduceCommand } from './reproduce.js';
import { trainCommand } from './train.js';
import { VERSION } from '../version.js';

/**
 * commander's message ("error: unknown option '--bogus'\n") as saddle's usage errors read: one `saddle:` line, with
 * where to look next on the same line.
 */
export function commanderMessage(message: string, command: Command, path: string): string {
  const text = message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const help = path ? `saddle ${path} --help lists its options` : 'saddle --help lists the commands';
  const dash =
    /^unknown option/.test(text) && takesExpression(command)
      ? `; an expression that starts with '-' can follow --, e.g. saddle ${path} -- "-(x^2)" …`
      : '';
  return `saddle: ${text}${dash} (${help})\n`;
}

/**
 * exitOverride (a usage error is exit code 2, never commander's 1) and the error format are per command: addCommand
 * passes neither on.
 */
function configure(command: Command, path: string): void {
  command.exitOverride().configureOutput({
    outputError: (message, write) => write(commanderMessage(message, command, path)),
  });
  for (const sub of command.commands) configure(sub, path ? `${path} ${sub.name()}` : sub.name());
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('saddle')
    .description('A laboratory for optimization in deep learning: exact derivatives, stationary points, optimisers.')
    .version(VERSION);
  for (const command of [
    analyzeCommand(),
    deriveCommand(),
    generateCommand(),
    hessianCommand(),
    infoCommand(),
    landscapeCommand(),
    optimizeCommand(),
    plotCommand(),
    regressCommand(),
    reproduceCommand(),
    sweepCommand(),
    trainCommand(),
    workerCommand(),
  ]) {
    program.addCommand(command);
  }
  configure(program, '');
  // The operands markArgv protected from commander's option parsing, as the user typed them.
  program.hook('preAction', (_program, action) => {
    action.processedArgs = action.processedArgs.map(unmark);
  });
  return program;
}

/** Runs saddle on `argv` (node, script, …) and returns the exit code; output goes to process.stdout and stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(markArgv(program, argv));
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof SaddleError) {
      const pointer = err instanceof ParseError ? err.pointer() : '';
      process.stderr.write(`saddle: ${err.message}\n${pointer ? `${pointer}\n` : ''}`);
      return 2;
    }
    process.stderr.write(`saddle: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
