// Linear systems A x = b by LU factorisation with partial pivoting (Golub & Van Loan §3.4).
import { ShapeError, formatShape } from '../core/errors.js';
import { fromData, type Tensor } from '../core/tensor.js';
import { LinAlgError, checkConcreteFloat64, checkMatrix, copyData } from './matrix.js';

/** Solves A x = b for square A; b is a vector [n] or a matrix [n, r]. */
export function solve(a: Tensor, b: Tensor): Tensor {
  checkMatrix('solve', a, { square: true });
  checkConcreteFloat64('solve', b, 'right-hand side');
  const n = a.shape[0];
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== n) {
    throw new ShapeError(
      `solve: the right-hand side must have shape [${n}] or [${n}, r] for A of shape ${formatShape(a.shape)}, ` +
        `got ${formatShape(b.shape)}`,
    );
  }
  const r = b.rank === 1 ? 1 : b.shape[1];
  const LU = copyData(a);
  const X = copyData(b);
  let anorm = 0;
  for (let i = 0; i < LU.length; i++) anorm = Math.max(anorm, Math.abs(LU[i]));
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(LU[i * n + j]) > Math.abs(LU[p * n + j])) p = i;
    const pivot = LU[p * n + j];
    if (pivot === 0 || Math.abs(pivot) <= anorm * n * 2 ** -52) {
      throw new LinAlgError(
        `solve: the matrix is singular to working precision (pivot ${j} is ${pivot}); ` +
          'use lstsq for a least-squares or minimum-norm solution',
      );
    }
    if (p !== j) {
      for (let c = 0; c < n; c++) [LU[j * n + c], LU[p * n + c]] = [LU[p * n + c], LU[j * n + c]];
      for (let c = 0; c < r; c++) [X[j * r + c], X[p * r + c]] = [X[p * r + c], X[j * r + c]];
    }
    for (let i = j + 1; i < n; i++) {
      const f = LU[i * n + j] / pivot;
      LU[i * n + j] = f;
      if (f === 0) continue;
      for (let c = j + 1; c < n; c++) LU[i * n + c] -= f * LU[j * n + c];
      for (let c = 0; c < r; c++) X[i * r + c] -= f * X[j * r + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < r; c++) {
      let s = X[i * r + c];
      for (let q = i + 1; q < n; q++) s -= LU[i * n + q] * X[q * r + c];
      X[i * r + c] = s / LU[i * n + i];
    }
  }
  return fromData(X, b.shape);
}

/** Solves L x = b (lower triangular, L from cholesky) or Lᵀ x = b with {transpose: true}. */
export function solveTriangular(l: Tensor, b: Tensor, options: { lower?: boolean; transpose?: boolean } = {}): Tensor {
  checkMatrix('solveTriangular', l, { square: true });
  checkConcreteFloat64('solveTriangular', b, 'right-hand side');
  const n = l.shape[0];
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== n) {
    throw new ShapeError(
      `solveTriangular: right-hand side ${formatShape(b.shape)} does not match ${formatShape(l.shape)}`,
    );
  }
  const lower = (options.lower ?? true) !== (options.transpose ?? false);
  const L = l.data;
  const at = (i: number, j: number) => (options.transpose ? L[j * n + i] : L[i * n + j]);
  const r = b.rank === 1 ? 1 : b.shape[1];
  const X = copyData(b);
  const order = lower ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, (_, i) => n - 1 - i);
  for (const i of order) {
    const d = at(i, i);
    if (d === 0) throw new LinAlgError(`solveTriangular: zero on the diagonal at ${i}; the matrix is singular`);
    for (let c = 0; c < r; c++) {
      let s = X[i * r + c];
      if (lower) for (let q = 0; q < i; q++) s -= at(i, q) * X[q * r + c];
      else for (let q = i + 1; q < n; q++) s -= at(i, q) * X[q * r + c];
      X[i * r + c] = s / d;
    }
  }
  return fromData(X, b.shape);
}
