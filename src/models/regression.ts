// Linear regression with the intercept as a column of ones (as the chapter writes it), solved
// analytically: the normal equations XᵀXw = Xᵀy by Cholesky, or least squares through the SVD
// (`qr` method: the same minimum-norm answer numpy.linalg.lstsq gives). When XᵀX is singular the
// normal equations have no unique solution; the minimum-norm least-squares solution is returned
// with a warning that says so.
import { SaddleError } from '../core/errors.js';
import { add, cast, fromData, matmul, mean, square, sub, treeMap, valueAndGrad, zeros, type Tensor } from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { cholesky, eigvalsh, lstsq, solveTriangular } from '../linalg/index.js';
import { minibatches } from '../random/index.js';
import { fitStandardizer, selectRows, type Dataset } from './data.js';
import type { UpdateRule } from './train.js';

export type RegressionResult = {
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
};

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
  const y = cast(ds.y, 'float64');
  const [n, p] = A.shape;
  if (n < 1) throw new SaddleError('linearRegression: the dataset has no rows');
  const AtA = matmul(A, A, { transA: true });
  const Aty = matmul(A, y, { transA: true });
  const ls = lstsq(A, y);
  // κ(XᵀX) = (σ_max/σ_min)² from the SVD that lstsq already computed.
  const sv = Array.from(ls.singularValues.data);
  const smin = Math.min(...sv);
  const conditionNumber = smin > 0 ? (Math.max(...sv) / smin) ** 2 : Infinity;
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

/**
 * L, the largest eigenvalue of the Hessian 2AᵀA/n of the mean squared error on the standardised
 * design (the smoothness constant): gradient descent converges for learning rates below 2/L, and
 * 1/L is the classical safe choice.
 */
export function regressionSmoothness(ds: Dataset): number {
  const Z = designMatrix(fitStandardizer(ds.x).apply(ds.x));
  const ev = eigvalsh(matmul(Z, Z, { transA: true })).data;
  return (2 * ev[ev.length - 1]) / Z.shape[0];
}

export type NumericalRegressionOptions<S> = {
  /** Any {init, update} rule: every optimiser of src/optim. */
  optimizer: UpdateRule<S>;
  steps: number;
  /** Minibatch size (default: all rows, i.e. full-batch gradient descent). */
  batchSize?: number;
  /** Seed of the minibatch shuffling (needed when batchSize is less than the rows). */
  seed?: number;
  /** Stop when the full-data gradient norm is at most tol (default 0: never). */
  tol?: number;
};

export type RegressionStep = {
  step: number;
  /** Mean squared error on all rows, before this step's update. */
  loss: number;
  /** Norm of the full-data gradient in the standardised coordinates the optimiser works in. */
  gradientNorm: number;
  /** ‖[b, w] − [b*, w*]‖ in the units of the data, against the analytic solution. */
  distanceToAnalytic: number;
};

export type NumericalRegressionResult = RegressionResult & {
  analytic: RegressionResult;
  trajectory: RegressionStep[];
  distanceToAnalytic: number;
  stopped: 'converged' | 'max-steps' | 'diverged';
  reason: string;
  steps: number;
};

/**
 * Linear regression solved numerically: the optimiser minimises the mean squared error over
 * standardised features (starting from zero weights), the weights are mapped back to the data's
 * units, and every step is compared with the analytic solution.
 */
export function fitLinearRegression<S>(ds: Dataset, options: NumericalRegressionOptions<S>): NumericalRegressionResult {
  const { optimizer, steps } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new SaddleError(`fitLinearRegression: steps must be an integer ≥ 0, got ${steps}`);
  const analytic = linearRegression(ds);
  const n = ds.x.shape[0];
  const st = fitStandardizer(ds.x);
  const z = st.apply(cast(ds.x, 'float64'));
  const Z = designMatrix(z);
  const y = cast(ds.y, 'float64');
  const batchSize = options.batchSize ?? n;
  if (batchSize < n && options.seed === undefined) throw new SaddleError('fitLinearRegression: minibatches are shuffled at random; give a seed');
  const batches = batchSize < n ? minibatches(n, { batchSize, seed: options.seed ?? 0 }) : undefined;
  const vg = valueAndGrad((w: Tensor, a: Tensor, t: Tensor) => regressionLoss(w, a, t));
  const original = (v: Tensor) => unstandardizeWeights(Array.from(v.data), st.mean, st.std);
  const distance = (w: number[]) => Math.hypot(...w.map((wj, j) => wj - analytic.weights[j]));
  let v: Tensor = zeros([Z.shape[1]]);
  let state = optimizer.init(v);
  const trajectory: RegressionStep[] = [];
  let stopped: NumericalRegressionResult['stopped'] = 'max-steps';
  let reason = `reached the step limit (${steps})`;
  let start = NaN;
  for (let k = 0; ; k++) {
    const [value, g] = vg(v, Z, y);
    const loss = value.item();
    if (k === 0) start = loss;
    const gradientNorm = Math.hypot(...g.data);
    const w = original(v);
    trajectory.push({ step: k, loss, gradientNorm, distanceToAnalytic: distance(w) });
    if (!Number.isFinite(loss) || !w.every(Number.isFinite) || Math.abs(loss) > 1e12 * Math.max(1, start)) {
      stopped = 'diverged';
      reason = `diverged at step ${k} (loss ${loss.toExponential(3)}): lower the learning rate`;
      break;
    }
    if (gradientNorm <= (options.tol ?? 0)) {
      stopped = 'converged';
      reason = `gradient norm ${gradientNorm.toExponential(2)} ≤ tol at step ${k}`;
      break;
    }
    if (k === steps) break;
    let grad = g;
    if (batches) {
      const b = selectRows({ ...ds, x: z, y }, batches.batch(k));
      grad = vg(v, designMatrix(b.x), b.y)[1];
    }
    const [updates, next] = optimizer.update(grad, state, v);
    state = next;
    v = treeMap((p, u) => add(p, u), v, updates) as Tensor;
  }
  const last = trajectory[trajectory.length - 1];
  const weights = original(v);
  return {
    coefficients: Object.fromEntries(ds.featureNames.map((f, j) => [f, weights[j + 1]])),
    intercept: weights[0],
    trainingLoss: last.loss,
    conditionNumber: analytic.conditionNumber,
    rank: analytic.rank,
    warnings: analytic.rank < weights.length
      ? [...analytic.warnings, 'the least-squares solution is not unique: the optimiser reaches one of them (which one depends on the start and on the standardisation), so compare training losses rather than coefficients']
      : analytic.warnings,
    weights,
    analytic,
    trajectory,
    distanceToAnalytic: last.distanceToAnalytic,
    stopped,
    reason,
    steps: last.step,
  };
}
