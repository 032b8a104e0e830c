// Valid saddle commands (from the README and test/cli.test.ts, with tiny sizes), the ways a careless or hostile
// user mutates them, and the check of one run: exit 0 or 2 (never 1 = internal error, never a signal), no hang,
// a usage error as one `saddle:` line (plus the caret pointer of a ParseError), and --json as one JSON document
// without NaN, Infinity or an undocumented null. The CLI runs from source through tsx, as a user's process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { Outcome } from './checks.js';

const root = new URL('../../', import.meta.url).pathname;
const main = join(root, 'src/cli/main.ts');
const iris = join(root, 'fixtures/iris.csv');
/** tsx's loader by path: runs start in a temporary directory, where the package name would not resolve. */
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

/** Past this a run counts as a hang: startup through tsx is ~0.5 s, every base command ends within ~1 s. */
export const HANG_MS = 10_000;

export const COMMANDS: readonly (readonly string[])[] = [
  ['derive', 'x^2 - y^2', '--at', 'x=1,y=2', '--json'],
  ['derive', 'x*cos(pi*x)', '--at', 'x=0.3', '--dtype', 'float32'],
  ['analyze', 'x*cos(pi*x)', '--box', 'x=-1:2', '--json'],
  ['analyze', 'x^2 - y^2', '--box', 'x=-1:1,y=-1:1'],
  [
    'optimize',
    '(1 - x)^2 + 100*(y - x^2)^2',
    '--from',
    'x=-1.2,y=1',
    '--optimizer',
    'adam',
    '--lr',
    '0.02',
    '--steps',
    '20',
    '--json',
  ],
  [
    'optimize',
    'x^2 + y^2',
    '--from',
    'x=1,y=1',
    '--compare',
    'sgd,rmsprop',
    '--lr',
    '0.01',
    '--momentum',
    '0.9',
    '--steps',
    '10',
    '--json',
  ],
  [
    'optimize',
    'x^2',
    '--from',
    'x=1',
    '--optimizer',
    'adam',
    '--betas',
    '0.9,0.999',
    '--eps',
    '1e-8',
    '--weight-decay',
    '0.01',
    '--steps',
    '5',
  ],
  ['plot', 'x^2 - y^2', '--box', 'x=-1:1,y=-1:1', '--out', '{tmp}/f.svg'],
  ['plot', 'x*cos(pi*x)', '--box', 'x=-1:2', '--out', '{tmp}/g.svg'],
  ['regress', '{iris}', '--target', 'petal_width', '--method', 'gd', '--steps', '50', '--json'],
  [
    'generate',
    'linear',
    '--weights',
    '2,-3.4',
    '--bias',
    '4.2',
    '--n',
    '50',
    '--noise',
    '0.01',
    '--seed',
    '1',
    '--out',
    '{tmp}/a.csv',
  ],
  ['generate', 'risk', '--n', '20', '--range', '0.5:1.5', '--seed', '2'],
  [
    'train',
    '--model',
    'mlp:4-8-3',
    '--data',
    'iris',
    '--train',
    '100',
    '--test',
    '50',
    '--epochs',
    '2',
    '--batch',
    '16',
    '--lr',
    '0.01',
    '--json',
  ],
  ['info', '--json'],
];

const HOSTILE_VALUES = [
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  'NaN',
  '-1',
  '0',
  '',
  ' ',
  ',',
  ',,',
  '-0',
  '1e-400',
  '99999999999999999999',
  '1e308',
  'abc',
  '0x10',
  '1,2,3',
  '=',
  '1e9',
];
const HOSTILE_NUMBERS = ['Infinity', '1e400', 'NaN', '-1', '0', '1e308', '99999999999999999999', '1e-320', '', '1e9'];
const UNKNOWN_FLAGS = ['--bogus', '--bogus=1', '-z', '--'];
const DASH_EXPRESSIONS = ['-(x^2)', '-x', '-x^2 + y', '- x*y', '-1', '--x'];

export type CliMutation =
  | { kind: 'drop' | 'duplicate'; at: number }
  | { kind: 'value'; at: number; value: string }
  | { kind: 'number'; at: number; nth: number; value: string }
  | { kind: 'unknown'; at: number; flag: string }
  | { kind: 'expression'; value: string };

const mutationArb: fc.Arbitrary<CliMutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'drop' | 'duplicate'>('drop', 'duplicate'), at: fc.nat() }),
  fc.record({ kind: fc.constant<'value'>('value'), at: fc.nat(), value: fc.constantFrom(...HOSTILE_VALUES) }),
  fc.record({
    kind: fc.constant<'number'>('number'),
    at: fc.nat(),
    nth: fc.nat(),
    value: fc.constantFrom(...HOSTILE_NUMBERS),
  }),
  fc.record({ kind: fc.constant<'unknown'>('unknown'), at: fc.nat(), flag: fc.constantFrom(...UNKNOWN_FLAGS) }),
  fc.record({ kind: fc.constant<'expression'>('expression'), value: fc.constantFrom(...DASH_EXPRESSIONS) }),
);

