// Eigenpairs of an unreduced symmetric tridiagonal block by divide and conquer (Cuppen 1981; Gu & Eisenstat
// 1995), in the shape of LAPACK's dlaed0–dlaed3: T is torn at its middle into two halves and a rank-one
// correction, the halves are solved recursively (implicit QL at LEAF rows and below), and each merge solves
// the rank-one update D + ρ z zᵀ of their joint spectrum (secular.ts). Deflation removes the poles whose
// zᵢ is negligible and, by a Givens rotation, one of every two nearly equal poles, so clustered and repeated
// eigenvalues make it cheaper, not slower. The merged eigenvectors are the halves' times the update's, by
// GEMM, restricted to the rows where each column is nonzero.
import { gemm } from '../core/kernels/index.js';
import { LinAlgError } from './matrix.js';
import { tridiagonalQL } from './ql.js';
import { rankOneUpdate } from './secular.js';
import { mergeUpdateWasm, qlVectorsWasm, type MergeShape } from './wasm-kernels.js';

/** Blocks of at most this order are solved by implicit QL (LAPACK's SMLSIZ for dstedc). */
export const LEAF = 25;
const U = 2 ** -53;

/** Where a column of the merged block is nonzero: the top half's rows, the bottom's, or both (dlaed2's coltyp). */
const TOP = 0;
const BOTTOM = 1;
const MIXED = 2;

/**
 * The tridiagonal (d diagonal, e[i] coupling i and i + 1), the n×n row-major Q whose diagonal blocks take the
 * vectors, and the merges' scratch, reused while large enough.
 */
export interface Tridiagonal {
  d: Float64Array;
  e: Float64Array;
  Q: Float64Array;
  n: number;
  pool: Float64Array[];
}

/** Indices 0..m−1 ordered by ascending values[offset + i]. */
export function ascending(values: Float64Array, offset: number, m: number): Int32Array {
  const order = Int32Array.from({ length: m }, (_, i) => i);
  return order.sort((x, y) => values[offset + x] - values[offset + y]);
}

/**
 * Eigenpairs of the block [s, s + m) of t: eigenvalues into t.d, eigenvectors into the columns of Q's
 * diagonal block in the same order (not sorted: each merge sorts its poles itself, as LAPACK keeps indxq);
 * the rest of Q is untouched. Cuppen's tear (dlaed0): with β = e[s + m₁ − 1],
 * T = diag(T₁ − |β| e eᵀ, T₂ − |β| e₁ e₁ᵀ) + |β| v vᵀ, v = e_{m₁} + sign(β) e_{m₁+1}.
 */
export function divideAndConquer(t: Tridiagonal, s: number, m: number): void {
  if (m <= LEAF) {
    leaf(t, s, m);
    return;
  }
  const m1 = m >> 1;
  const beta = t.e[s + m1 - 1];
  t.d[s + m1 - 1] -= Math.abs(beta);
  t.d[s + m1] -= Math.abs(beta);
  divideAndConquer(t, s, m1);
  divideAndConquer(t, s + m1, m - m1);
  merge(t, s, m1, m, beta);
}

/**
 * A leaf by implicit QL accumulating its rotations (as dstedc calls dsteqr), vectors into Q's columns: the
 * WASM kernel qlVectors where it runs, else tridiagonalQL, whose arithmetic it repeats.
 */
function leaf({ d, e, Q, n }: Tridiagonal, s: number, m: number): void {
  const bd = d.slice(s, s + m);
  const be = new Float64Array(m);
  for (let i = 1; i < m; i++) be[i] = e[s + i - 1];
  const R = new Float64Array(m * m);
  for (let i = 0; i < m; i++) R[i * m + i] = 1;
  const failed = qlVectorsWasm(bd, be, R, m);
  if (failed === null) tridiagonalQL(bd, be, R, m);
  else if (failed >= 0)
    throw new LinAlgError(`eigh: the QL iteration did not converge for eigenvalue ${failed} after 60 sweeps`);
  d.set(bd, s);
  for (let r = 0; r < m; r++) for (let j = 0; j < m; j++) Q[(s + r) * n + s + j] = R[j * m + r];
}

