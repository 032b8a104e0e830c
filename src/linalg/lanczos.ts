// The Lanczos process on flat vectors, for operators too large to form (a network's Hessian through
// Hessian-vector products): the three-term recurrence M qⱼ = βⱼ₋₁ qⱼ₋₁ + αⱼ qⱼ + βⱼ qⱼ₊₁ builds the
// tridiagonal T whose eigenvalues (Ritz values) approximate M's extreme eigenvalues first (Golub &
// Van Loan, Matrix Computations, §10.1). With full reorthogonalisation the basis is kept (m·n numbers,
// stored in float32 for float32 operators) and Ritz pairs are exact to rounding; without it ("low
// memory") only three vectors are kept, copies of converged eigenvalues appear (Paige 1976) and are
// merged, and eigenvectors need a second pass that regenerates the same basis.
import { SaddleError } from '../core/errors.js';
import { tridiagonalQL } from './tridiagonal.js';

/** v ↦ M v on flat vectors of length n (M symmetric). */
export type FlatMatVec = (v: Float64Array) => Float64Array;

export type Reorthogonalization = 'full' | 'none';

export interface LanczosRunOptions {
  /** Most steps to take (the size of T); fewer when an invariant subspace is found. */
  steps: number;
  /** Unit start vector (a copy is taken). */
  start: Float64Array;
  /** 'full' keeps and reorthogonalises against the whole basis (default); 'none' keeps three vectors. */
  reorthogonalize?: Reorthogonalization;
  /** Store the basis in float32 (half the memory; for float32 operators, whose products are no better). */
  float32Basis?: boolean;
  /** Called every `checkEvery` steps with T so far; return true to stop. */
  stop?: (t: Tridiagonal) => boolean;
  checkEvery?: number;
  /** Called after every product. */
  onStep?: (step: number) => void;
}

export type Tridiagonal = { alphas: number[]; betas: number[] };

export interface LanczosRun extends Tridiagonal {
  steps: number;
  /** β of the last step: the residual of T's eigenpairs is β·|last component| (0 on breakdown). */
  lastBeta: number;
  /** The basis q₀ … q_{m−1} (full reorthogonalisation only). */
  basis?: (Float64Array | Float32Array)[];
  products: number;
}

/** Σ aᵢbᵢ over flat vectors (the estimators' one inner product). */
export function flatDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function checkProduct(w: Float64Array, n: number): Float64Array {
  if (!(w instanceof Float64Array) || w.length !== n)
    throw new SaddleError(`lanczos: the operator must return a Float64Array of length ${n}`);
  return w;
}

export function lanczosRun(matvec: FlatMatVec, n: number, options: LanczosRunOptions): LanczosRun {
  const m = Math.min(options.steps, n);
  if (!Number.isInteger(m) || m < 1)
    throw new SaddleError(`lanczos: steps must be a positive integer, got ${options.steps}`);
  const full = (options.reorthogonalize ?? 'full') === 'full';
  const store = (v: Float64Array) => (options.float32Basis ? Float32Array.from(v) : Float64Array.from(v));
  const checkEvery = options.checkEvery ?? 5;
  const alphas: number[] = [];
  const betas: number[] = [];
  const basis: (Float64Array | Float32Array)[] = [];
  let q = Float64Array.from(options.start);
  let qPrev = new Float64Array(n);
  let betaPrev = 0;
  let lastBeta = 0;
  let products = 0;
  if (full) basis.push(store(q));
  for (let j = 0; j < m; j++) {
    const w = Float64Array.from(checkProduct(matvec(q), n));
    products++;
    options.onStep?.(products);
    const alpha = flatDot(w, q);
    alphas.push(alpha);
    for (let i = 0; i < n; i++) w[i] -= alpha * q[i] + betaPrev * qPrev[i];
    if (full) {
      // Classical Gram–Schmidt against the whole basis, twice ("twice is enough": Giraud et al. 2005).
      for (let pass = 0; pass < 2; pass++) {
        for (const b of basis) {
          const c = flatDot(w, b);
          for (let i = 0; i < n; i++) w[i] -= c * b[i];
        }
      }
    }
    const beta = Math.sqrt(flatDot(w, w));
    lastBeta = beta;
    const scale = Math.max(Math.abs(alpha), betaPrev, 1e-300);
    if (j === m - 1 || beta <= 1e-12 * scale) {
      if (beta <= 1e-12 * scale) lastBeta = 0;
      break;
    }
    if ((j + 1) % checkEvery === 0 && options.stop?.({ alphas, betas: [...betas, beta] })) {
      betas.push(beta);
      break;
    }
    betas.push(beta);
    for (let i = 0; i < n; i++) w[i] /= beta;
    qPrev = q;
    q = w;
    betaPrev = beta;
    if (full) basis.push(store(q));
  }
  // A stop after pushing β leaves one more β than the T that was built: the last is the residual norm.
  if (betas.length === alphas.length) lastBeta = betas.pop()!;
  return { alphas, betas, steps: alphas.length, lastBeta, basis: full ? basis : undefined, products };
}

