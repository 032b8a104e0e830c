// Singular value decomposition by one-sided Jacobi rotations (Hestenes 1958; Demmel & Veselić
// 1992): orthogonalise the columns of A by plane rotations; it computes small singular values
// to high relative accuracy, which the rank decisions of lstsq rely on.
import { fromData, type Tensor } from '../core/tensor.js';
import { LinAlgError, checkMatrix } from './matrix.js';
import { ldexp, maxAbs } from './vectors.js';

export interface SvdResult {
  /** m×k, orthonormal columns (k = min(m, n)). */
  u: Tensor;
  /** Singular values, descending, length k. */
  s: Tensor;
  /** n×k, orthonormal columns: A = U diag(s) Vᵀ. */
  v: Tensor;
}

/** The plane rotation [x, y] ← [c x − s y, s x + c y] of two stored vectors of length len; whether any changed. */
function rotate(X: Float64Array, a: number, b: number, len: number, c: number, s: number): boolean {
  let changed = false;
  for (let i = 0; i < len; i++) {
    const x = X[a + i];
    const y = X[b + i];
    X[a + i] = c * x - s * y;
    X[b + i] = s * x + c * y;
    if (X[a + i] !== x || X[b + i] !== y) changed = true;
  }
  return changed;
}

/** The e for which max |v_i|·2^e lies in [0.5, 1), and 0 for a zero vector. */
function exponentOf(X: Float64Array, start: number, len: number): number {
  const max = maxAbs(X.subarray(start, start + len));
  if (max === 0 || !Number.isFinite(max)) return 0;
  return -(Math.floor(Math.log2(max)) + 1);
}

/**
 * tan θ of the Jacobi rotation of a column pair, from the sums of the columns scaled by sx and sy (powers
 * of two): ζ = (β − α)/(2γ) of the unscaled columns is (b·r − a/r)/(2g) with r = sx/sy. Past r = 2^±500
 * that overflows, but then |ζ| is huge and tan θ = 1/(2ζ) to double precision.
 */
function rotationTangent(a: number, b: number, g: number, r: number): number {
  if (r > 2 ** 500) return g / b / r;
  if (r < 2 ** -500) return (-g * r) / a;
  const zeta = (b * r - a / r) / (2 * g);
  return Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
}

/** Thin SVD of a tall (m ≥ n) row-major matrix, U (m×n), s, V (n×n) as row-major arrays. */
function jacobiTall(A: Float64Array, m: number, n: number): { U: Float64Array; s: Float64Array; V: Float64Array } {
  // Work on columns: store Aᵀ (n rows of length m) so each column is contiguous. A power of two brings the
  // largest entry near 1 (exactly, and undone on s at the end): a matrix of subnormals is no special case.
  const C = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) C[j * m + i] = A[i * n + j];
  const scale = exponentOf(C, 0, n * m);
  for (let i = 0; i < n * m; i++) C[i] = ldexp(C[i], scale);
  const V = new Float64Array(n * n); // rows of V are columns of V
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const eps = 2 ** -52;
  let converged = false;
  for (let sweep = 0; sweep < 80 && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const cp = p * m;
        const cq = q * m;
        // Each column scaled to entries near 1 for its sums: Σx² of a column of 1e-200s underflows to 0
        // while Σxy with a column of 1s does not, and the test below would then never pass.
        // After the global scaling every entry is below 1: these exponents are >= 0 and the products exact.
        const sx = 2 ** Math.min(1023, exponentOf(C, cp, m));
        const sy = 2 ** Math.min(1023, exponentOf(C, cq, m));
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = C[cp + i] * sx;
          const y = C[cq + i] * sy;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        const t = rotationTangent(alpha, beta, gamma, sx / sy);
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        // A rotation that changes no stored entry is as orthogonal as doubles can make the pair (a column
        // of subnormals has only a few bits): converged, not a reason to sweep again.
        if (rotate(C, cp, cq, m, c, s)) converged = false;
        rotate(V, p * n, q * n, n, c, s);
      }
    }
  }
  if (!converged) throw new LinAlgError('svd: Jacobi sweeps did not converge in 80 sweeps');
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = 0; i < m; i++) norm = Math.hypot(norm, C[j * m + i]);
    s[j] = ldexp(norm, -scale);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[y] - s[x]);
  const U = new Float64Array(m * n);
  const Vout = new Float64Array(n * n);
  const sOut = new Float64Array(n);
  order.forEach((src, j) => {
    sOut[j] = s[src];
    const norm = ldexp(s[src], scale); // of the scaled column C
    for (let i = 0; i < m; i++) U[i * n + j] = norm > 0 ? C[src * m + i] / norm : 0;
    for (let i = 0; i < n; i++) Vout[i * n + j] = V[src * n + i];
  });
  // Columns of U for zero singular values: complete to an orthonormal set (Gram–Schmidt on e_i).
  for (let j = 0; j < n; j++) {
    if (sOut[j] > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let r = 0; r < n; r++) {
        if (r === j || (sOut[r] === 0 && r > j)) continue;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += U[i * n + r] * col[i];
        for (let i = 0; i < m; i++) col[i] -= dot * U[i * n + r];
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm = Math.hypot(norm, col[i]);
      if (norm > 1e-8) {
        for (let i = 0; i < m; i++) U[i * n + j] = col[i] / norm;
        break;
      }
    }
  }
  return { U, s: sOut, V: Vout };
}

/** Thin SVD A = U diag(s) Vᵀ with s descending (as numpy.linalg.svd(full_matrices=False)). */
export function svd(a: Tensor): SvdResult {
  checkMatrix('svd', a);
  const [m, n] = a.shape;
  const k = Math.min(m, n);
  if (m >= n) {
    const { U, s, V } = jacobiTall(Float64Array.from(a.data), m, n);
    return { u: fromData(U, [m, k]), s: fromData(s, [k]), v: fromData(V, [n, k]) };
  }
  // Wide: decompose Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ.
  const At = new Float64Array(n * m);
  const d = a.data;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) At[j * m + i] = d[i * n + j];
  const { U, s, V } = jacobiTall(At, n, m);
  return { u: fromData(V, [m, k]), s: fromData(s, [k]), v: fromData(U, [n, k]) };
}
