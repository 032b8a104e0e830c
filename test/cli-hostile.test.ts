// The CLI's argument handling against careless and hostile input (issue 12): every usage error exits 2 with a
// message naming the flag and its allowed range, sizes past a stated limit are refused at once, files are left
// clean. Runs the program in-process (src/cli/program.ts), so each case costs milliseconds, not a process start.
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { loadData } from '../src/cli/datasets.js';
import { removeStaleTemporaries, STALE_TEMPORARY_MS, writeAtomic } from '../src/cli/files.js';
import { formatNumber } from '../src/cli/format.js';
import { markOperands } from '../src/cli/operands.js';
import { printResult, toJson } from '../src/cli/output.js';
import { progressBar } from '../src/cli/progress.js';
import { buildProgram, runCli } from '../src/cli/program.js';
import { compile } from '../src/expr/index.js';
import { landscapeFigure } from '../src/experiments/index.js';
import { ACTIVATIONS, INITIALIZERS } from '../src/models/index.js';
import { FIRST_ORDER_OPTIMIZERS, OPTIMIZER_NAMES } from '../src/optim/index.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** saddle with `args`, in this process: the exit code and what it wrote. */
async function saddle(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(['node', 'saddle', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'saddle-hostile-'));
afterEach(() => {
  process.exitCode = 0;
});

describe('1. commander errors exit 2 in every subcommand', () => {
  const names = buildProgram().commands.map((c) => c.name());

  // commander reports a missing required option before an unknown one; either is a usage error.
  test.each(names)("saddle %s --no-such-flag exits 2 with commander's message", async (name) => {
    const r = await saddle(name, '--no-such-flag');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^saddle: (unknown option '--no-such-flag'|required option '--\w+ <\w+>' not specified)/);
  });

  test.each([
    [['train', '--model'], /option '--model <spec>' argument missing/],
    [['hessian', '--kind', 'bogus'], /argument 'bogus' is invalid\. Allowed choices are hessian, ggn, fisher/],
    [['regress', 'f.csv', '--target', 'y', '--method', 'lu'], /Allowed choices are analytic, qr, gd, sgd, adam/],
    [['generate', 'cubic', '--seed', '1'], /'cubic' is invalid for argument 'kind'\. Allowed choices are linear, risk/],
    [['derive', 'x', '--at', 'x=1', 'extra'], /too many arguments/],
  ])('%j exits 2', async (args, message) => {
    const r = await saddle(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // one `saddle:` line, as every other usage error, with where to look next
    expect(r.stderr).toMatch(/^saddle: [^\n]*\(saddle \w+ --help lists its options\)\n$/);
  });

  test('help and version, nested or not, exit 0', async () => {
    for (const args of [['--help'], ['--version'], ['analyze', '--help'], ['help', 'train'], ['hessian', '-h']]) {
      const r = await saddle(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});

describe('2. an expression that starts with -', () => {
  test('analyze "-(x^2)" and analyze -- "-(x^2)" both analyse -(x²)', async () => {
    for (const args of [
      ['analyze', '-(x^2)', '--box', 'x=-1:1'],
      ['analyze', '--', '-(x^2)', '--box', 'x=-1:1'],
    ]) {
      const r = await saddle(...args, '--json');
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { objective: string; globalMaximum: { value: number } };
      expect(doc.globalMaximum.value).toBe(0);
    }
  });

  test('derive, optimize and plot take it too', async () => {
    const d = await saddle('derive', '-x^2 + 3', '--at', 'x=2', '--json');
    expect(d.code, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ value: -1, gradient: { x: -4 } });
    const o = await saddle('optimize', '-(-(x^2))', '--from', 'x=1', '--steps', '3', '--json');
    expect(o.code, o.stderr).toBe(0);
    const svg = join(dir, 'neg.svg');
    const p = await saddle('plot', '--', '-x', '--box', 'x=-1:1', '--out', svg);
    expect(p.code, p.stderr).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  });

  test('a malformed one is a parse error with its column, not "unknown option"', async () => {
    const r = await saddle('derive', '-(x', '--at', 'x=1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unbalanced parenthesis/);
  });

  test('a flag-shaped word that is no option says to write -- before an expression', async () => {
    const r = await saddle('derive', '--x', '--at', 'x=1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--x'/);
    expect(r.stderr).toMatch(/can follow --, e\.g\. saddle derive -- "-\(x\^2\)"/);
  });

  test('option values that start with - stay values', () => {
    const derive = buildProgram().commands.find((c) => c.name() === 'derive')!;
    expect(markOperands(derive, ['x', '--at', '-x=1'])).toEqual(['x', '--at', '-x=1']);
  });
});

describe("3. each option is declared once, with the library's lists", () => {
  const program = buildProgram();
  const option = (command: string, flag: string) =>
    program.commands.find((c) => c.name() === command)!.options.find((o) => o.long === flag)!;

  test("--activation of train and hessian: the library's activations", () => {
    expect(option('train', '--activation').argChoices).toEqual([...ACTIVATIONS]);
    expect(option('hessian', '--activation').argChoices).toEqual([...ACTIVATIONS]);
  });

  test('--optimizer of optimize: every optimiser; of train: the first-order ones', async () => {
    expect(option('optimize', '--optimizer').argChoices).toEqual([...OPTIMIZER_NAMES]);
    expect(option('train', '--optimizer').description).toContain(FIRST_ORDER_OPTIMIZERS.join(', '));
  });

  test('--init names every initialiser of the library, in train and hessian alike', async () => {
    for (const command of ['train', 'hessian']) {
      for (const init of INITIALIZERS) expect(option(command, '--init').description).toContain(init);
      const r = await saddle(command, '--model', 'mlp:4-3', '--init', 'bogus');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`It must be one of he, kaiming, xavier, glorot, ${INITIALIZERS.join(', ')}`);
    }
  });
});

describe('3. one progress bar and one printer for every command', () => {
  test('progressBar draws on a terminal only, and never beside a JSON document', () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    try {
      Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
      progressBar({ prefix: 'train', width: 4 }).update(1, 2, '1/2');
      progressBar({ json: true }).update(1, 2);
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      progressBar().update(1, 2);
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      spy.mockRestore();
    }
    expect(writes).toEqual(['\r\x1b[Ktrain [##..] 1/2']);
  });

  test('printResult prints the JSON document with the version, or the text, never both', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      printResult(
        true,
        () => ({ a: 1 }),
        () => 'text',
      );
      const json = out;
      out = '';
      printResult(
        false,
        () => ({ a: 1 }),
        () => 'text',
      );
      expect(JSON.parse(json)).toMatchObject({ a: 1, version: expect.any(String) });
      expect(out).toBe('text\n');
    } finally {
      spy.mockRestore();
    }
  });
});

describe("a library rule in the CLI's words", () => {
  test('optimize --optimizer adagrad --schedule says to use --lr-decay (the library calls it lrDecay)', async () => {
    const r = await saddle('optimize', 'x^2', '--from', 'x=1', '--optimizer', 'adagrad', '--schedule', 'cosine:T=10');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^saddle: --schedule: adagrad decays its own rate .*use --lr-decay\n$/);
  });
});

