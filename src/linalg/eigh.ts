// Symmetric eigen-decomposition, the route of LAPACK's dsyevd: Householder reduction to tridiagonal form,
// the tridiagonal's eigenpairs by divide and conquer (tridiagonal.ts, as dstedc), and the back-transformation
// by the reflectors. From order BLOCKED on, with WASM, the reduction runs in panels whose trailing update is a
// GEMM (dsytrd) and the back-transformation in compact WY blocks (dormtr), both in asm/householder.ts
// (wasm-kernels.ts). Below that, or without WASM, the reduction is EISPACK tred2's (Wilkinson & Reinsch 1971,
// laid out on W = Vᵀ so every inner loop walks contiguous memory; tridiagonalize here is the reference of the
// WASM kernel in asm/symmetric.ts) and its back-transformation householder.ts's.
import { tridiagonalizeKernel } from '../core/kernels/index.js';
import { fromData, type Tensor } from '../core/tensor.js';
import { applyReflectors } from './householder.js';
import { applyReflectorsBlocked, tridiagonalizeBlocked } from './wasm-kernels.js';
import { tridiagonalEigenvectors, tridiagonalQL } from './tridiagonal.js';
import { LinAlgError, checkMatrix } from './matrix.js';

/**
 * From this order on, the LAPACK-shaped kernels of asm/householder.ts (which reduce the last 64 + 32 columns
 * unblocked anyway); below it tred2's. Measured: at n = 20, 64, 150 they take 0.014, 0.15, 1.2 ms for the
 * reduction and back-transformation, tred2's kernel and householder.ts 0.023, 0.25, 1.7 ms.
 */
const BLOCKED = 32;

export interface EighResult {
  /** Eigenvalues in ascending order. */
  eigenvalues: Tensor;
  /** Orthonormal eigenvectors as columns: A·V = V·diag(eigenvalues). */
  eigenvectors: Tensor;
}

/**
 * Reduces symmetric W (n×n, row-major, overwritten) to tridiagonal form (the reduction half of
 * EISPACK's tred2): the Householder vector of step i stays in row i of W (entries < i), its scale
 * h in d[i], the off-diagonal in e, and T's diagonal on W's diagonal. The reference for the WASM kernel.
 */
function tridiagonalize(W: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = W[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + i - 1];
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f;
        const row = j * n;
        g = e[j] + W[row + j] * f;
        for (let k = j + 1; k < i; k++) {
          const w = W[row + k];
          g += w * d[k];
          e[k] += w * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k < i; k++) W[row + k] -= f * e[k] + g * d[k];
        d[j] = W[row + i - 1];
        W[row + i] = 0;
      }
    }
    d[i] = h;
  }
}

/** A copy of A with its lower triangle mirrored into the upper: only the lower triangle is read, as LAPACK's 'L'. */
function lowerSymmetric(a: Tensor, n: number): Float64Array {
  const W = new Float64Array(a.data); // a plain copy (Float64Array.from iterates: 4× slower at n = 1000)
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) W[j * n + i] = W[i * n + j];
  return W;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix, as
 * numpy.linalg.eigh. Only the lower triangle is read.
 */
export function eigh(a: Tensor): EighResult {
  checkMatrix('eigh', a, { square: true });
  const n = a.shape[0];
  const W = lowerSymmetric(a, n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { eigenvalues: fromData(d, [0]), eigenvectors: fromData(new Float64Array(0), [0, 0]) };
  const tau = new Float64Array(n);
  if (n >= BLOCKED && tridiagonalizeBlocked(W, n, d, e, tau)) {
    // A = Q T Qᵀ in panels (dsytrd); T's eigenvectors by divide and conquer; Q applied by GEMM (dormtr).
    const { values, vectors } = tridiagonalEigenvectors(d, e, n);
    if (!applyReflectorsBlocked(vectors, W, tau, n))
      throw new LinAlgError(
        'eigh: the WASM kernels became unavailable between the reduction and the back-transformation',
      );
    return { eigenvalues: fromData(values, [n]), eigenvectors: fromData(vectors, [n, n]) };
  }
  // Householder reduction A = Q T Qᵀ: W keeps the reflectors, d their scales h, e T's off-diagonal
  // (e[i] couples i−1 and i); T's diagonal is left on W's diagonal.
  if (!tridiagonalizeKernel(W, n, d, e)) tridiagonalize(W, n, d, e);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) diag[i] = W[i * n + i];
  const off = e.subarray(1);
  // Eigenvectors of A are Q zⱼ = P_{n−2}⋯P₀ zⱼ: with the zⱼ in columns, the reflectors are applied from the
  // left, blocked, by GEMM, and the columns become the eigenvectors themselves.
  const { values, vectors } = tridiagonalEigenvectors(diag, off, n);
  applyReflectors(vectors, W, d, n);
  return { eigenvalues: fromData(values, [n]), eigenvectors: fromData(vectors, [n, n]) };
}

/**
 * Eigenvalues only (ascending), as numpy.linalg.eigvalsh: the same reduction, then implicit QL on T without
 * vectors (O(n²), as LAPACK's dsterf) and no back-transformation.
 */
export function eigvalsh(a: Tensor): Tensor {
  checkMatrix('eigvalsh', a, { square: true });
  const n = a.shape[0];
  const W = lowerSymmetric(a, n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0 && !(n >= BLOCKED && tridiagonalizeBlocked(W, n, d, e, new Float64Array(n)))) {
    // tred2's layout: T's diagonal on W's diagonal, e[i] coupling i − 1 and i, as tridiagonalQL wants it.
    if (!tridiagonalizeKernel(W, n, d, e)) tridiagonalize(W, n, d, e);
    for (let i = 0; i < n; i++) d[i] = W[i * n + i];
  } else {
    e.copyWithin(1, 0, n - 1); // dsytrd's e[i] couples i and i + 1
    e[0] = 0;
  }
  tridiagonalQL(d, e, null, n, 'eigvalsh');
  return fromData(d.sort(), [n]);
}
