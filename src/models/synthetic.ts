// Seeded synthetic datasets: linear data with Gaussian noise (the chapter's synthetic_data:
// X ~ N(0, I), y = Xw + b + ε), and samples of the chapter's two curves, the risk f(x) = x·cos(πx)
// and the empirical risk g(x) = f(x) + 0.2·cos(5πx), whose minima differ.
import { SaddleError } from '../core/errors.js';
import { fromData, type DType } from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { Rng } from '../random/index.js';
import type { Dataset } from './data.js';

export type LinearDataOptions = {
  weights: readonly number[];
  bias: number;
  n: number;
  /** Standard deviation of the Gaussian noise on y (the chapter uses 0.01). */
  noiseStd: number;
  seed: number;
  dtype?: DType;
};

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new SaddleError(`${what}: n must be a positive integer, got ${n}`);
}

/** n rows of X ~ N(0, I) with y = Xw + b + N(0, noiseStd²); features x1…xd, target y. */
export function linearData(options: LinearDataOptions): Dataset {
  const { weights, bias, n, noiseStd, seed } = options;
  checkCount('linearData', n);
  if (weights.length < 1 || !weights.every(Number.isFinite) || !Number.isFinite(bias)) {
    throw new SaddleError(
      'linearData: weights must be one or more finite numbers and bias finite, ' +
        `got [${weights.join(', ')}] and ${bias}`,
    );
  }
  if (!(noiseStd >= 0) || !Number.isFinite(noiseStd)) {
    throw new SaddleError(`linearData: noiseStd must be a finite number ≥ 0, got ${noiseStd}`);
  }
  const d = weights.length;
  const dtype = options.dtype ?? 'float64';
  const rng = new Rng(seed);
  const x = allocate(dtype, n * d);
  const y = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    let t = bias;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      x[i * d + j] = v;
      t += weights[j] * v;
    }
    y[i] = t + noiseStd * rng.normal();
  }
  const featureNames = weights.map((_, j) => `x${j + 1}`);
  return { x: fromData(x, [n, d]), y: fromData(y, [n]), featureNames, targetName: 'y' };
}

/** The chapter's risk f(x) = x·cos(πx). */
export const risk = (x: number): number => x * Math.cos(Math.PI * x);
/** The chapter's empirical risk g(x) = f(x) + 0.2·cos(5πx): the risk seen through a finite sample. */
export const empiricalRisk = (x: number): number => risk(x) + 0.2 * Math.cos(5 * Math.PI * x);

export const CURVES = { risk, 'empirical-risk': empiricalRisk } as const;
export type Curve = keyof typeof CURVES;

/** n points x ~ U[lo, hi] with y = curve(x) + N(0, noiseStd²), sorted by x; feature x, target y. */
export function curveData(options: {
  curve: Curve;
  n: number;
  range?: [number, number];
  noiseStd?: number;
  seed: number;
  dtype?: DType;
}): Dataset {
  const f = CURVES[options.curve];
  if (!f) throw new SaddleError(`curveData: unknown curve '${options.curve}'; use ${Object.keys(CURVES).join(' or ')}`);
  checkCount('curveData', options.n);
  const [lo, hi] = options.range ?? [0.5, 1.5];
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new SaddleError(`curveData: range must be [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
  }
  const noiseStd = options.noiseStd ?? 0;
  if (!(noiseStd >= 0) || !Number.isFinite(noiseStd)) {
    throw new SaddleError(`curveData: noiseStd must be a finite number ≥ 0, got ${noiseStd}`);
  }
  const rng = new Rng(options.seed);
  const xs = Array.from({ length: options.n }, () => lo + (hi - lo) * rng.float()).sort((a, b) => a - b);
  const dtype = options.dtype ?? 'float64';
  const x = allocate(dtype, options.n);
  const y = allocate(dtype, options.n);
  xs.forEach((v, i) => {
    x[i] = v;
    y[i] = f(v) + noiseStd * rng.normal();
  });
  return { x: fromData(x, [options.n, 1]), y: fromData(y, [options.n]), featureNames: ['x'], targetName: 'y' };
}

/** A CSV field: quoted (RFC 4180, quotes doubled) when it holds a comma, a quote, a newline or edge spaces. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A dataset as CSV text (features, then the target), the format parseCsv and `saddle regress` read. */
export function toCsv(ds: Dataset): string {
  const [n, d] = ds.x.shape;
  const lines = [[...ds.featureNames, ds.targetName].map(csvField).join(',')];
  for (let i = 0; i < n; i++) {
    const row: string[] = [];
    for (let j = 0; j < d; j++) row.push(String(ds.x.data[i * d + j]));
    row.push(String(ds.y.data[i]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
