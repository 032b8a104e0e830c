// Back-transformation by blocked Householder reflectors (compact WY form: Schreiber & Van Loan
// 1989; LAPACK dlarft/dlarfb) with P_i = I − u_i u_iᵀ/h_i, nb reflectors at a time, so the O(n³)
// work runs in the GEMM kernel instead of as memory-bound rank-1 updates.
import { gemm } from '../core/kernels/index.js';

const NB = 32;

/**
 * X ← P_{n−2}⋯P₁P₀ X for X (n×n, row-major, overwritten), with the reflectors left in W by
 * tridiagonalize (u_i = row i+1 of W, entries 0..i; h_i = h[i+1]). Reflector i touches rows
 * 0..i only, so a block of nb of them updates the contiguous top L rows:
 * X_top ← (I − U T Uᵀ)ᵀ X_top = X_top − U (Tᵀ (Uᵀ X_top)).
 */
export function applyReflectors(X: Float64Array, W: Float64Array, h: Float64Array, n: number): void {
  const W1 = new Float64Array(NB * n);
  const W2 = new Float64Array(NB * n);
  const update = new Float64Array(n * n);
  for (let i0 = 0; i0 < n - 1; i0 += NB) {
    const nb = Math.min(NB, n - 1 - i0);
    const L = i0 + nb;
    // U (L×nb): column j is u_{i0+j} padded with zeros; tau_j = 1/h.
    const U = new Float64Array(L * nb);
    const tau = new Float64Array(nb);
    for (let j = 0; j < nb; j++) {
      const i = i0 + j;
      const hi = h[i + 1];
      if (hi === 0) continue; // an identity reflector
      tau[j] = 1 / hi;
      const row = (i + 1) * n;
      for (let k = 0; k <= i; k++) U[k * nb + j] = W[row + k];
    }
    // T (nb×nb upper triangular): P_{i0}⋯P_{i0+nb−1} = I − U T Uᵀ (dlarft, forward, columnwise).
    const T = new Float64Array(nb * nb);
    const w = new Float64Array(nb);
    for (let j = 0; j < nb; j++) {
      T[j * nb + j] = tau[j];
      if (tau[j] === 0) continue;
      for (let q = 0; q < j; q++) {
        let s = 0;
        for (let k = 0; k < L; k++) s += U[k * nb + q] * U[k * nb + j];
        w[q] = s;
      }
      for (let q = 0; q < j; q++) {
        let s = 0;
        for (let r = q; r < j; r++) s += T[q * nb + r] * w[r];
        T[q * nb + j] = -tau[j] * s;
      }
    }
    gemm({ a: U, aOffset: 0, b: X, bOffset: 0, c: W1, cOffset: 0, m: nb, k: L, n, transA: true, transB: false });
    gemm({ a: T, aOffset: 0, b: W1, bOffset: 0, c: W2, cOffset: 0, m: nb, k: nb, n, transA: true, transB: false });
    gemm({ a: U, aOffset: 0, b: W2, bOffset: 0, c: update, cOffset: 0, m: L, k: nb, n, transA: false, transB: false });
    for (let k = 0; k < L * n; k++) X[k] -= update[k];
  }
}
