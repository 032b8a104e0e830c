// Krylov methods over a matrix-vector product closure, so a Hessian never has to be formed:
// pass v ↦ hvp(f, x, v). Lanczos (with full reorthogonalisation, Paige 1972's loss of
// orthogonality avoided at O(nk) memory) and power iteration (as PyHessian's top eigenvalue).
import { SaddleError, ShapeError, formatShape } from '../core/errors.js';
import { allocate, type DType } from '../core/dtype.js';
import { fromData, Tensor } from '../core/tensor.js';
import type { Rng } from '../random/rng.js';
import { tridiagonalQL } from './tridiagonal.js';

export type MatVec = (v: Tensor) => Tensor;

interface KrylovOptions {
  /** A seeded generator for the random start vector (required unless `start` is given). */
  rng?: Rng;
  /** A start vector of length n. */
  start?: Tensor;
  /** The dtype of the vectors given to matvec (default float64). */
  dtype?: DType;
}

function startVector(op: string, n: number, options: KrylovOptions): Float64Array {
  const v = new Float64Array(n);
  if (options.start !== undefined) {
    if (options.start.size !== n)
      throw new ShapeError(`${op}: start vector has shape ${formatShape(options.start.shape)}, expected [${n}]`);
    v.set(options.start.data);
  } else if (options.rng !== undefined) {
    for (let i = 0; i < n; i++) v[i] = options.rng.normal();
  } else {
    throw new SaddleError(
      `${op}: give {rng} (a seeded Rng) or {start} for the start vector; saddle never draws unseeded randomness`,
    );
  }
  const norm = Math.sqrt(dot(v, v));
  if (norm === 0) throw new SaddleError(`${op}: the start vector is zero`);
  for (let i = 0; i < n; i++) v[i] /= norm;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function apply(op: string, matvec: MatVec, v: Float64Array, dtype: DType): Float64Array {
  const data = allocate(dtype, v.length);
  data.set(v);
  const out = matvec(fromData(data, [v.length]));
  if (!(out instanceof Tensor) || out.size !== v.length) {
    throw new ShapeError(
      `${op}: matvec must return a vector of length ${v.length}, ` +
        `got ${out instanceof Tensor ? formatShape(out.shape) : typeof out}`,
    );
  }
  const r = Float64Array.from(out.data);
  for (let i = 0; i < r.length; i++) {
    if (!Number.isFinite(r[i]))
      throw new SaddleError(`${op}: matvec returned a non-finite value (${r[i]}) at index ${i}`);
  }
  return r;
}

export interface LanczosResult {
  /** Ritz values (eigenvalues of the tridiagonal T), ascending. */
  eigenvalues: number[];
  /** Squared first components of T's eigenvectors: quadrature weights for spectral densities. */
  weights: number[];
  /** Diagonal and off-diagonal of T. */
  alphas: number[];
  betas: number[];
  /** Steps taken (fewer than asked when an invariant subspace is found). */
  steps: number;
  /** Ritz vectors (columns, n×steps) when asked for with {vectors: true}. */
  vectors?: Tensor;
}

/** k steps of Lanczos on a symmetric operator of size n. */
export function lanczos(
  matvec: MatVec,
  n: number,
  options: KrylovOptions & { steps?: number; vectors?: boolean } = {},
): LanczosResult {
  if (!Number.isInteger(n) || n <= 0) throw new SaddleError(`lanczos: n must be a positive integer, got ${n}`);
  const k = Math.min(options.steps ?? Math.min(n, 30), n);
  if (!Number.isInteger(k) || k <= 0)
    throw new SaddleError(`lanczos: steps must be a positive integer, got ${options.steps}`);
  const dtype = options.dtype ?? 'float64';
  const Q: Float64Array[] = [startVector('lanczos', n, options)];
  const alphas: number[] = [];
  const betas: number[] = [];
  for (let j = 0; j < k; j++) {
    const w = apply('lanczos', matvec, Q[j], dtype);
    const alpha = dot(w, Q[j]);
    alphas.push(alpha);
    // Full reorthogonalisation (twice is enough: Giraud et al. 2005).
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        const c = dot(w, q);
        for (let i = 0; i < n; i++) w[i] -= c * q[i];
      }
    }
    const beta = Math.sqrt(dot(w, w));
    if (j === k - 1) break;
    const scale = Math.max(Math.abs(alpha), Math.abs(betas.at(-1) ?? 0), 1e-300);
    if (beta <= 1e-12 * scale) break;
    betas.push(beta);
    for (let i = 0; i < n; i++) w[i] /= beta;
    Q.push(w);
  }
  const steps = alphas.length;
  const d = Float64Array.from(alphas);
  const e = new Float64Array(steps);
  for (let i = 1; i < steps; i++) e[i] = betas[i - 1];
  const Z = new Float64Array(steps * steps);
  for (let i = 0; i < steps; i++) Z[i * steps + i] = 1;
  tridiagonalQL(d, e, Z, steps, 'lanczos');
  const order = Array.from({ length: steps }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const result: LanczosResult = {
    eigenvalues: order.map((i) => d[i]),
    weights: order.map((i) => Z[i * steps] ** 2),
    alphas,
    betas,
    steps,
  };
  if (options.vectors) {
    const V = new Float64Array(n * steps);
    order.forEach((src, col) => {
      for (let j = 0; j < steps; j++) {
        const z = Z[src * steps + j];
        const q = Q[j];
        for (let i = 0; i < n; i++) V[i * steps + col] += z * q[i];
      }
    });
    result.vectors = fromData(V, [n, steps]);
  }
  return result;
}

export interface PowerIterationResult {
  /** The eigenvalue of largest magnitude (Rayleigh quotient). */
  eigenvalue: number;
  eigenvector: Tensor;
  iterations: number;
  converged: boolean;
}

/** Power iteration: the eigenvalue of largest magnitude, stopping when it changes by < tol (relative). */
export function powerIteration(
  matvec: MatVec,
  n: number,
  options: KrylovOptions & { maxIterations?: number; tol?: number } = {},
): PowerIterationResult {
  if (!Number.isInteger(n) || n <= 0) throw new SaddleError(`powerIteration: n must be a positive integer, got ${n}`);
  const maxIterations = options.maxIterations ?? 100;
  const tol = options.tol ?? 1e-6;
  const dtype = options.dtype ?? 'float64';
  let v = startVector('powerIteration', n, options);
  let eigenvalue = 0;
  for (let it = 1; it <= maxIterations; it++) {
    const w = apply('powerIteration', matvec, v, dtype);
    const next = dot(w, v);
    const norm = Math.sqrt(dot(w, w));
    if (norm === 0) return { eigenvalue: 0, eigenvector: fromData(v, [n]), iterations: it, converged: true };
    for (let i = 0; i < n; i++) w[i] /= norm;
    const done = it > 1 && Math.abs(next - eigenvalue) <= tol * Math.max(Math.abs(eigenvalue), 1e-300);
    eigenvalue = next;
    v = w;
    if (done) return { eigenvalue, eigenvector: fromData(v, [n]), iterations: it, converged: true };
  }
  return { eigenvalue, eigenvector: fromData(v, [n]), iterations: maxIterations, converged: false };
}
