import { describe, expect, test } from 'vitest';
import { curveData, empiricalRisk, linearData, linearRegression, parseCsv, risk, toCsv } from './index.js';

describe('synthetic data', () => {
  test('linearData: seeded, and least squares recovers the weights to the noise level', () => {
    const ds = linearData({ weights: [2, -3.4], bias: 4.2, n: 1000, noiseStd: 0.01, seed: 1 });
    expect(ds.x.shape).toEqual([1000, 2]);
    expect(ds.featureNames).toEqual(['x1', 'x2']);
    expect(linearData({ weights: [2, -3.4], bias: 4.2, n: 1000, noiseStd: 0.01, seed: 1 }).y.data).toEqual(ds.y.data);
    const other = linearData({ weights: [2, -3.4], bias: 4.2, n: 1000, noiseStd: 0.01, seed: 2 });
    expect(other.y.data).not.toEqual(ds.y.data);
    const r = linearRegression(ds);
    // Standard error of each coefficient ≈ 0.01/√1000 ≈ 3e-4.
    expect(Math.abs(r.coefficients.x1 - 2)).toBeLessThan(2e-3);
    expect(Math.abs(r.coefficients.x2 + 3.4)).toBeLessThan(2e-3);
    expect(Math.abs(r.intercept - 4.2)).toBeLessThan(2e-3);
    expect(Math.sqrt(r.trainingLoss)).toBeGreaterThan(0.008);
    expect(Math.sqrt(r.trainingLoss)).toBeLessThan(0.012);
  });

  test("the chapter's curves and samples of them", () => {
    expect(risk(1)).toBeCloseTo(-1, 15);
    expect(empiricalRisk(1)).toBeCloseTo(-1.2, 15);
    const ds = curveData({ curve: 'empirical-risk', n: 50, seed: 2 });
    const xs = Array.from(ds.x.data);
    expect(xs.every((x, i) => x >= 0.5 && x <= 1.5 && (i === 0 || x >= xs[i - 1]))).toBe(true);
    xs.forEach((x, i) => expect(ds.y.data[i]).toBe(empiricalRisk(x)));
  });

  test('CSV round trip: toCsv then parseCsv gives the same dataset', () => {
    const ds = linearData({ weights: [0.5, 1, -1], bias: 0, n: 7, noiseStd: 0.1, seed: 5 });
    const back = parseCsv(toCsv(ds), { target: 'y' });
    expect(back.featureNames).toEqual(ds.featureNames);
    expect(back.x.data).toEqual(ds.x.data);
    expect(back.y.data).toEqual(ds.y.data);
  });

  test('toCsv quotes names with commas or quotes, so parseCsv reads them back', () => {
    const base = linearData({ weights: [1, 2], bias: 0, n: 3, noiseStd: 0, seed: 1 });
    const ds = { ...base, featureNames: ['a, b', 'say "hi"'] };
    const text = toCsv(ds);
    expect(text.split('\n')[0]).toBe('"a, b","say ""hi""",y');
    const back = parseCsv(text, { target: 'y' });
    expect(back.featureNames).toEqual(['a, b', 'say "hi"']);
    expect(back.x.data).toEqual(ds.x.data);
  });

  test('bad settings are named', () => {
    const base = { weights: [1], bias: 0, n: 5, noiseStd: 0, seed: 1 };
    expect(() => linearData({ ...base, weights: [] })).toThrow(/weights must be one or more finite numbers/);
    expect(() => linearData({ ...base, n: 0 })).toThrow(/n must be a positive integer, got 0/);
    expect(() => linearData({ ...base, noiseStd: -1 })).toThrow(/noiseStd must be a finite number ≥ 0, got -1/);
    expect(() => curveData({ curve: 'risk', n: 3, range: [1, 0], seed: 1 })).toThrow(/lo < hi/);
  });
});