/** Columns p and q of Q's block [s, s + m) ← (c·p + s·q, c·q − s·p) (BLAS drot). */
function rotateColumns(Q: Float64Array, n: number, s: number, m: number, p: number, q: number, c: number, sn: number) {
  for (let r = 0; r < m; r++) {
    const row = (s + r) * n + s;
    const x = Q[row + p];
    const y = Q[row + q];
    Q[row + p] = c * x + sn * y;
    Q[row + q] = c * y - sn * x;
  }
}

/**
 * Deflation (dlaed2) of D + ρ z zᵀ, poles visited in ascending order: a pole with ρ|zⱼ| ≤ tol is an
 * eigenvalue already (its vector is Q's column); of two poles p < q with |(d_q − d_p) c s| ≤ tol, where
 * (c, s) rotates z_p into z_q, the rotation of columns p, q zeroes z_p and makes d_p an eigenvalue up to
 * that tolerance. Returns the surviving poles (ascending), the deflated ones and where each column is nonzero;
 * dd, z and Q are updated.
 */
function deflate(t: Tridiagonal, s: number, m1: number, m: number, dd: Float64Array, z: Float64Array, rho: number) {
  const kind = new Uint8Array(m).fill(TOP, 0, m1).fill(BOTTOM, m1);
  const order = ascending(dd, 0, m);
  let zmax = 0;
  let dmax = 0;
  for (let j = 0; j < m; j++) {
    zmax = Math.max(zmax, Math.abs(z[j]));
    dmax = Math.max(dmax, Math.abs(dd[j]));
  }
  const tol = 8 * U * Math.max(dmax, zmax);
  const kept = new Int32Array(m);
  const deflated = new Int32Array(m);
  let k = 0;
  let nd = 0;
  if (rho * zmax <= tol) return { kept: kept.subarray(0, 0), deflated: order, kind };
  let prev = -1;
  for (const j of order) {
    if (rho * Math.abs(z[j]) <= tol) {
      deflated[nd++] = j;
      continue;
    }
    if (prev >= 0) {
      const r = Math.hypot(z[prev], z[j]);
      const c = z[j] / r;
      const sn = -z[prev] / r;
      if (Math.abs((dd[j] - dd[prev]) * c * sn) <= tol) {
        rotateColumns(t.Q, t.n, s, m, prev, j, c, sn);
        z[j] = r;
        z[prev] = 0;
        if (kind[j] !== kind[prev]) kind[j] = MIXED;
        const dp = dd[prev];
        const dq = dd[j];
        dd[prev] = dp * c * c + dq * sn * sn;
        dd[j] = dp * sn * sn + dq * c * c;
        deflated[nd++] = prev;
      } else {
        kept[k++] = prev;
      }
    }
    prev = j;
  }
  if (prev >= 0) kept[k++] = prev;
  return { kept: kept.subarray(0, k), deflated: deflated.subarray(0, nd), kind };
}

/** The merges' scratch buffers: the product, the update's eigenvectors, the gathered columns of Q. */
const PRODUCT = 0;
const VECTORS = 1;
const GATHERED = 2;

/** Scratch buffer `which` of t's pool with at least `size` entries. */
function scratch(t: Tridiagonal, which: number, size: number): Float64Array {
  if (!(t.pool[which]?.length >= size)) t.pool[which] = new Float64Array(size);
  return t.pool[which];
}

/** mergeUpdateWasm's arithmetic in TypeScript, its reference: rankOneUpdate, then the products by gemm. */
function mergeUpdate(
  t: Tridiagonal,
  poles: Float64Array,
  weights: Float64Array,
  rho: number,
  rowOf: Int32Array,
  { m1, n12, m2, n23, nTop }: MergeShape,
  gather: (A: Float64Array) => void,
) {
  const k = poles.length;
  const U = scratch(t, VECTORS, k * k);
  const lambda = rankOneUpdate(poles, weights, rho, k, rowOf, U);
  const A = scratch(t, GATHERED, m1 * n12 + m2 * n23);
  gather(A);
  const C = scratch(t, PRODUCT, (m1 + m2) * k);
  const multiply = (aOffset: number, rows: number, inner: number, bOffset: number, cOffset: number) =>
    gemm({ a: A, aOffset, b: U, bOffset, c: C, cOffset, m: rows, k: inner, n: k, transA: false, transB: false });
  if (n12 > 0) multiply(0, m1, n12, 0, 0);
  else C.fill(0, 0, m1 * k);
  if (n23 > 0) multiply(m1 * n12, m2, n23, nTop * k, m1 * k);
  else C.fill(0, m1 * k, (m1 + m2) * k);
  return { lambda, C };
}