describe('5. no JSON document writes null for a number', () => {
  test('toJson(value) writes a number that is not finite as the string JSON.stringify would have made null', () => {
    const doc = JSON.parse(toJson({ a: Infinity, b: [-Infinity, NaN, 1.5], c: null, d: { e: 0 } }));
    expect(doc).toEqual({ a: 'Infinity', b: ['-Infinity', 'NaN', 1.5], c: null, d: { e: 0 } });
  });

  test('regress --json near ±1e308: the loss past float64 is "Infinity", and no field is null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-json-'));
    const file = join(dir, 'huge.csv');
    writeFileSync(file, 'x,y\n1e308,-1e308\n-1e308,1e308\n5e307,-4e307\n-3e307,2e307\n');
    const r = await saddle('regress', file, '--target', 'y', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/null/);
    const doc = JSON.parse(r.stdout);
    expect(doc.trainingLoss).toBe('Infinity');
    expect(doc.rank).toBe(2);
  });
});

describe('4. numbers out of range are refused with the range', () => {
  const optimize = (...flags: string[]) => saddle('optimize', 'x^2', '--from', 'x=1', '--steps', '1', ...flags);

  test.each([
    [['--lr', 'Infinity'], /'--lr <number>' argument 'Infinity' is invalid\. It must be a number in \(0, 1000000\]/],
    [['--lr', '1e400'], /'--lr <number>' argument '1e400'.*\(0, 1000000\]/],
    [['--eps', '1e400'], /'--eps <number>'.*a number in \[0, 1\]/],
    [['--momentum', 'Infinity'], /'--momentum <number>'.*a number in \[0, 1\]/],
    [['--weight-decay', '1e400'], /'--weight-decay <number>'.*\[0, 1000\]/],
    [['--betas', ','], /'--betas <b1,b2>' argument ','.*entry 1 \(''\) must be a number in \[0, 1\)/],
    [['--betas', '0.9'], /'--betas <b1,b2>'.*It must be 2 comma-separated numbers/],
    [['--optimizer', 'rmsprop', '--alpha', '-1'], /'--alpha <number>' argument '-1'.*\[0, 1\)/],
    [['--compare', ','], /'--compare <names>' argument ','.*An empty name is not one of sgd/],
    [['--steps', '1e12'], /'--steps <n>'.*an integer in \[0, 1000000\]/],
  ])('optimize %j', async (flags, message) => {
    const r = await optimize(...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('reproduce --only ,,, runs nothing: an error, not exit 0', async () => {
    const r = await saddle('reproduce', '--only', ',,,', '--out', join(dir, 'none'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/names no experiment between two commas; the experiments are local-global-minima/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  test('train --optimizer newton says which optimisers train supports, and why not newton', async () => {
    const r = await saddle('train', '--model', 'mlp:4-3', '--optimizer', 'newton');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/newton needs the objective itself .* only minibatch gradients: train supports sgd, /);
    expect(r.stderr).not.toMatch(/extras/);
  });
});

describe('5. no null test metrics, no infinite generated data', () => {
  test('train --test 0 is refused with the range', async () => {
    const r = await saddle('train', '--model', 'mlp:4-3', '--data', 'iris', '--test', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'--test <n>' argument '0' is invalid\. It must be an integer in \[1, 10000000\]/);
  });

  test.each([
    [
      ['linear', '--weights', '1e308,1e308'],
      /'--weights <list>'.*entry 1 \('1e308'\) must be a number in \[-1e\+100, 1e\+100\]/,
    ],
    [['linear', '--weights', '1', '--bias', '1e400'], /'--bias <number>'/],
    [['risk', '--range', '-1e300:1e300'], /'--range <lo:hi>'/],
    [['risk', '--range', '2:1'], /lower end 2 must be below its upper end 1/],
    [['risk', '--noise', 'Infinity'], /'--noise <std>'/],
  ])('generate %j is refused', async (args, message) => {
    const r = await saddle('generate', ...args, '--seed', '1', '--n', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('generate at the bounds writes finite cells only', async () => {
    const r = await saddle(
      'generate',
      'linear',
      '--weights',
      '1e100,-1e100',
      '--bias',
      '1e100',
      '--noise',
      '1e100',
      '--n',
      '50',
      '--seed',
      '3',
    );
    expect(r.code, r.stderr).toBe(0);
    const cells = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((line) => line.split(',').map(Number));
    expect(cells).toHaveLength(150);
    expect(cells.every(Number.isFinite)).toBe(true);
  });
});

describe('6. sizes past a stated limit are refused at once', () => {
  test('train --model mlp:784-1000000000-10 names its parameters and the limit', async () => {
    const r = await saddle('train', '--model', 'mlp:784-1000000000-10');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/It has 795,000,000,010 parameters; the limit is 268,435,456 \(2\^28\)/);
  });

  test('a CSV of 130,000 rows loads: no spread of its labels into Math.max', async () => {
    const file = join(dir, 'many.csv');
    const rows = Array.from({ length: 130_000 }, (_, i) => `${i % 7},${i % 3}`);
    writeFileSync(file, `a,label\n${rows.join('\n')}\n`);
    const ds = await loadData({ data: file, target: 'label' }, { classes: true });
    expect(ds.classNames).toEqual(['0', '1', '2']);
  });

  test("regress on a CSV wider than the limit names its features and the limit (the library's check)", async () => {
    const file = join(dir, 'wide.csv');
    const width = 5000;
    const header = Array.from({ length: width }, (_, j) => `c${j}`).join(',');
    const row = (k: number) => Array.from({ length: width }, (_, j) => String((j * k) % 11)).join(',');
    writeFileSync(file, `${header}\n${row(1)}\n${row(2)}\n`);
    const r = await saddle('regress', file, '--target', 'c0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/4999 features are more than the 4096 the direct solvers take/);
  });

  test.each([
    [['generate', 'risk', '--n', '1e9', '--seed', '1'], /'--n <rows>'.*an integer in \[1, 1000000\]/],
    [['train', '--model', 'mlp:4-3', '--epochs', '1e12'], /'--epochs <n>'.*an integer in \[1, 100000\]/],
  ])('%j is refused before it runs', async (args, message) => {
    const r = await saddle(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("reproduce --out /proc/x is refused at once (Node's recursive mkdir loops there)", async () => {
    const started = performance.now();
    const r = await saddle('reproduce', '--only', 'saddle-1d', '--quick', '--out', '/proc/saddle-x/y');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create \/proc\/saddle-x\/y: .*choose a folder you can write to/);
    expect(performance.now() - started).toBeLessThan(2000);
  }, 5000);
});

describe('7. stale temporary files of a killed writer are removed on the next write', () => {
  test("a dead writer's file and an old one go; a live writer's fresh file stays", async () => {
    const target = join(dir, 'data.csv');
    const dead = join(dir, '.data.csv.4194305.tmp'); // above Linux's pid_max: no such process
    const live = join(dir, `.data.csv.${process.ppid}.tmp`);
    const old = join(dir, '.data.csv.1.tmp'); // pid 1 is alive, but no write lasts this long
    const unrelated = join(dir, '.other.csv.4194305.tmp');
    for (const f of [dead, live, old, unrelated]) writeFileSync(f, 'x'.repeat(1000));
    const past = (Date.now() - STALE_TEMPORARY_MS - 60_000) / 1000;
    utimesSync(old, past, past);
    const r = await saddle('generate', 'risk', '--n', '5', '--seed', '1', '--out', target);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/^x,y\n/);
  });

  test('writeAtomic leaves no temporary file of its own', () => {
    const target = join(dir, 'clean.txt');
    writeAtomic(target, 'done');
    expect(removeStaleTemporaries(target)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('done');
  });
});

describe('8. formatNumber keeps the exponent', () => {
  test('formatNumber(1.234567890123e-10) is 1.23456789012e-10; 1e20 is 1e+20', () => {
    expect(formatNumber(1.234567890123e-10)).toBe('1.23456789012e-10');
    expect(formatNumber(1e20)).toBe('1e+20');
    expect(formatNumber(-2.5e-300)).toBe('-2.5e-300');
    expect(formatNumber(0.5)).toBe('0.5');
  });

  test('Number(formatNumber(v)) is v to 12 significant digits, exponent intact (property, seeded)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = formatNumber(v);
        const back = Number(text);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(5e-12 * Math.abs(v));
        const expected = Number.isInteger(v) && Math.abs(v) < 1e15 ? v : Number(v.toPrecision(12));
        expect(back).toBe(Object.is(expected, -0) ? 0 : expected);
        expect(text.split('e')[1]).toBe(
          Number.isInteger(v) && Math.abs(v) < 1e15 ? undefined : v.toPrecision(12).split('e')[1],
        );
      }),
      { seed: 12, numRuns: 5000 },
    );
  });
});

describe('9. optimize --plot draws with landscapeFigure', () => {
  test('two variables: the contour map of landscapeFigure with the trajectory as a path', async () => {
    const svg = join(dir, 'race.svg');
    const r = await saddle('optimize', 'x^2 + 3*y^2', '--from', 'x=0,y=0', '--steps', '0', '--plot', svg);
    expect(r.code, r.stderr).toBe(0);
    const box = [
      { lo: -0.5, hi: 0.5 },
      { lo: -0.5, hi: 0.5 },
    ];
    const expected = landscapeFigure(compile('x^2 + 3*y^2'), box, 'contour', null, {
      paths: [{ x: [0], y: [0], label: 'sgd' }],
    });
    expect(readFileSync(svg, 'utf8')).toBe(expected);
  });

  test('one variable: the curve of landscapeFigure with each trajectory as a trace', async () => {
    const svg = join(dir, 'race1.svg');
    const r = await saddle('optimize', 'x^2', '--from', 'x=1', '--steps', '1', '--lr', '0.25', '--plot', svg);
    expect(r.code, r.stderr).toBe(0);
    // x: 1 → 1 − 0.25·2 = 0.5; the box is the visited [0.5, 1] padded by 0.5 (at least), as for two variables.
    const expected = landscapeFigure(compile('x^2'), [{ lo: 0, hi: 1.5 }], 'line', null, {
      traces: [{ x: [1, 0.5], y: [1, 0.25], label: 'sgd' }],
    });
    expect(readFileSync(svg, 'utf8')).toBe(expected);
  });
});
