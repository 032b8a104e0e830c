// Back-transformation by blocked Householder reflectors (compact WY form: Schreiber & Van Loan
// 1989; LAPACK dlarft/dlarfb): Z ← Z·P₀P₁⋯P_{n−2} with P_i = I − u_i u_iᵀ/h_i, nb reflectors at a
// time as Z ← Z − ((Z U) T) Uᵀ, so the O(n³) work runs in the GEMM kernel instead of as
// memory-bound rank-1 updates.
import { gemm } from '../core/kernels/index.js';

const NB = 32;

/**
 * Applies the reflectors left in W by tridiagonalize (u_i = row i+1 of W, entries 0..i; h_i = h[i+1])
 * on the right of Z (n×n, row-major, overwritten).
 */
export function applyReflectors(Z: Float64Array, W: Float64Array, h: Float64Array, n: number): void {
  for (let i0 = 0; i0 < n - 1; i0 += NB) {
    const nb = Math.min(NB, n - 1 - i0);
    const L = i0 + nb; // reflector i acts on coordinates 0..i, so the block touches columns < L
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
    // Zl (n×L) = the first L columns of Z, contiguous.
    const Zl = new Float64Array(n * L);
    for (let r = 0; r < n; r++) Zl.set(Z.subarray(r * n, r * n + L), r * L);
    const Y = new Float64Array(n * nb);
    gemm({ a: Zl, aOffset: 0, b: U, bOffset: 0, c: Y, cOffset: 0, m: n, k: L, n: nb, transA: false, transB: false });
    const Y2 = new Float64Array(n * nb);
    gemm({ a: Y, aOffset: 0, b: T, bOffset: 0, c: Y2, cOffset: 0, m: n, k: nb, n: nb, transA: false, transB: false });
    const update = new Float64Array(n * L);
    gemm({ a: Y2, aOffset: 0, b: U, bOffset: 0, c: update, cOffset: 0, m: n, k: nb, n: L, transA: false, transB: true });
    for (let r = 0; r < n; r++) {
      const zr = r * n;
      const ur = r * L;
      for (let k = 0; k < L; k++) Z[zr + k] -= update[ur + k];
    }
  }
}
