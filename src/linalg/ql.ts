// Implicit QL with Wilkinson shifts for a symmetric tridiagonal matrix (EISPACK tql2; Bowdler, Martin,
// Reinsch & Wilkinson 1968), accumulating the rotations into the rows of W when given: Lanczos's small
// tridiagonals, eigvalsh (no vectors, as LAPACK's dsterf) and the leaves of the divide-and-conquer
// eigensolver (divide-conquer.ts), where the WASM kernel qlVectors (asm/symmetric.ts) repeats it.
import { LinAlgError } from './matrix.js';

/**
 * Implicit QL on the tridiagonal (d, e) with e[i] coupling i − 1 and i (e[0] unused), both overwritten: d
 * gets the eigenvalues (unsorted); the rotations are applied to the rows of W (if given).
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, W: Float64Array | null, n: number, op = 'eigh'): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) {
          throw new LinAlgError(`${op}: the QL iteration did not converge for eigenvalue ${l} after 60 sweeps`);
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (W !== null) {
            const a = i * n;
            const b = a + n;
            for (let k = 0; k < n; k++) {
              const wb = W[b + k];
              const wa = W[a + k];
              W[b + k] = s * wa + c * wb;
              W[a + k] = c * wa - s * wb;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
