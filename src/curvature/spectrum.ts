// Extreme eigenpairs of a curvature operator from its products alone: Lanczos (default; one run
// gives both ends of the spectrum) or power iteration with deflation (PyHessian's method). Every
// eigenvalue comes with its residual ‖Mv − λv‖, measured by one more product rather than trusted
// from the recurrence: for a unit v there is an eigenvalue of M within ‖Mv − λv‖ of λ (Parlett, The
// Symmetric Eigenvalue Problem, Thm 4.5.1), so a negative λ with ‖r‖ < |λ| proves negative curvature.
import { SaddleError } from '../core/errors.js';
import {
  combineBasis,
  flatDot,
  lanczosRun,
  regenerateRitzVectors,
  tridiagonalEigen,
  type FlatMatVec,
  type Tridiagonal,
} from '../linalg/lanczos.js';
import { Rng } from '../random/index.js';

/** The part of a curvature operator that the estimators use. */
export interface SymmetricOperator {
  readonly size: number;
  readonly dtype: 'float64' | 'float32';
  apply(v: Float64Array): Float64Array;
}

export interface Eigenpair {
  value: number;
  /** ‖Mv − λv‖ / |λ|, from a product with the returned unit vector. */
  residual: number;
  /** ‖Mv − λv‖: some eigenvalue of M lies within this distance of `value`. */
  bound: number;
  converged: boolean;
  vector?: Float64Array;
}

export interface EigenOptions {
  /** How many of the largest eigenvalues (algebraically; default 1). */
  top?: number;
  /** How many of the smallest eigenvalues, negative ones first (default 0). */
  bottom?: number;
  method?: 'lanczos' | 'power';
  /** Converged when ‖Mv − λv‖/|λ| ≤ tol (default 1e-3). */
  tol?: number;
  /** Most products before giving up (default: Lanczos min(n, max(80, 8k)) steps; power 300 per eigenvalue). */
  maxSteps?: number;
  seed: number;
  /** Return the eigenvectors (flat, in the operator's parameter order). */
  vectors?: boolean;
  /** Lanczos without a stored basis (3 vectors instead of m); Ritz vectors by a second pass. */
  lowMemory?: boolean;
  onProgress?: (products: number, of: number) => void;
  /** A start vector instead of a seeded random one (e.g. the last eigenvector, when tracking). */
  start?: Float64Array;
}

export interface EigenResult {
  method: 'lanczos' | 'power';
  top: Eigenpair[];
  bottom: Eigenpair[];
  /** Lanczos steps (or power iterations) taken. */
  steps: number;
  products: number;
  seed: number;
  tol: number;
  lowMemory: boolean;
  seconds: number;
}

export function unitStart(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  scaleTo1(v);
  return v;
}

function startFrom(v: Float64Array, n: number): Float64Array {
  if (v.length !== n)
    throw new SaddleError(`eigenpairs: the start vector has ${v.length} entries; the operator acts on ${n}`);
  const s = Float64Array.from(v);
  if (!(norm(s) > 0) || !Number.isFinite(norm(s)))
    throw new SaddleError('eigenpairs: the start vector must be finite and non-zero');
  scaleTo1(s);
  return s;
}

function norm(v: Float64Array): number {
  return Math.sqrt(flatDot(v, v));
}

/** ‖r‖/|λ|; 0 for an exact zero pair (a block with no curvature), where 0/0 would give NaN. */
function relativeResidual(bound: number, value: number): number {
  return bound === 0 ? 0 : bound / Math.abs(value);
}

function scaleTo1(v: Float64Array): void {
  const s = norm(v);
  for (let i = 0; i < v.length; i++) v[i] /= s;
}

function residualOf(op: SymmetricOperator, value: number, v: Float64Array, tol: number, keep: boolean): Eigenpair {
  const Mv = op.apply(v);
  for (let i = 0; i < v.length; i++) Mv[i] -= value * v[i];
  const bound = norm(Mv);
  const residual = relativeResidual(bound, value);
  return { value, residual, bound, converged: residual <= tol, vector: keep ? v : undefined };
}

function checkCounts(n: number, top: number, bottom: number): void {
  for (const [name, k] of [
    ['top', top],
    ['bottom', bottom],
  ] as const) {
    if (!Number.isInteger(k) || k < 0) throw new SaddleError(`eigenpairs: ${name} must be a whole number, got ${k}`);
  }
  if (top + bottom === 0) throw new SaddleError('eigenpairs: ask for at least one eigenvalue (top or bottom)');
  if (top + bottom > n)
    throw new SaddleError(`eigenpairs: ${top + bottom} eigenvalues asked of an operator of size ${n}`);
}

/** The top and bottom eigenpairs of a symmetric operator. */
export function eigenpairs(op: SymmetricOperator, options: EigenOptions): EigenResult {
  const started = performance.now();
  const top = options.top ?? (options.bottom ? 0 : 1);
  const bottom = options.bottom ?? 0;
  const n = op.size;
  checkCounts(n, top, bottom);
  if (!Number.isInteger(options.seed))
    throw new SaddleError('eigenpairs: give a seed (an integer) for the start vector');
  const tol = options.tol ?? 1e-3;
  if (!(tol > 0)) throw new SaddleError(`eigenpairs: tol must be positive, got ${tol}`);
  const result =
    (options.method ?? 'lanczos') === 'power'
      ? power(op, top, bottom, tol, options)
      : lanczosPairs(op, top, bottom, tol, options);
  return {
    ...result,
    seed: options.seed,
    tol,
    lowMemory: options.lowMemory ?? false,
    seconds: (performance.now() - started) / 1000,
  };
}