/**
 * Merges the solved halves [s, s + m₁) and [s + m₁, s + m) (dlaed1): in the basis of their eigenvectors the
 * block is D + ρ z zᵀ with z = (last row of Q₁, sign(β)·first row of Q₂)/√2 and ρ = 2|β|.
 */
function merge(t: Tridiagonal, s: number, m1: number, m: number, beta: number): void {
  const { d, Q, n } = t;
  const m2 = m - m1;
  const rho = 2 * Math.abs(beta);
  const z = new Float64Array(m);
  const sign = beta < 0 ? -Math.SQRT1_2 : Math.SQRT1_2;
  for (let j = 0; j < m1; j++) z[j] = Q[(s + m1 - 1) * n + s + j] * Math.SQRT1_2;
  for (let j = m1; j < m; j++) z[j] = Q[(s + m1) * n + s + j] * sign;
  const dd = d.slice(s, s + m);
  const { kept, deflated, kind } = deflate(t, s, m1, m, dd, z, rho);
  const k = kept.length;
  const nd = deflated.length;
  // The kept columns grouped as nonzero in the top rows only, in both, in the bottom rows only (dlaed3), so
  // that the top rows of the product need the first n12 rows of U and the bottom rows its last n23.
  const grouped = new Int32Array(k);
  const rowOf = new Int32Array(k);
  const count = [0, 0, 0];
  for (let a = 0; a < k; a++) count[kind[kept[a]]]++;
  const nTop = count[TOP];
  const n12 = nTop + count[MIXED];
  const n23 = k - nTop;
  const next: Record<number, number> = { [TOP]: 0, [MIXED]: nTop, [BOTTOM]: n12 };
  for (let a = 0; a < k; a++) {
    const g = next[kind[kept[a]]]++;
    rowOf[a] = g;
    grouped[g] = kept[a];
  }
  // The update's eigenpairs (roots of the secular equation, vectors by Löwner's formula into U), then the
  // merged vectors' k columns C = [Q₁ columns · U top rows; Q₂ columns · U bottom rows] (dlaed3's GEMMs):
  // in WASM with the gathered columns, U and C left in its memory, else here.
  const poles = Float64Array.from(kept, (j) => dd[j]);
  const weights = Float64Array.from(kept, (j) => z[j]);
  const shape = { m1, n12, m2, n23, nTop };
  const gather = (A: Float64Array) => {
    for (let r = 0; r < m1; r++) {
      const row = (s + r) * n + s;
      for (let g = 0; g < n12; g++) A[r * n12 + g] = Q[row + grouped[g]];
    }
    for (let r = 0, a2 = m1 * n12; r < m2; r++) {
      const row = (s + m1 + r) * n + s;
      for (let g = 0; g < n23; g++) A[a2 + r * n23 + g] = Q[row + grouped[nTop + g]];
    }
  };
  // The merged block: the update's k columns, then the deflated ones (the parent sorts them as it needs).
  const assemble = (lambda: Float64Array, C: Float64Array) => {
    const old = new Float64Array(nd);
    for (let r = 0; r < m; r++) {
      const row = (s + r) * n + s;
      for (let i = 0; i < nd; i++) old[i] = Q[row + deflated[i]];
      Q.set(C.subarray(r * k, (r + 1) * k), row);
      Q.set(old, row + k);
    }
    for (let i = 0; i < nd; i++) old[i] = dd[deflated[i]];
    d.set(lambda, s);
    d.set(old, s + k);
  };
  if (!mergeUpdateWasm(poles, weights, rho, k, rowOf, shape, gather, (lambda, _, C) => assemble(lambda, C))) {
    const { lambda, C } = mergeUpdate(t, poles, weights, rho, rowOf, shape, gather);
    assemble(lambda, C);
  }
}
