// `saddle reproduce --quick`, run as a user runs it: every experiment's result.json re-checked from its
// numbers, the expected verdicts, checks that can fail, figure snapshots, and the report opened in
// headless Chromium with every figure showing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { EXPERIMENTS, type ExperimentResult } from '../src/experiments/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'saddle-reproduce-'));
type Saved = Omit<ExperimentResult, 'figures'> & {
  figures: { name: string; caption: string; svg: string; png: string }[];
  version: string;
};
let summary: { experiments: { id: string; verdict: string; seconds: number }[]; seconds: number };
const saved = (id: string) => JSON.parse(readFileSync(join(out, id, 'result.json'), 'utf8')) as Saved;

// The verdict each claim gets, as measured (see each experiment's check for the conditions).
const EXPECTED: Record<string, string> = {
  'local-global-minima': 'holds',
  'saddle-1d': 'holds',
  'saddle-2d': 'holds',
  'hessian-classification': 'holds with qualification',
  'random-matrix': 'holds with qualification',
  'critical-points-of-networks': 'holds',
  'analytic-vs-numerical': 'holds',
  'machine-precision': 'holds with qualification',
  'newton-saddles': 'holds with qualification',
  'sgd-escapes-saddles': 'holds',
  plateaus: 'holds',
  cliffs: 'holds with qualification',
  'vanishing-exploding': 'holds with qualification',
  'good-bad-minima': 'holds with qualification',
  'optimization-vs-generalization': 'holds',
  'hessian-outliers': 'holds with qualification',
  'edge-of-stability': 'holds',
};

beforeAll(() => {
  const r = spawnSync(process.execPath, [bin, 'reproduce', '--quick', '--out', out, '--json'], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`saddle reproduce failed (${r.status}): ${r.stderr}`);
  summary = JSON.parse(r.stdout);
}, 240_000);

