// The trace of an operator from products with random vectors. Hutchinson (1989): E[zᵀMz] = tr M for
// Rademacher z, with variance 2(‖M‖_F² − Σ Mᵢᵢ²) per probe, so the standard error is the probes'
// standard deviation over √probes. Hutch++ (Meyer, Musco, Musco & Woodruff 2021, arXiv 2010.09649,
// Algorithm 1): a third of the products sketch the top of the spectrum (Q = orth(M S)), whose trace is
// taken exactly, and Hutchinson estimates only the rest, tr((I − QQᵀ) M (I − QQᵀ)), where large
// outlier eigenvalues no longer inflate the variance.
import { SaddleError } from '../core/errors.js';
import { flatDot as dot } from '../linalg/lanczos.js';
import { Rng } from '../random/index.js';
import type { SymmetricOperator } from './spectrum.js';

export interface TraceEstimate {
  method: 'hutchinson' | 'hutch++';
  estimate: number;
  /** Standard error of the estimate (Hutchinson: sample SD/√probes; Hutch++: of its Hutchinson part). */
  stderr: number;
  probes: number;
  products: number;
  seed: number;
  seconds: number;
}

function rademacher(n: number, rng: Rng): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.float() < 0.5 ? -1 : 1;
  return z;
}

function meanAndStderr(samples: number[]): [number, number] {
  const m = samples.reduce((a, b) => a + b, 0) / samples.length;
  if (samples.length < 2) return [m, Infinity];
  const v = samples.reduce((a, b) => a + (b - m) ** 2, 0) / (samples.length - 1);
  return [m, Math.sqrt(v / samples.length)];
}

function checkCount(what: string, k: number, least: number): void {
  if (!Number.isInteger(k) || k < least)
    throw new SaddleError(`trace: ${what} must be an integer of at least ${least}, got ${k}`);
}

/** Hutchinson's estimator with Rademacher probes. */
export function hutchinson(
  op: SymmetricOperator,
  options: { probes: number; seed: number; onProgress?: (done: number, of: number) => void },
): TraceEstimate {
  checkCount('probes', options.probes, 2);
  const started = performance.now();
  const rng = new Rng(options.seed);
  const samples: number[] = [];
  for (let p = 0; p < options.probes; p++) {
    const z = rademacher(op.size, rng);
    samples.push(dot(z, op.apply(z)));
    options.onProgress?.(p + 1, options.probes);
  }
  const [estimate, stderr] = meanAndStderr(samples);
  return {
    method: 'hutchinson',
    estimate,
    stderr,
    probes: options.probes,
    products: options.probes,
    seed: options.seed,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Modified Gram–Schmidt, twice, dropping columns that vanish (the sketch may be rank-deficient). */
function orthonormalize(columns: Float64Array[]): Float64Array[] {
  const q: Float64Array[] = [];
  for (const c of columns) {
    const v = Float64Array.from(c);
    const before = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++)
      for (const u of q) {
        const s = dot(v, u);
        for (let i = 0; i < v.length; i++) v[i] -= s * u[i];
      }
    const after = Math.sqrt(dot(v, v));
    if (after <= 1e-10 * before || after === 0) continue;
    for (let i = 0; i < v.length; i++) v[i] /= after;
    q.push(v);
  }
  return q;
}

function project(q: Float64Array[], v: Float64Array): Float64Array {
  const out = Float64Array.from(v);
  for (const u of q) {
    const s = dot(out, u);
    for (let i = 0; i < out.length; i++) out[i] -= s * u[i];
  }
  return out;
}

/** Hutch++ with `products` products in all (a multiple of 3 is used exactly: m/3 each for S, Q and G). */
export function hutchPlusPlus(
  op: SymmetricOperator,
  options: { products: number; seed: number; onProgress?: (done: number, of: number) => void },
): TraceEstimate {
  checkCount('products', options.products, 6);
  const started = performance.now();
  const rng = new Rng(options.seed);
  const third = Math.floor(options.products / 3);
  const hutchProbes = options.products - 2 * third;
  let done = 0;
  const apply = (v: Float64Array) => {
    const r = op.apply(v);
    done++;
    options.onProgress?.(done, options.products);
    return r;
  };
  const sketch = Array.from({ length: third }, () => apply(rademacher(op.size, rng)));
  const q = orthonormalize(sketch);
  let exact = 0;
  for (const u of q) exact += dot(u, apply(u));
  const samples: number[] = [];
  for (let p = 0; p < hutchProbes; p++) {
    const g = project(q, rademacher(op.size, rng));
    samples.push(dot(g, project(q, apply(g))));
  }
  const [rest, stderr] = meanAndStderr(samples);
  return {
    method: 'hutch++',
    estimate: exact + rest,
    stderr,
    probes: hutchProbes,
    products: done,
    seed: options.seed,
    seconds: (performance.now() - started) / 1000,
  };
}
