// `saddle landscape` and `saddle train --checkpoints`, run as a user would: the JSON document, endpoints
// that reproduce training's own losses bit for bit, a grid that survives SIGKILL and resumes to the same numbers,
// and bad input answered with exit code 2 and a message that says what to change.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fromJson, toJson } from '../src/cli/output.js';
import { pendingPoints, recordPoint, type LandscapeResult } from '../src/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const saddle = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'saddle-landscape-'));
const at = (name: string) => join(dir, name);
const json = (r: ReturnType<typeof saddle>) => {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
};
const trainArgs = (seed: number, save: string, ...more: string[]) => [
  'train',
  '--model',
  'mlp:784-32-10',
  '--data',
  'mnist',
  '--train',
  '1000',
  '--test',
  '300',
  '--epochs',
  '2',
  '--seed',
  String(seed),
  '--save',
  save,
  '--json',
  ...more,
];

describe('saddle landscape', () => {
  const first = json(saddle(...trainArgs(1, at('a.safetensors'), '--checkpoints', '6')));
  const second = json(saddle(...trainArgs(2, at('b.safetensors'))));

  test('interpolate: the JSON of the issue; α = 0 and 1 reproduce saddle train’s final losses bit for bit', () => {
    // The split of seed 1 is the one `a` was trained on; `b` (seed 2) is measured on it too.
    const doc = json(
      saddle(
        'landscape',
        '--params',
        at('a.safetensors'),
        '--to',
        at('b.safetensors'),
        '--data',
        'mnist',
        '--examples',
        '1000',
        '--test',
        '300',
        '--grid',
        '9',
        '--seed',
        '1',
        '--json',
      ),
    );
    expect(doc.mode).toBe('interpolate');
    expect(doc.normalize).toBeNull();
    expect(doc.axes.x).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    for (const key of ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy']) expect(doc[key]).toHaveLength(9);
    expect(doc.trainLoss[2]).toBe(first.final.trainLoss);
    expect(doc.testLoss[2]).toBe(first.final.testLoss);
    expect(doc.trainAccuracy[2]).toBe(first.final.trainAccuracy);
    // Two independently trained networks: a barrier between them (permutation symmetry).
    expect(doc.trainLoss[4]).toBeGreaterThan(Math.max(doc.trainLoss[2], doc.trainLoss[6]));
    expect(doc.done).toBe(9);
    expect(typeof doc.seconds).toBe('number');
    expect(second.final.trainLoss).toBeGreaterThan(0);
  });

  test('slice: 2-D arrays row-major with y outer; the centre is the trained loss; a contour figure', () => {
    const svg = at('slice.svg');
    const doc = json(
      saddle(
        'landscape',
        '--params',
        at('a.safetensors'),
        '--data',
        'mnist',
        '--examples',
        '1000',
        '--test',
        '300',
        '--grid',
        '5x3',
        '--range',
        '-2:2,-0.5:0.5',
        '--seed',
        '1',
        '--plot',
        svg,
        '--json',
      ),
    );
    expect(doc.mode).toBe('slice');
    expect(doc.normalize).toBe('filter');
    expect(doc.axes).toEqual({ x: [-2, -1, 0, 1, 2], y: [-0.5, 0, 0.5] });
    expect(doc.trainLoss).toHaveLength(3);
    doc.trainLoss.forEach((row: number[]) => expect(row).toHaveLength(5));
    expect(doc.trainLoss[1][2]).toBe(first.final.trainLoss);
    expect(doc.trainLoss[0][0]).toBeGreaterThan(doc.trainLoss[1][2]);
    expect(readFileSync(svg, 'utf8')).toMatch(/<svg[\s\S]*trained point/);
  });

  test('--eigen-ratio: λ_max, λ_min and |λ_min/λ_max| at every point, in the grid’s shape', () => {
    const doc = json(
      saddle(
        'landscape',
        '--params',
        at('a.safetensors'),
        '--data',
        'mnist',
        '--examples',
        '300',
        '--grid',
        '3x2',
        '--eigen-ratio',
        '--eigen-examples',
        '100',
        '--eigen-steps',
        '10',
        '--json',
      ),
    );
    for (const key of ['lambdaMax', 'lambdaMin', 'ratio']) {
      expect(doc[key]).toHaveLength(2);
      doc[key].forEach((row: number[]) => expect(row).toHaveLength(3));
    }
    doc.ratio.flat().forEach((r: number, i: number) => {
      expect(r).toBeCloseTo(Math.abs(doc.lambdaMin.flat()[i] / doc.lambdaMax.flat()[i]), 12);
      expect(doc.lambdaMax.flat()[i]).toBeGreaterThan(0);
    });
    expect(doc.settings.eigen).toEqual({ examples: 100, steps: 10 });
  });

  test('pca: the checkpoints of train --checkpoints, explained variance and distances from the plane', () => {
    const doc = json(
      saddle(
        'landscape',
        '--params',
        at('a.safetensors'),
        '--mode',
        'pca',
        '--data',
        'mnist',
        '--examples',
        '1000',
        '--grid',
        '4x4',
        '--json',
      ),
    );
    expect(doc.explainedVariance).toHaveLength(2);
    expect(doc.explainedVariance[0]).toBeGreaterThan(doc.explainedVariance[1]);
    expect(doc.explainedVariance[0] + doc.explainedVariance[1]).toBeLessThanOrEqual(1 + 1e-12);
    // Steps 0, 3, 6, … 16: seven checkpoints, the last the final point itself.
    expect(doc.residuals).toHaveLength(7);
    expect(doc.trajectory.x.at(-1)).toBe(0);
    expect(doc.residuals.at(-1)).toBe(0);
    expect(doc.trainLoss).toHaveLength(4);
  });

  test('the same bytes from this thread and from pools of 1, 2 and 4 worker threads', () => {
    const docs = [0, 1, 2, 4].map((workers) => {
      const out = at(`workers${workers}.json`);
      const r = saddle(
        'landscape',
        '--params',
        at('a.safetensors'),
        '--data',
        'mnist',
        '--examples',
        '200',
        '--test',
        '100',
        '--grid',
        '4x4',
        '--seed',
        '2',
        '--workers',
        String(workers),
        '--out',
        out,
      );
      expect(r.status, r.stderr).toBe(0);
      const { seconds: _, ...doc } = JSON.parse(readFileSync(out, 'utf8'));
      return JSON.stringify(doc);
    });
    expect(new Set(docs).size).toBe(1);
    expect(JSON.parse(docs[0]).done).toBe(16);
  }, 60_000);

  test('a grid killed mid-run (SIGKILL) continues with --resume to the numbers of an uninterrupted run', async () => {
    const out = at('grid.json');
    const args = [
      'landscape',
      '--params',
      at('a.safetensors'),
      '--data',
      'mnist',
      '--examples',
      '1000',
      '--grid',
      '41x41',
      '--seed',
      '3',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    // Wait for the first write (after a second of work), then kill.
    for (let i = 0; i < 600 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const partial = JSON.parse(readFileSync(out, 'utf8'));
    expect(partial.done).toBeGreaterThan(0);
    expect(partial.done).toBeLessThan(1681);
    expect(partial.trainLoss.flat().filter((v: number | null) => v === null)).toHaveLength(1681 - partial.done);
    // Without --resume an unfinished grid is not overwritten.
    const refused = saddle(...args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/holds an unfinished grid; continue it with --resume/);
    // Other settings are named.
    const other = saddle(...args.map((a) => (a === '3' ? '4' : a)), '--resume');
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/other settings \(seed: 3 there, 4 now\)/);
    expect(saddle(...args, '--resume').status).toBe(0);
    const resumed = JSON.parse(readFileSync(out, 'utf8'));
    const whole = at('whole.json');
    expect(saddle(...args.slice(0, -1), whole).status).toBe(0);
    const fresh = JSON.parse(readFileSync(whole, 'utf8'));
    expect(resumed.done).toBe(1681);
    const { seconds: _a, settings: s1, ...r } = resumed;
    const { seconds: _b, settings: s2, ...f } = fresh;
    expect(r).toEqual(f);
    expect({ ...s1, out: undefined }).toEqual({ ...s2, out: undefined });
  }, 120_000);

  test('bad input: exit 2 and a message saying what to change', () => {
    const cases: [string[], RegExp][] = [
      [['--grid', '0'], /--grid.*from 1 to 1001/],
      [['--grid', '3', '--range', '1:0'], /'1:0' is not lo:hi/],
      [['--mode', 'interpolate'], /needs --to <file>/],
      [['--grid', '401x401x2'], /--grid.*n \(a line\) or nx×ny/],
      [['--to', at('b.safetensors'), '--grid', '5x5'], /an interpolation is a line/],
      [['--mode', 'pca', '--trajectory', at('missing.safetensors')], /does not exist/],
      [['--resume'], /give --out/],
      [['--grid', '3x3', '--range', '-1:1,-1:1,-1:1'], /3 ranges for a grid of 2 axes/],
    ];
    writeFileSync(at('not-params.json'), '{}');
    for (const [extra, message] of cases) {
      const r = saddle('landscape', '--params', at('a.safetensors'), '--data', 'iris', ...extra);
      expect(r.status, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const t = saddle('train', '--model', 'mlp:4-3', '--data', 'iris', '--checkpoints', '5');
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--checkpoints writes its file beside --save/);
  });

  test('non-finite losses survive the grid file as "Infinity" and "NaN", never null (null is a point not done)', () => {
    const result: LandscapeResult = {
      mode: 'slice',
      normalize: 'filter',
      axes: { x: [-1, 0, 1] },
      trainLoss: [null, null, null],
      trainAccuracy: [null, null, null],
      done: 0,
      points: 3,
    };
    recordPoint(result, 0, { trainLoss: Infinity, trainAccuracy: 0.1 });
    recordPoint(result, 1, { trainLoss: NaN, trainAccuracy: 0.1 });
    const text = toJson(result, 0);
    expect(text).toContain('"trainLoss":["Infinity","NaN",null]');
    const back = fromJson(text) as LandscapeResult;
    expect(back.trainLoss).toEqual([Infinity, NaN, null]);
    expect(pendingPoints(back)).toEqual([2]);
    expect(back.done).toBe(2);
  });
});