export interface CliCase {
  command: number;
  mutations: CliMutation[];
}
export const cliCaseArb: fc.Arbitrary<CliCase> = fc.record({
  command: fc.nat({ max: COMMANDS.length - 1 }),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 2 }),
});

const isFlag = (a: string) => a.startsWith('--');
const NUMBER = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi;

function mutate(args: string[], m: CliMutation): string[] {
  const flags = args.flatMap((a, i) => (isFlag(a) ? [i] : []));
  const withValue = flags.filter((i) => i + 1 < args.length && !isFlag(args[i + 1]));
  const out = [...args];
  switch (m.kind) {
    case 'drop':
      if (args.length > 1) out.splice(1 + (m.at % (args.length - 1)), 1);
      return out;
    case 'duplicate': {
      if (!flags.length) return out;
      const i = flags[m.at % flags.length];
      const n = withValue.includes(i) ? 2 : 1;
      out.splice(i + n, 0, ...args.slice(i, i + n));
      return out;
    }
    case 'value':
      if (withValue.length) out[withValue[m.at % withValue.length] + 1] = m.value;
      return out;
    case 'number': {
      const holders = args.flatMap((a, i) => (i > 0 && !a.includes('{') && !isFlag(a) && /\d/.test(a) ? [i] : []));
      if (!holders.length) return out;
      const i = holders[m.at % holders.length];
      const count = args[i].match(NUMBER)?.length ?? 1;
      let k = 0;
      out[i] = args[i].replace(NUMBER, (s) => (k++ === m.nth % count ? m.value : s));
      return out;
    }
    case 'unknown':
      out.splice(1 + (m.at % args.length), 0, m.flag);
      return out;
    case 'expression':
      if (['derive', 'analyze', 'optimize', 'plot'].includes(args[0])) out[1] = m.value;
      return out;
  }
}

/** The command line of a case, with {tmp} and {iris} still to fill. */
export function argsOf(c: CliCase): string[] {
  return c.mutations.reduce(mutate, [...COMMANDS[c.command]]);
}

export interface CliRun {
  args: string[];
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs saddle with the arguments (in a fresh temporary directory for any output file), killed after HANG_MS. */
export function runCli(template: readonly string[], hangMs = HANG_MS): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-property-'));
  const args = template.map((a) => a.replaceAll('{tmp}', dir).replaceAll('{iris}', iris));
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', tsx, main, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, hangMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ args: [...template], status, signal, stdout, stderr, ms: performance.now() - start, timedOut });
    });
  });
}

/** Keys that may be null by design: a trajectory step's lr is null for methods without one (newton, lbfgs). */
const NULLABLE = new Set(['lr']);

function badJsonValue(value: unknown, path: string): string | null {
  if (value === null)
    return NULLABLE.has(
      path
        .split('.')
        .pop()
        ?.replace(/\[\d+\]$/, '') ?? '',
    )
      ? null
      : `null at ${path}`;
  if (typeof value === 'string') return /^-?(NaN|Infinity)$/.test(value) ? `'${value}' at ${path}` : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badJsonValue(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const bad = badJsonValue(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
/** A ParseError's caret pointer: the expression indented by two, then a line of spaces and one ^. */
const isPointer = (lines: string[]) => lines.length === 2 && lines[0].startsWith('  ') && /^ *\^$/.test(lines[1]);

export function checkCliRun(r: CliRun): Outcome {
  const cmd = `saddle ${r.args.map((a) => JSON.stringify(a)).join(' ')}`;
  const first = r.stderr.split('\n')[0];
  if (r.timedOut) return { kind: 'hang', message: `${cmd} still running after ${HANG_MS} ms` };
  if (r.signal) return { kind: 'crash', message: `${cmd} ended by ${r.signal}: ${first}` };
  if (r.status === 1 || /internal error/.test(r.stderr) || STACK.test(r.stderr)) {
    return {
      kind: 'crash',
      message: `${cmd} exited ${r.status}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`,
    };
  }
  if (r.status !== 0 && r.status !== 2) return { kind: 'wrong', message: `${cmd} exited ${r.status}` };
  if (r.status === 2) {
    const lines = r.stderr.trimEnd().split('\n');
    if (!lines[0].startsWith('saddle: ') || (lines.length > 1 && !isPointer(lines.slice(1)))) {
      return {
        kind: 'wrong',
        message: `${cmd}: exit 2 but stderr is not one 'saddle:' line: ${JSON.stringify(r.stderr.slice(0, 300))}`,
      };
    }
    return { kind: 'pass' };
  }
  if (r.args.includes('--json') && !r.args.includes('--help')) {
    let doc: unknown;
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      return {
        kind: 'wrong',
        message: `${cmd}: --json output is not one JSON document: ${JSON.stringify(r.stdout.slice(0, 200))}`,
      };
    }
    const bad = badJsonValue(doc, '$');
    if (bad) return { kind: 'nan', message: `${cmd}: ${bad}` };
  } else if (/\bNaN\b/.test(r.stdout)) {
    return { kind: 'nan', message: `${cmd}: NaN in the output: ${JSON.stringify(r.stdout.slice(0, 300))}` };
  }
  return { kind: 'pass' };
}
