// Linear regression with the intercept as a column of ones (as the chapter writes it), solved
// analytically: the normal equations XᵀXw = Xᵀy by Cholesky, or least squares through the SVD
// (`qr` method: the same minimum-norm answer numpy.linalg.lstsq gives). When XᵀX is singular the
// normal equations have no unique solution; the minimum-norm least-squares solution is returned
// with a warning that says so.
import { SaddleError } from '../core/errors.js';
import { fromData, matmul, mean, square, sub, type Tensor } from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { cholesky, eigvalsh, lstsq, solveTriangular } from '../linalg/index.js';
import type { Dataset } from './data.js';

export interface RegressionResult {
  coefficients: Record<string, number>;
  intercept: number;
  /** Mean squared error on the data. */
  trainingLoss: number;
  /** κ(XᵀX) of the design with its column of ones (∞ when singular). */
  conditionNumber: number;
  rank: number;
  warnings: string[];
  /** [intercept, coefficients…], the vector the numerical methods optimise. */
  weights: number[];
}

/** The design matrix [1, X] in float64. */
export function designMatrix(x: Tensor): Tensor {
  const [n, d] = x.shape;
  const a = allocate('float64', n * (d + 1));
  const src = x.data;
  for (let i = 0; i < n; i++) {
    a[i * (d + 1)] = 1;
    for (let j = 0; j < d; j++) a[i * (d + 1) + 1 + j] = src[i * d + j];
  }
  return fromData(a, [n, d + 1]);
}

/** Mean squared error of weights [intercept, coefficients…] on the design A and targets y (differentiable). */
export function regressionLoss(weights: Tensor, design: Tensor, y: Tensor): Tensor {
  return mean(square(sub(matmul(design, weights), y)));
}

export function linearRegression(ds: Dataset, options: { method?: 'analytic' | 'qr' } = {}): RegressionResult {
  const method = options.method ?? 'analytic';
  const A = designMatrix(ds.x);
  const y = ds.y.dtype === 'float64' ? ds.y : fromData(Float64Array.from(ds.y.data), ds.y.shape);
  const [n, p] = A.shape;
  if (n < 1) throw new SaddleError('linearRegression: the dataset has no rows');
  const AtA = matmul(A, A, { transA: true });
  const Aty = matmul(A, y, { transA: true });
  const ev = eigvalsh(AtA).data;
  const conditionNumber = ev[0] > 0 ? ev[p - 1] / ev[0] : Infinity;
  const ls = lstsq(A, y);
  const warnings: string[] = [];
  let w: Tensor = ls.solution;
  if (ls.rank < p) {
    warnings.push(`XᵀX is singular (rank ${ls.rank} of ${p}, with the intercept column): the normal equations have no unique solution, so this is the minimum-norm least-squares solution; some columns are linear combinations of others`);
  } else if (method === 'analytic') {
    try {
      const L = cholesky(AtA);
      w = solveTriangular(L, solveTriangular(L, Aty), { transpose: true });
    } catch {
      warnings.push('XᵀX is not numerically positive definite; solved by least squares instead of the normal equations');
    }
  }
  if (Number.isFinite(conditionNumber) && conditionNumber > 1e12 && ls.rank === p) {
    warnings.push(`XᵀX is ill-conditioned (κ ≈ ${conditionNumber.toExponential(2)}): the coefficients are sensitive to rounding; standardise the features`);
  }
  const weights = Array.from(w.data);
  return {
    coefficients: Object.fromEntries(ds.featureNames.map((f, j) => [f, weights[j + 1]])),
    intercept: weights[0],
    trainingLoss: regressionLoss(w, A, y).item(),
    conditionNumber,
    rank: ls.rank,
    warnings,
    weights,
  };
}

/**
 * Weights fitted on standardised features, z = (x − μ)/σ, mapped back to the original units:
 * w_j = v_j/σ_j and b = v₀ − Σ v_j μ_j/σ_j. Numerical methods work on the standardised design
 * (κ(XᵀX) of raw features can be large) and report in the units of the data.
 */
export function unstandardizeWeights(v: readonly number[], mean: readonly number[], std: readonly number[]): number[] {
  let b = v[0];
  const w = v.slice(1).map((vj, j) => {
    b -= (vj * mean[j]) / std[j];
    return vj / std[j];
  });
  return [b, ...w];
}
