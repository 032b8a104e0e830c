// Linear regression against numpy.linalg.lstsq on a real dataset (fixtures/generate_regression.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fromData } from '../core/index.js';
import { linearRegression, parseCsv, regressionSmoothness } from './index.js';
import { MAX_REGRESSION_FEATURES } from './regression.js';

const { cases } = JSON.parse(readFileSync(new URL('../../fixtures/regression.json', import.meta.url), 'utf8')) as {
  cases: {
    name: string;
    csv?: string;
    target: string;
    features: string[];
    intercept: number;
    coefficients: number[];
    rank: number;
    conditionNumber?: number;
    trainingLoss?: number;
  }[];
};
const irisCsv = readFileSync(new URL('../../fixtures/iris.csv', import.meta.url), 'utf8');

function dataset(c: (typeof cases)[number]) {
  if (c.csv) return parseCsv(c.csv, { target: c.target });
  const ds = parseCsv(irisCsv, { target: c.target });
  // Keep only the fixture's features (the species column is not one of them).
  const keep = c.features.map((f) => ds.featureNames.indexOf(f));
  const d = ds.featureNames.length;
  const x = Float64Array.from(
    { length: 150 * keep.length },
    (_, k) => ds.x.data[Math.floor(k / keep.length) * d + keep[k % keep.length]],
  );
  return { ...ds, featureNames: c.features, x: fromData(x, [150, keep.length]) };
}

describe('linearRegression', () => {
  const iris = cases[0];
  test.each(['analytic', 'qr'] as const)('%s: Iris petal width matches numpy.linalg.lstsq to 1e-10', (method) => {
    const r = linearRegression(dataset(iris), { method });
    expect(Math.abs(r.intercept - iris.intercept)).toBeLessThan(1e-10 * Math.max(1, Math.abs(iris.intercept)));
    iris.features.forEach((f, j) => {
      const tol = 1e-10 * Math.max(1, Math.abs(iris.coefficients[j]));
      expect(Math.abs(r.coefficients[f] - iris.coefficients[j])).toBeLessThan(tol);
    });
    expect(r.rank).toBe(4);
    expect(r.warnings).toEqual([]);
    expect(Math.abs(r.conditionNumber / (iris.conditionNumber as number) - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.trainingLoss - (iris.trainingLoss as number))).toBeLessThan(1e-12);
  });

  test('rank-deficient design: the minimum-norm solution of numpy.linalg.lstsq, and a warning that says why', () => {
    const c = cases[1];
    const r = linearRegression(dataset(c));
    expect(r.rank).toBe(3);
    expect(Math.abs(r.intercept - c.intercept)).toBeLessThan(1e-10);
    c.features.forEach((f, j) => expect(Math.abs(r.coefficients[f] - c.coefficients[j])).toBeLessThan(1e-10));
    expect(r.warnings.join(' ')).toMatch(
      /XᵀX is singular \(rank 3 of 4, with the intercept column\).*minimum-norm least-squares solution/,
    );
    expect(r.conditionNumber).toBeGreaterThan(1e12);
  });
});

describe('linearRegression of values near the ends of float64 (columns and target scaled before solving)', () => {
  const iris = cases[0];
  // Exact powers of two, so numpy's answer on Iris scales exactly: coefficient_j · 2^(m − k_j), intercept · 2^m.
  const scaledIris = (k: readonly number[], m: number) => {
    const ds = dataset(iris);
    const d = k.length;
    const x = ds.x.data.map((v, i) => v * 2 ** k[i % d]);
    return {
      ...ds,
      x: fromData(x, [150, d]),
      y: fromData(
        ds.y.data.map((v) => v * 2 ** m),
        [150],
      ),
    };
  };

  test.each(['analytic', 'qr'] as const)('%s: Iris, columns ×2^1016, ×2^-1000, ×2^300: numpy lstsq', (method) => {
    const k = [1016, -1000, 300];
    const r = linearRegression(scaledIris(k, 0), { method });
    expect(r.rank).toBe(4);
    expect(Math.abs(r.intercept - iris.intercept)).toBeLessThan(1e-10 * Math.abs(iris.intercept));
    iris.features.forEach((f, j) => {
      const expected = iris.coefficients[j] * 2 ** -k[j];
      expect(Math.abs(r.coefficients[f] - expected)).toBeLessThan(1e-10 * Math.abs(expected));
    });
    expect(Math.abs(r.trainingLoss - (iris.trainingLoss as number))).toBeLessThan(1e-12);
    // κ of the data as given is past the float64 range (units 2^2016 apart); the scaled problem is well posed.
    expect(r.conditionNumber).toBe(Infinity);
    expect(r.warnings).toEqual([]);
  });

  test('a target ×2^1021 (near 1e308): exact coefficients, and a loss past the float64 range said so', () => {
    const m = 1021;
    const r = linearRegression(scaledIris([0, 0, 0], m));
    expect(Math.abs(r.intercept - iris.intercept * 2 ** m)).toBeLessThan(1e-10 * Math.abs(iris.intercept * 2 ** m));
    iris.features.forEach((f, j) => {
      const expected = iris.coefficients[j] * 2 ** m;
      expect(Math.abs(r.coefficients[f] - expected)).toBeLessThan(1e-10 * Math.abs(expected));
    });
    expect(r.trainingLoss).toBe(Infinity);
    expect(r.warnings.join(' ')).toMatch(/mean squared error is past the float64 range/);
  });

  test('x near ±1e308 beside the column of ones: rank 2 and numpy’s answer (was rank 1, slope −3e-309)', () => {
    const ds = parseCsv('x,y\n1e308,1\n-1e308,2\n5e307,3\n-3e307,4\n', { target: 'y' });
    // numpy.linalg.lstsq on x/1e308 (exactly representable problem up to one rounding per value): slope/1e308.
    const r = linearRegression(ds, { method: 'qr' });
    expect(r.rank).toBe(2);
    expect(Math.abs(r.intercept - 2.5257510729613735)).toBeLessThan(1e-12);
    expect(Math.abs(r.coefficients.x / -5.150214592274674e-309 - 1)).toBeLessThan(1e-10);
    expect(Math.abs(r.trainingLoss - 1.0954935622317596)).toBeLessThan(1e-12);
  });

  test('refusals name the reason: a coefficient past the float64 range, too many coefficients, NaN in the data', () => {
    const ds = parseCsv('x,y\n1e-300,1e300\n2e-300,3e300\n4e-300,2e300\n', { target: 'y' });
    expect(() => linearRegression(ds)).toThrow(/the coefficient of 'x' is past the float64 range.*rescale/);
    const d = MAX_REGRESSION_FEATURES + 1;
    const y1 = fromData(new Float64Array(1), [1]);
    const wide = { x: fromData(new Float64Array(d), [1, d]), y: y1, featureNames: [], targetName: 'y' };
    const limit = new RegExp(`${d} features are more than the ${d - 1} the direct solvers take`);
    expect(() => linearRegression(wide)).toThrow(limit);
    expect(() => regressionSmoothness(wide)).toThrow(limit);
    const y2 = fromData(Float64Array.from([1, 2]), [2]);
    const nan = { x: fromData(Float64Array.from([1, NaN]), [2, 1]), y: y2, featureNames: ['a'], targetName: 'y' };
    expect(() => linearRegression(nan)).toThrow(/row 2, feature 'a' is NaN/);
  });
});
