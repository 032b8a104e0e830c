// Least squares min ‖A x − b‖₂ through the SVD, returning the minimum-norm solution when A is
// rank deficient (as numpy.linalg.lstsq / LAPACK gelsd): singular values at or below
// rcond · σ_max are treated as zero.
import { ShapeError, formatShape } from '../core/errors.js';
import { fromData, type Tensor } from '../core/tensor.js';
import { checkConcreteFloat64, checkMatrix } from './matrix.js';
import { svd } from './svd.js';

export interface LstsqResult {
  /** x with shape [n] or [n, r]. */
  solution: Tensor;
  /** Sum of squared residuals per column (empty when rank < n or m ≤ n, as numpy). */
  residuals: Tensor;
  rank: number;
  singularValues: Tensor;
}

export function lstsq(a: Tensor, b: Tensor, options: { rcond?: number } = {}): LstsqResult {
  checkMatrix('lstsq', a);
  checkConcreteFloat64('lstsq', b, 'right-hand side');
  const [m, n] = a.shape;
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== m) {
    throw new ShapeError(
      `lstsq: the right-hand side must have shape [${m}] or [${m}, r] for A of shape ${formatShape(a.shape)}, ` +
        `got ${formatShape(b.shape)}`,
    );
  }
  const r = b.rank === 1 ? 1 : b.shape[1];
  const rcond = options.rcond ?? 2 ** -52 * Math.max(m, n);
  const { u, s, v } = svd(a);
  const k = s.size;
  const S = s.data;
  const U = u.data;
  const V = v.data;
  const cutoff = rcond * (k > 0 ? S[0] : 0);
  let rank = 0;
  for (let i = 0; i < k; i++) if (S[i] > cutoff) rank++;
  const B = b.data;
  const X = new Float64Array(n * r);
  for (let c = 0; c < r; c++) {
    for (let j = 0; j < rank; j++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += U[i * k + j] * B[i * r + c];
      const coef = dot / S[j];
      for (let i = 0; i < n; i++) X[i * r + c] += coef * V[i * k + j];
    }
  }
  let residuals = new Float64Array(0);
  if (rank === n && m > n) {
    residuals = new Float64Array(r);
    const A = a.data;
    for (let c = 0; c < r; c++) {
      let ss = 0;
      for (let i = 0; i < m; i++) {
        let ax = 0;
        for (let j = 0; j < n; j++) ax += A[i * n + j] * X[j * r + c];
        ss += (ax - B[i * r + c]) ** 2;
      }
      residuals[c] = ss;
    }
  }
  return {
    solution: fromData(X, b.rank === 1 ? [n] : [n, r]),
    residuals: fromData(residuals, [residuals.length]),
    rank,
    singularValues: s,
  };
}
