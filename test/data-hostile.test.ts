// Data at the ends of float64, across modules: gradient descent and the analytic solution agree on values near
// ±1e308 (the analytic one used to report rank 1 and a worse loss), and `saddle plot` warns about what it left out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fitLinearRegression, linearRegression, parseCsv, regressionSmoothness } from '../src/models/index.js';
import { sgd } from '../src/optim/index.js';
import { plotCommand } from '../src/cli/plot.js';

describe('regression near ±1e308', () => {
  const ds = parseCsv('x,y\n1e308,-1e308\n-1e308,1e308\n5e307,-4e307\n-3e307,2e307\n', { target: 'y' });

  test('fitLinearRegression (gd) reaches the analytic solution, with finite weights and gradient norms', () => {
    const analytic = linearRegression(ds);
    expect(analytic.rank).toBe(2);
    const r = fitLinearRegression(ds, { optimizer: sgd(1 / regressionSmoothness(ds)), steps: 2000, tol: 0 });
    expect(r.stopped).not.toBe('diverged');
    // Relative to the weights' size (the intercept is −1.7e305): the same solution.
    const size = Math.hypot(analytic.weights[0] / 1e305, analytic.weights[1]);
    const gap = Math.hypot((r.weights[0] - analytic.weights[0]) / 1e305, r.weights[1] - analytic.weights[1]);
    expect(gap / size).toBeLessThan(1e-8);
    expect(r.weights.every(Number.isFinite)).toBe(true);
    for (const step of r.trajectory) expect(Number.isFinite(step.gradientNorm)).toBe(true);
  });
});

describe('saddle plot of an objective undefined on part of the box', () => {
  afterEach(() => vi.restoreAllMocks());

  const plot = async (...args: string[]) => {
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    await plotCommand().parseAsync(args, { from: 'user' });
    vi.restoreAllMocks();
    return err.join('');
  };

  test('plot --style surface of log(x*y) where x·y < 0 and x^2 - y^2 on ±1e300: a warning, finite SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-hostile-'));
    const out = join(dir, 's.svg');
    const stderr = await plot('log(x*y)', '--box', 'x=-2:1,y=-1:2', '--out', out, '--style', 'surface');
    expect(stderr).toMatch(/^warning: .*s\.svg: \d+ of 900 sampled values of log\(x\*y\) are undefined or infinite/);
    const svg = readFileSync(out, 'utf8');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toMatch(/of 900 cells undefined or infinite, not drawn<\/text>/);
    const big = join(dir, 'b.svg');
    expect(
      await plot('x^2 - y^2', '--box', 'x=-1e300:1e300,y=-1e300:1e300', '--out', big, '--style', 'surface'),
    ).toMatch(/900 of 900 sampled values/);
    expect(readFileSync(big, 'utf8')).not.toMatch(/NaN|Infinity/);
  });

  test('plot of a curve one ulp wide and of 1 + x·1e-16 ends, labels distinct (was an endless loop)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-hostile-'));
    for (const [expression, box] of [
      ['x^2', 'x=1:1.0000000000000002'],
      ['1+x*1e-16', 'x=0:3'],
    ]) {
      const out = join(dir, 'f.svg');
      expect(await plot(expression, '--box', box, '--out', out)).toBe('');
      const svg = readFileSync(out, 'utf8');
      expect(svg).not.toMatch(/NaN|Infinity/);
      const labels = [...svg.matchAll(/text-anchor="end" fill="#444">([^<]*)</g)].map((m) => m[1]);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});
