// The symmetric tridiagonal eigenproblem, as LAPACK's dstedc: T is split where an off-diagonal entry is
// negligible, each unreduced block is scaled to unit norm and solved by divide and conquer
// (divide-conquer.ts; implicit QL for small blocks), and the eigenpairs are sorted. Shared by eigh and the
// Lanczos code, which also uses implicit QL (ql.ts) for its small tridiagonals.
import { ascending, divideAndConquer } from './divide-conquer.js';

export { tridiagonalQL } from './ql.js';

const EPS = 2 ** -52;

/**
 * All eigenpairs of the symmetric tridiagonal (d, e) with e[i] coupling i and i + 1 (e of length ≥ n − 1):
 * eigenvalues ascending, eigenvectors as the columns of the n×n row-major `vectors`.
 */
export function tridiagonalEigenvectors(
  d: Float64Array,
  e: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const values = Float64Array.from(d.subarray(0, n));
  const off = new Float64Array(n);
  off.set(e.subarray(0, n - 1));
  const Q = new Float64Array(n * n);
  const pool: Float64Array[] = [];
  // Split where |e_i| ≤ eps·‖T‖: setting such an e_i to zero perturbs T by no more than the backward
  // error the reduction to T already has.
  let norm = 0;
  for (let i = 0; i < n; i++)
    norm = Math.max(norm, Math.abs(values[i]) + (i > 0 ? Math.abs(off[i - 1]) : 0) + Math.abs(off[i]));
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && Math.abs(off[end - 1]) > EPS * norm) end++;
    const m = end - start;
    off[end - 1] = 0;
    if (m === 1) {
      Q[start * n + start] = 1;
    } else {
      // Scaled by a power of two near its largest entry (dstedc scales to unit norm), exactly.
      let big = 0;
      for (let i = start; i < end; i++) big = Math.max(big, Math.abs(values[i]), Math.abs(off[i]));
      const scale = 2 ** Math.floor(Math.log2(big));
      for (let i = start; i < end; i++) {
        values[i] /= scale;
        off[i] /= scale;
      }
      divideAndConquer({ d: values, e: off, Q, n, pool }, start, m);
      for (let i = start; i < end; i++) values[i] *= scale;
    }
    start = end;
  }
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = values[i - 1] <= values[i];
  if (sorted) return { values, vectors: Q };
  // The columns in ascending order, permuted row by row in place.
  const order = ascending(values, 0, n);
  const row = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * n;
    row.set(Q.subarray(at, at + n));
    for (let j = 0; j < n; j++) Q[at + j] = row[order[j]];
  }
  return { values: Float64Array.from(order, (i) => values[i]), vectors: Q };
}

/**
 * All eigenpairs of the symmetric tridiagonal (d, e) with e[i] coupling i and i + 1 (e of length n, e[n-1]
 * unused). Returns the eigenvalues (ascending) and Z with the eigenvectors as rows.
 */
export function tridiagonalEigen(
  d: Float64Array,
  e: Float64Array,
  n: number,
): { values: Float64Array; Z: Float64Array } {
  const { values, vectors } = tridiagonalEigenvectors(d, e, n);
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Z[j * n + i] = vectors[i * n + j];
  return { values, Z };
}
