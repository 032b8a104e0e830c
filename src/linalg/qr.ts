// Householder QR (Golub & Van Loan, Matrix Computations, §5.2). Reduced form as numpy's default:
// A (m×n) = Q (m×k) · R (k×n), k = min(m, n), Q with orthonormal columns, R upper triangular.
import { fromData, type Tensor } from '../core/tensor.js';
import { checkMatrix, copyData } from './matrix.js';

export interface QrResult {
  q: Tensor;
  r: Tensor;
}

export function qr(a: Tensor): QrResult {
  checkMatrix('qr', a);
  const [m, n] = a.shape;
  const k = Math.min(m, n);
  const R = copyData(a);
  const vs: Float64Array[] = [];
  const v = new Float64Array(m);
  for (let j = 0; j < k; j++) {
    // Householder vector for column j below the diagonal.
    let norm = 0;
    for (let i = j; i < m; i++) norm = Math.hypot(norm, R[i * n + j]);
    const hv = new Float64Array(m - j);
    if (norm === 0) {
      vs.push(hv);
      continue;
    }
    const alpha = R[j * n + j] > 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i] = R[i * n + j];
    v[j] -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < m; i++) vnorm2 += v[i] * v[i];
    for (let i = j; i < m; i++) hv[i - j] = v[i] / Math.sqrt(vnorm2 / 2);
    vs.push(hv);
    // R ← (I − h hᵀ) R with ‖h‖² = 2.
    const w = new Float64Array(n);
    for (let i = j; i < m; i++) {
      const hi = hv[i - j];
      const row = i * n;
      for (let c = j; c < n; c++) w[c] += hi * R[row + c];
    }
    for (let i = j; i < m; i++) {
      const hi = hv[i - j];
      const row = i * n;
      for (let c = j; c < n; c++) R[row + c] -= hi * w[c];
    }
    for (let i = j + 1; i < m; i++) R[i * n + j] = 0;
  }
  // Q = H_0 H_1 … H_{k-1} applied to the first k columns of the identity.
  const Q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) Q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const hv = vs[j];
    const w = new Float64Array(k);
    for (let i = j; i < m; i++) {
      const hi = hv[i - j];
      for (let c = 0; c < k; c++) w[c] += hi * Q[i * k + c];
    }
    for (let i = j; i < m; i++) {
      const hi = hv[i - j];
      for (let c = 0; c < k; c++) Q[i * k + c] -= hi * w[c];
    }
  }
  const Rk = R.subarray(0, k * n);
  return { q: fromData(Q, [m, k]), r: fromData(Float64Array.from(Rk), [k, n]) };
}
