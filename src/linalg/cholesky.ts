// Cholesky factorisation A = L·Lᵀ (row-oriented Cholesky–Banachiewicz). Its success is also the
// cheapest test that a symmetric matrix is positive definite.
import { fromData, type Tensor } from '../core/tensor.js';
import { LinAlgError, checkMatrix } from './matrix.js';

/** L (lower, row-major n×n) or the index of the first non-positive pivot. */
export function choleskyData(a: ArrayLike<number>, n: number): Float64Array | number {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0)) return i;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/** Lower-triangular L with A = L·Lᵀ for symmetric positive definite A (only the lower triangle is read). */
export function cholesky(a: Tensor): Tensor {
  checkMatrix('cholesky', a, { square: true });
  const n = a.shape[0];
  const L = choleskyData(a.data, n);
  if (typeof L === 'number') {
    throw new LinAlgError(
      `cholesky: the matrix is not positive definite (the leading ${L + 1}×${L + 1} minor is not); ` +
        'check that it is symmetric positive definite, or add a multiple of the identity',
    );
  }
  return fromData(L, [n, n]);
}

/** True when the symmetric matrix is (numerically) positive definite: a Cholesky factorisation exists. */
export function isPositiveDefinite(a: Tensor): boolean {
  checkMatrix('isPositiveDefinite', a, { square: true });
  return typeof choleskyData(a.data, a.shape[0]) !== 'number';
}