describe('saddle reproduce --quick', () => {
  test('runs every experiment of the issue, in under two minutes', () => {
    expect(summary.experiments.map((e) => e.id)).toEqual(Object.keys(EXPECTED));
    expect(EXPERIMENTS.map((e) => e.id)).toEqual(Object.keys(EXPECTED));
    expect(summary.seconds).toBeLessThan(120);
  });

  test.each(Object.keys(EXPECTED))(
    '%s: the saved verdict is what its check decides from the saved numbers, and the expected one',
    (id) => {
      const r = saved(id);
      const experiment = EXPERIMENTS.find((e) => e.id === id)!;
      const again = experiment.check(r.numbers as never);
      expect(again.verdict).toBe(r.verdict);
      expect(again.reasons).toEqual(r.reasons);
      expect(r.verdict, r.reasons.join('\n')).toBe(EXPECTED[id]);
      expect(r).toMatchObject({ id, seed: 1, quick: true });
      expect(r.claim.length).toBeGreaterThan(40);
      expect(r.source).toMatch(/d2l\.ai/);
      for (const f of r.figures) {
        expect(existsSync(join(out, id, f.svg))).toBe(true);
        expect(
          readFileSync(join(out, id, f.png))
            .subarray(1, 4)
            .toString(),
        ).toBe('PNG');
      }
      expect(r.figures.length).toBeGreaterThan(0);
    },
  );

  test('checks can fail: numbers that contradict a claim give "does not hold"', () => {
    const check = (id: string, edit: (n: Record<string, unknown>) => void) => {
      const n = structuredClone(saved(id).numbers) as Record<string, unknown>;
      edit(n);
      return EXPERIMENTS.find((e) => e.id === id)!.check(n as never).verdict;
    };
    expect(check('local-global-minima', (n) => (n.localMinima = []))).toBe('does not hold');
    expect(check('random-matrix', (n) => ((n.rows as { ci: number[] }[])[1].ci = [0.2, 0.3]))).toBe('does not hold');
    expect(check('plateaus', (n) => ((n.methods as { steps: number }[])[1].steps = 1000))).toBe('does not hold');
    expect(
      check('optimization-vs-generalization', (n) => {
        const e = n.epochs as { testLoss: number }[];
        e.forEach((x, i) => (x.testLoss = 1 - i / 100));
      }),
    ).toBe('does not hold');
    // Three outliers at the end, or a smallest Ritz value whose residual does not exclude zero, contradict the claim.
    expect(
      check('hessian-outliers', (n) => ((n.checkpoints as { outliers: { count: number } }[])[3].outliers.count = 3)),
    ).toBe('does not hold');
    expect(
      check('hessian-outliers', (n) => ((n.checkpoints as { lambdaMinBound: number }[])[3].lambdaMinBound = 1)),
    ).toBe('does not hold');
    // A sharpness that settles at twice 2/η is not the edge of stability.
    expect(check('edge-of-stability', (n) => ((n.runs as { tailMedianRatio: number }[])[0].tailMedianRatio = 2))).toBe(
      'does not hold',
    );
  });

  test('the same seed gives the same numbers (deterministic experiments)', () => {
    const again = mkdtempSync(join(tmpdir(), 'saddle-reproduce-'));
    const r = spawnSync(
      process.execPath,
      [bin, 'reproduce', '--quick', '--only', 'random-matrix,sgd-escapes-saddles', '--out', again],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(0);
    for (const id of ['random-matrix', 'sgd-escapes-saddles']) {
      const a = JSON.parse(readFileSync(join(again, id, 'result.json'), 'utf8')) as Saved;
      expect(a.numbers).toEqual(saved(id).numbers);
    }
  }, 120_000);

  test("figure snapshots: the analytic experiments' figures exactly; the others by their structure", () => {
    for (const id of [
      'local-global-minima',
      'saddle-1d',
      'saddle-2d',
      'hessian-classification',
      'machine-precision',
      'plateaus',
    ]) {
      for (const f of saved(id).figures)
        expect(readFileSync(join(out, id, f.svg), 'utf8')).toMatchSnapshot(`${id}/${f.name}`);
    }
    const structure = (svg: string) => ({
      title: /<title>([^<]*)<\/title>/.exec(svg)?.[1],
      elements: [...svg.matchAll(/<(\w+)/g)]
        .map((m) => m[1])
        .reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {}),
    });
    for (const id of ['random-matrix', 'newton-saddles', 'sgd-escapes-saddles', 'vanishing-exploding']) {
      for (const f of saved(id).figures)
        expect(structure(readFileSync(join(out, id, f.svg), 'utf8'))).toMatchSnapshot(`${id}/${f.name}`);
    }
  });

  const setControlsTitle =
    "--set passes an experiment its controls (the web lab's sliders); a bad one is named before anything runs";
  test(setControlsTitle, { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-reproduce-'));
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'reproduce',
        '--quick',
        '--only',
        'random-matrix',
        '--set',
        'random-matrix.k=4,random-matrix.samples=100000',
        '--out',
        dir,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'random-matrix', 'result.json'), 'utf8')) as Saved;
    expect(res.settings).toMatchObject({ K: 4, samples: 100000 });
    for (const [set, message] of [
      ['random-matrix.k=99', /--set random-matrix.k=99: largest dimension k: 99 is outside \[2, 9\]/],
      ['plateaus.k=3', /plateaus has no control 'k' \(it has none\)/],
      ['vanishing-exploding.init=magic', /'magic' is not one of uniform, xavier-uniform/],
      ['k=3', /is not experiment.control=value/],
    ] as const) {
      const bad = spawnSync(process.execPath, [bin, 'reproduce', '--set', set, '--out', dir], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });

  test('a failed experiment is reported and the others still run (exit code 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-reproduce-'));
    // A file where saddle-1d's folder should go: that experiment cannot write its results.
    writeFileSync(join(dir, 'saddle-1d'), 'in the way');
    const r = spawnSync(
      process.execPath,
      [bin, 'reproduce', '--quick', '--only', 'local-global-minima,saddle-1d,saddle-2d', '--out', dir, '--json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as { experiments: { id: string; verdict: string; error?: string }[] };
    expect(summary.experiments.map((e) => e.verdict)).toEqual(['holds', 'failed', 'holds']);
    expect(summary.experiments[1].error).toMatch(/saddle-1d/);
    expect(r.stderr).toMatch(/\[2\/3\] saddle-1d: failed: /);
    expect(existsSync(join(dir, 'saddle-2d', 'result.json'))).toBe(true);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(
      /<section id="saddle-1d"><h2>A saddle point in one dimension: x³ <span class="badge"[^>]*>failed<\/span>/,
    );
    expect(html).toMatch(/The experiment failed: /);
  }, 60_000);

  test('bad input: an unknown experiment is named, with the list', () => {
    const r = spawnSync(process.execPath, [bin, 'reproduce', '--only', 'saddle-3d', '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no experiment 'saddle-3d'; the experiments are local-global-minima, saddle-1d/);
  });
});

const CHROMIUM = '/usr/bin/chromium';
describe.runIf(existsSync(CHROMIUM))('the report in headless Chromium', () => {
  test('index.html opens from disk with every figure showing and a verdict for every experiment', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${join(out, 'index.html')}`);
      await page.waitForLoadState('load');
      const images = await page.$$eval('img', (xs) =>
        xs.map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })),
      );
      const figures = Object.keys(EXPECTED).reduce((n, id) => n + saved(id).figures.length, 0);
      expect(images).toHaveLength(figures);
      expect(images.filter((i) => !i.ok)).toEqual([]);
      expect(await page.$$eval('section', (xs) => xs.length)).toBe(Object.keys(EXPECTED).length);
      expect(await page.$$eval('section .badge', (xs) => xs.map((x) => x.textContent))).toEqual(
        Object.values(EXPECTED),
      );
      // No network: everything the page asked for is a local file.
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
