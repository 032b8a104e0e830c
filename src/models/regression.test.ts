// Linear regression against numpy.linalg.lstsq on a real dataset (fixtures/generate_regression.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fromData } from '../core/index.js';
import { linearRegression, parseCsv } from './index.js';

const { cases } = JSON.parse(readFileSync(new URL('../../fixtures/regression.json', import.meta.url), 'utf8')) as {
  cases: { name: string; csv?: string; target: string; features: string[]; intercept: number; coefficients: number[]; rank: number; conditionNumber?: number; trainingLoss?: number }[];
};
const irisCsv = readFileSync(new URL('../../fixtures/iris.csv', import.meta.url), 'utf8');

function dataset(c: (typeof cases)[number]) {
  if (c.csv) return parseCsv(c.csv, { target: c.target });
  const ds = parseCsv(irisCsv, { target: c.target });
  // Keep only the fixture's features (the species column is not one of them).
  const keep = c.features.map((f) => ds.featureNames.indexOf(f));
  const d = ds.featureNames.length;
  const x = Float64Array.from({ length: 150 * keep.length }, (_, k) => ds.x.data[Math.floor(k / keep.length) * d + keep[k % keep.length]]);
  return { ...ds, featureNames: c.features, x: fromData(x, [150, keep.length]) };
}

describe('linearRegression', () => {
  const iris = cases[0];
  test.each(['analytic', 'qr'] as const)('%s: Iris petal width matches numpy.linalg.lstsq to 1e-10', (method) => {
    const r = linearRegression(dataset(iris), { method });
    expect(Math.abs(r.intercept - iris.intercept)).toBeLessThan(1e-10 * Math.max(1, Math.abs(iris.intercept)));
    iris.features.forEach((f, j) => expect(Math.abs(r.coefficients[f] - iris.coefficients[j])).toBeLessThan(1e-10 * Math.max(1, Math.abs(iris.coefficients[j]))));
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
    expect(r.warnings.join(' ')).toMatch(/XᵀX is singular \(rank 3 of 4, with the intercept column\).*minimum-norm least-squares solution/);
    expect(r.conditionNumber).toBeGreaterThan(1e12);
  });
});
