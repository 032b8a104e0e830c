// The command line, run as a user would (through the compiled entry point).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { VERSION } from '../src/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;

describe('saddle CLI', () => {
  test('saddle --version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(VERSION);
  });

  test('saddle info --json is one JSON document naming the active kernel', () => {
    const out = execFileSync(process.execPath, [bin, 'info', '--json'], { encoding: 'utf8' });
    const info = JSON.parse(out) as {
      kernels: { active: string; fusedMultiplyAdd: boolean };
      threads: { gemmWorker: boolean };
      dtypes: { dtype: string; epsilon: number }[];
    };
    expect(info.kernels.active).toBe('wasm');
    expect(info.kernels.fusedMultiplyAdd).toBe(true);
    expect(info.threads.gemmWorker).toBe(true);
    expect(info.dtypes.map((d) => d.epsilon)).toEqual([2 ** -52, 2 ** -23]);
  });

  test('an unknown command exits with code 2 and a message, not a stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'bogus'/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('saddle derive', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'derive', ...args], { encoding: 'utf8' });

  test('--json gives value, gradient, Hessian and eigenvalues', () => {
    const r = run('x^2 - y^2', '--at', 'x=1,y=2', '--json');
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as {
      value: number;
      gradient: Record<string, number>;
      hessian: number[][];
      eigenvalues: number[];
      dtype: string;
    };
    expect(d).toMatchObject({
      value: -3,
      gradient: { x: 2, y: -4 },
      hessian: [
        [2, 0],
        [0, -2],
      ],
      eigenvalues: [-2, 2],
      dtype: 'float64',
    });
  });

  test('the table names the point and the dtype', () => {
    const r = run('x*cos(pi*x)', '--at', 'x=0.3', '--dtype', 'float32');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/at x = 0\.3\s+\(float32\)/);
    expect(r.stdout).toMatch(/^eigenvalues/m);
  });

  test.each([
    [
      ['x + cso(y)', '--at', 'x=1,y=2'],
      /unknown function 'cso' at column 5 \(did you mean cos\?\)\n {2}x \+ cso\(y\)\n {6}\^/,
    ],
    [['x + y', '--at', 'x=1'], /--at gives no value for 'y'; add y=<number>/],
    [['x + y', '--at', 'x=1,y=2,z=3'], /'z' is not a variable of the expression \(its variables: x, y\)/],
    [['x^3', '--at', 'x=abc'], /--at: x=abc is not a finite number/],
    [['x^3', '--at', 'x1'], /'x1' is not name=value/],
    [
      ['x^3', '--at', 'x=1', '--dtype', 'float16'],
      /argument 'float16' is invalid\. Allowed choices are float64, float32/,
    ],
    [['log(x)', '--at', 'x=-2'], /log\(x\) \(column 1\) is NaN there/],
  ])('bad input %# exits 2 with a specific message', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('saddle analyze', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'analyze', ...args], { encoding: 'utf8' });

  test('--json: the issue’s document for x·cos(πx) on [-1, 2]', () => {
    const r = run('x*cos(pi*x)', '--box', 'x=-1:2', '--json');
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as {
      objective: string;
      variables: string[];
      box: Record<string, number[]>;
      complete: boolean;
      stationaryPoints: {
        point: { x: number };
        kind: string;
        certified: boolean;
        eigenvalues: number[];
        value: number;
        gradientNorm: number;
      }[];
      globalMinimum: { point: { x: number }; onBoundary: boolean };
      globalMaximum: { point: { x: number }; value: number; onBoundary: boolean };
      convexity: { verdict: string };
    };
    expect(d).toMatchObject({ objective: 'x*cos(pi*x)', variables: ['x'], box: { x: [-1, 2] }, complete: true });
    expect(d.stationaryPoints.map((p) => [p.kind, p.certified])).toEqual([
      ['minimum', true],
      ['maximum', true],
      ['minimum', true],
    ]);
    expect(d.stationaryPoints[2].point.x).toBeCloseTo(1.090408221946721, 12);
    expect(d.globalMinimum).toMatchObject({ onBoundary: false });
    expect(d.globalMaximum).toMatchObject({ point: { x: 2 }, value: 2, onBoundary: true });
    expect(d.convexity.verdict).toBe('not convex');
  });

  test('the same command gives the same output', () => {
    const a = run('x^2 - y^2', '--box', 'x=-1:1,y=-1:1', '--json').stdout;
    const b = run('x^2 - y^2', '--box', 'x=-1:1,y=-1:1', '--json').stdout;
    expect(a).toBe(b);
    expect(run('x^2 - y^2', '--box', 'x=-1:1,y=-1:1').stdout).toMatch(/saddle\s+-2\.000 2\.000\s+yes/);
  });

  test.each([
    [['log(x)', '--box', 'x=-1:2'], /log is undefined for x <= 0 inside the box x=-1:2/],
    [['x^2 - y^2', '--box', 'x=-1:1'], /--box gives no range for 'y'; add y=<low>:<high>/],
    [['x^2', '--box', 'x=2:-1'], /x=2:-1 is inverted \(2 > -1\); write x=-1:2/],
    [['x^2', '--box', 'x=1:1'], /x=1:1 is empty/],
    [['x^2', '--box', 'x=a:1'], /x=a:1 needs two finite numbers/],
    [['x^2', '--box', 'x=0:1,z=0:1'], /'z' is not a variable of the expression/],
    [['x^2', '--box', 'x'], /'x' is not name=low:high/],
  ])('bad input %# exits 2 with a specific message', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('saddle plot', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'plot', ...args], { encoding: 'utf8' });

  test('writes the chapter’s figure of x·cos(πx) with its labelled minima, atomically', async () => {
    const { mkdtempSync, readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'saddle-plot-'));
    const out = join(dir, 'f.svg');
    const r = run('x*cos(pi*x)', '--box', 'x=-1:2', '--out', out, '--stationary');
    expect(r.status).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const label of ['local minimum', 'local maximum', 'global minimum']) expect(svg).toContain(`>${label}</text>`);
    expect(readdirSync(dir)).toEqual(['f.svg']); // no temporary file left behind
    const surface = join(dir, 's.svg');
    expect(
      run('x^2 - y^2', '--box', 'x=-1:1,y=-1:1', '--out', surface, '--style', 'surface', '--stationary').status,
    ).toBe(0);
    expect(readFileSync(surface, 'utf8')).toContain('>saddle point</text>');
    const png = join(dir, 'f.png');
    expect(run('x*cos(pi*x)', '--box', 'x=-1:2', '--out', png).status).toBe(0);
    const bytes = readFileSync(png);
    // the PNG signature
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.readUInt32BE(16)).toBe(1120); // width: 560 px drawn at 2×
  });

  test.each([
    [['x^2', '--box', 'x=-1:1', '--out', 'f.txt'], /give a file name ending in \.svg or \.png/],
    [
      ['x^2', '--box', 'x=-1:1', '--out', 'f.svg', '--style', 'pie'],
      /argument 'pie' is invalid\. Allowed choices are line, contour, surface/,
    ],
    [
      ['x^2 + y', '--box', 'x=-1:1,y=0:1', '--out', 'f.svg', '--style', 'line'],
      /--style line draws functions of one variable/,
    ],
    [
      ['x^2', '--box', 'x=-1:1', '--out', '/nonexistent-dir/f.svg'],
      /cannot write \/nonexistent-dir\/f\.svg \(ENOENT\)/,
    ],
  ])('bad input %# exits 2 with a specific message', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('saddle optimize', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'optimize', ...args], { encoding: 'utf8' });

  test('--json: the issue’s document (optimizer, trajectory of named points, final, stopped, reason)', () => {
    const r = run(
      'x^2 + 2*y^2',
      '--from',
      'x=1,y=1',
      '--optimizer',
      'adam',
      '--lr',
      '0.1',
      '--betas',
      '0.9,0.999',
      '--steps',
      '3',
      '--json',
    );
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as {
      optimizer: { name: string; settings: { lr: number } };
      trajectory: {
        step: number;
        point: { x: number; y: number };
        value: number;
        gradientNorm: number;
        lr: number | null;
      }[];
      final: unknown;
      stopped: string;
      reason: string;
    };
    expect(d.optimizer.name).toBe('adam');
    expect(d.optimizer.settings.lr).toBe(0.1);
    expect(d.trajectory).toHaveLength(4);
    expect(d.trajectory[0]).toEqual({
      step: 0,
      point: { x: 1, y: 1 },
      value: 3,
      gradientNorm: Math.hypot(2, 4),
      lr: 0.1,
    });
    // Adam's first step is η·g/(|g| + ε) in each coordinate: 0.1·2/(2 + 1e-8) for x.
    expect(d.trajectory[1].point.x).toBe(1 - 0.1 * (2 / (2 + 1e-8)));
    expect(d.trajectory[1].point.y).toBeCloseTo(0.9, 8);
    expect(d.final).toEqual(d.trajectory[3]);
    expect(d.stopped).toBe('max-steps');
  });

  test('--compare runs several optimisers from the same start; seeded noise is reproducible', () => {
    const args = [
      'x^2 - y^2',
      '--from',
      'x=1,y=0.01',
      '--compare',
      'newton,saddle-free-newton',
      '--steps',
      '5',
      '--json',
    ];
    const d = JSON.parse(run(...args).stdout) as {
      runs: { optimizer: { name: string }; final: { point: { x: number; y: number } } }[];
    };
    expect(d.runs.map((r) => r.optimizer.name)).toEqual(['newton', 'saddle-free-newton']);
    expect(d.runs[0].final.point).toEqual({ x: 0, y: 0 });
    expect(d.runs[1].final.point.y).toBeCloseTo(0.32, 12);
    const noisy = ['x^2', '--from', 'x=1', '--noise', '1', '--seed', '3', '--steps', '20', '--json'];
    expect(run(...noisy).stdout).toBe(run(...noisy).stdout);
  });

  test('a diverging learning rate reports the step and the cause (exit 0: a result, not an error)', () => {
    const r = run('x^2', '--from', 'x=10', '--lr', '1.1', '--steps', '1000');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/diverged at step \d+: the value .*lower the learning rate/);
  });

  test.each([
    [
      ['x^2', '--from', 'x=1', '--optimizer', 'adamm'],
      /'--optimizer <name>' argument 'adamm' is invalid\. Allowed choices are sgd, adagrad/,
    ],
    [
      ['x^2', '--from', 'x=1', '--lr', '-3'],
      /'--lr <number>' argument '-3' is invalid\. It must be a number in \(0, 1000000\]/,
    ],
    [
      ['x^2', '--from', 'x=1', '--betas', '0.9'],
      /'--betas <b1,b2>' argument '0.9' is invalid\. It must be 2 comma-separated numbers, each a number in \[0, 1\)/,
    ],
    [['x^2', '--from', 'x=1', '--noise', '0.1'], /--noise draws random numbers: give --seed/],
    [['x^2', '--from', 'y=1'], /'y' is not a variable of the expression/],
    [
      ['x^2', '--from', 'x=1', '--steps', '2.5'],
      /'--steps <n>' argument '2.5' is invalid\. It must be an integer in \[0, 1000000\]/,
    ],
    [['x^2', '--from', 'x=1', '--schedule', 'cosine'], /schedule "cosine" needs T=<number>/],
  ])('bad input %# exits 2 with a specific message', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