function lanczosPairs(op: SymmetricOperator, top: number, bottom: number, tol: number, options: EigenOptions) {
  const n = op.size;
  const k = top + bottom;
  const steps = Math.min(n, options.maxSteps ?? Math.max(80, 8 * k));
  const start = options.start ? startFrom(options.start, n) : unitStart(n, options.seed);
  const matvec: FlatMatVec = (v) => op.apply(v);
  const lowMemory = options.lowMemory ?? false;
  // Ritz values of interest: the `top` largest and `bottom` smallest distinct ones (copies of a converged
  // eigenvalue, which appear without reorthogonalisation, are merged).
  const pick = (t: Tridiagonal, beta: number) => {
    const eig = tridiagonalEigen(t);
    const scale = Math.max(Math.abs(eig.values[0]), Math.abs(eig.values.at(-1)!), 1e-300);
    const distinct: number[] = [];
    eig.values.forEach((v, i) => {
      const prev = distinct.at(-1);
      if (!lowMemory || prev === undefined || Math.abs(v - eig.values[prev]) > 1e-8 * scale) distinct.push(i);
    });
    const hi = distinct.slice(-top).reverse();
    const lo = distinct.slice(0, bottom).filter((i) => !hi.includes(i));
    const estimate = (i: number) =>
      Math.abs(beta * eig.vectors[i][t.alphas.length - 1]) / Math.max(Math.abs(eig.values[i]), 1e-300);
    return { eig, hi, lo, estimate };
  };
  const run = lanczosRun(matvec, n, {
    steps,
    start,
    reorthogonalize: lowMemory ? 'none' : 'full',
    float32Basis: op.dtype === 'float32',
    // Stop when every wanted Ritz pair's residual estimate β|z_last|/|θ| is below tol/2 (then measured by a product).
    stop: (t) => {
      const beta = t.betas.at(-1)!;
      const core = { alphas: t.alphas, betas: t.betas.slice(0, -1) };
      if (core.alphas.length < k + 1) return false;
      const p = pick(core, beta);
      return [...p.hi, ...p.lo].length === k && [...p.hi, ...p.lo].every((i) => p.estimate(i) <= tol / 2);
    },
    checkEvery: 2,
    onStep: (s) => options.onProgress?.(s, steps),
  });
  const p = pick(run, run.lastBeta);
  const wanted = [...p.hi, ...p.lo];
  const coefficients = wanted.map((i) => p.eig.vectors[i]);
  const vectors = run.basis
    ? combineBasis(run.basis, coefficients, n)
    : regenerateRitzVectors(matvec, n, start, run, coefficients);
  vectors.forEach(scaleTo1);
  const pairs = wanted.map((i, c) => residualOf(op, p.eig.values[i], vectors[c], tol, options.vectors ?? false));
  const extra = run.basis ? 0 : run.steps - 1;
  return {
    method: 'lanczos' as const,
    top: pairs.slice(0, p.hi.length),
    bottom: pairs.slice(p.hi.length),
    steps: run.steps,
    products: run.products + extra + pairs.length,
  };
}

/**
 * Power iteration with deflation against the eigenvectors already found (PyHessian's `eigenvalues`):
 * it converges to the eigenvalue of largest MAGNITUDE, so the top ones are taken on M − σI shifted by
 * a lower bound σ ≤ λ_min once that is known, and the bottom ones on σ'I − M with σ' ≥ λ_max.
 */
function power(op: SymmetricOperator, top: number, bottom: number, tol: number, options: EigenOptions) {
  const n = op.size;
  const maxIter = options.maxSteps ?? 300;
  let products = 0;
  let steps = 0;
  const found: Float64Array[] = [];
  const iterate = (shift: number, sign: 1 | -1, seed: number): Eigenpair => {
    let v = unitStart(n, seed);
    let best: Eigenpair | undefined;
    for (let it = 0; it < maxIter; it++) {
      for (const u of found) deflate(v, u);
      scaleTo1(v);
      const Mv = op.apply(v);
      products++;
      steps++;
      options.onProgress?.(products, maxIter * (top + bottom));
      const value = flatDot(Mv, v);
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) r[i] = Mv[i] - value * v[i];
      const bound = norm(r);
      const residual = relativeResidual(bound, value);
      best = { value, residual, bound, converged: residual <= tol, vector: v };
      if (best.converged) break;
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[i] = sign * (Mv[i] - shift * v[i]);
      v = w;
    }
    found.push(best!.vector!);
    return { ...best!, vector: options.vectors ? best!.vector : undefined };
  };
  // The largest magnitude first: it bounds the spectrum on one side, which fixes the shifts.
  const first = iterate(0, 1, options.seed);
  found.pop();
  const radius = Math.abs(first.value);
  const topPairs: Eigenpair[] = [];
  const bottomPairs: Eigenpair[] = [];
  for (let i = 0; i < top; i++) topPairs.push(iterate(-radius, 1, options.seed + 1 + i));
  found.length = 0;
  for (let i = 0; i < bottom; i++) bottomPairs.push(iterate(radius, -1, options.seed + 1000 + i));
  return { method: 'power' as const, top: topPairs, bottom: bottomPairs, steps, products };
}

function deflate(v: Float64Array, u: Float64Array): void {
  const c = flatDot(v, u);
  for (let i = 0; i < v.length; i++) v[i] -= c * u[i];
}