export interface TridiagonalEigen {
  /** Eigenvalues of T, ascending. */
  values: number[];
  /** Eigenvectors of T: vectors[k] is the unit eigenvector of values[k]. */
  vectors: Float64Array[];
  /** Squared first components: the Gauss quadrature weights of stochastic Lanczos quadrature. */
  weights: number[];
}

/** All eigenpairs of the symmetric tridiagonal T (implicit QL), ascending: real values, real weights. */
export function tridiagonalEigen(t: Tridiagonal): TridiagonalEigen {
  const k = t.alphas.length;
  const d = Float64Array.from(t.alphas);
  const e = new Float64Array(k);
  for (let i = 1; i < k; i++) e[i] = t.betas[i - 1];
  const Z = new Float64Array(k * k);
  for (let i = 0; i < k; i++) Z[i * k + i] = 1;
  tridiagonalQL(d, e, Z, k, 'lanczos');
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const vectors = order.map((i) => Z.slice(i * k, (i + 1) * k));
  return { values: order.map((i) => d[i]), vectors, weights: vectors.map((z) => z[0] ** 2) };
}

/** Σⱼ zⱼ qⱼ for T-eigenvectors z over a stored basis. */
export function combineBasis(
  basis: readonly (Float64Array | Float32Array)[],
  coefficients: readonly Float64Array[],
  n: number,
): Float64Array[] {
  const out = coefficients.map(() => new Float64Array(n));
  basis.forEach((q, j) => {
    coefficients.forEach((z, c) => {
      const zj = z[j];
      if (zj === 0) return;
      const o = out[c];
      for (let i = 0; i < n; i++) o[i] += zj * q[i];
    });
  });
  return out;
}

/**
 * Ritz vectors without a stored basis: the recurrence run again from the same start (the operator is
 * deterministic, so it regenerates the same qⱼ), accumulating Σⱼ zⱼ qⱼ; costs another `steps` products.
 */
export function regenerateRitzVectors(
  matvec: FlatMatVec,
  n: number,
  start: Float64Array,
  t: Tridiagonal,
  coefficients: readonly Float64Array[],
): Float64Array[] {
  const out = coefficients.map(() => new Float64Array(n));
  let q = Float64Array.from(start);
  let qPrev = new Float64Array(n);
  const steps = t.alphas.length;
  for (let j = 0; j < steps; j++) {
    coefficients.forEach((z, c) => {
      const o = out[c];
      for (let i = 0; i < n; i++) o[i] += z[j] * q[i];
    });
    if (j === steps - 1) break;
    const w = Float64Array.from(checkProduct(matvec(q), n));
    const betaPrev = j > 0 ? t.betas[j - 1] : 0;
    for (let i = 0; i < n; i++) w[i] = (w[i] - (t.alphas[j] * q[i] + betaPrev * qPrev[i])) / t.betas[j];
    qPrev = q;
    q = w;
  }
  return out;
}
