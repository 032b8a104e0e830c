// Linear regression with the intercept as a column of ones (as the chapter writes it), solved
// analytically: the normal equations XᵀXw = Xᵀy by Cholesky, or least squares through the SVD
// (`qr` method: the same minimum-norm answer numpy.linalg.lstsq gives). When XᵀX is singular the
// normal equations have no unique solution; the minimum-norm least-squares solution is returned
// with a warning that says so.
import { SaddleError } from '../core/errors.js';
import {
  add,
  cast,
  fromData,
  matmul,
  mean,
  square,
  sub,
  treeMap,
  valueAndGrad,
  zeros,
  type Tensor,
} from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { cholesky, eigvalsh, lstsq, solveTriangular } from '../linalg/index.js';
import { hypot, ldexp } from '../linalg/vectors.js';
import { minibatches } from '../random/index.js';
import { DataError, fitStandardizer, selectRows, type Dataset } from './data.js';
import type { UpdateRule } from './train.js';

export type RegressionResult = {
  coefficients: Record<string, number>;
  intercept: number;
  /** Mean squared error on the data (∞ only when it is past the float64 range; a warning then says so). */
  trainingLoss: number;
  /** κ(XᵀX) of the design with its column of ones (∞ when singular or past the float64 range). */
  conditionNumber: number;
  /** The rank of the design with its columns scaled to a common size (a property of the data, not of its units). */
  rank: number;
  warnings: string[];
  /** [intercept, coefficients…], the vector the numerical methods optimise. */
  weights: number[];
};

/**
 * The most features the direct solvers take: the SVD and XᵀX hold (d + 1)² numbers each (128 MiB at this
 * limit) and take O(n·d²) time; past it, allocation fails or the solve runs for hours.
 */
export const MAX_REGRESSION_FEATURES = 4096;

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

/** The exponent e of the power of two 2^e ≤ max|v| < 2^(e+1) (0 for a zero vector): dividing by 2^e is exact. */
export function scaleExponent(values: ArrayLike<number>, offset = 0, stride = 1, count = values.length): number {
  let m = 0;
  for (let k = 0; k < count; k++) m = Math.max(m, Math.abs(values[offset + k * stride]));
  return m > 0 ? Math.floor(Math.log2(m)) : 0;
}

/**
 * Zero for a scaled entry below 2^-600 of its column's largest: a perturbation far inside the SVD's own backward
 * error (2^-52 of the norm), and one-sided Jacobi does not converge on columns of subnormal numbers (their
 * squares underflow to 0 while their products with other columns do not).
 */
const flushTiny = (v: number): number => (Math.abs(v) < 2 ** -600 ? 0 : v);

/** κ = (σ_max/σ_min)² from singular values (∞ when one is zero or the ratio overflows). */
function conditionOf(singularValues: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < singularValues.length; i++) {
    lo = Math.min(lo, singularValues[i]);
    hi = Math.max(hi, singularValues[i]);
  }
  return lo > 0 ? (hi / lo) ** 2 : Infinity;
}

/**
 * Linear regression by least squares, with every column of the design (and the target) divided by the power of
 * two nearest its largest magnitude first: exact, so it adds no rounding, and then XᵀX neither overflows
 * (values near ±1e308) nor loses a column to the rank cutoff because its units are small (a column of ones
 * beside one of 1e308). The coefficients are scaled back at the end, exactly. When the scaled design is rank
 * deficient the answer is numpy.linalg.lstsq's minimum-norm solution of the problem as given.
 */
export function linearRegression(ds: Dataset, options: { method?: 'analytic' | 'qr' } = {}): RegressionResult {
  const method = options.method ?? 'analytic';
  const [n, d] = ds.x.shape;
  const p = d + 1;
  if (n < 1) throw new DataError('linearRegression: the dataset has no rows');
  checkCoefficientCount('linearRegression', d);
  const A = designMatrix(ds.x);
  const y = cast(ds.y, 'float64');
  checkFinite(A.data, y.data, n, p, ds.featureNames);
  const columnExponent = Array.from({ length: p }, (_, j) => scaleExponent(A.data, j, p, n));
  const yExponent = scaleExponent(y.data);
  const As = fromData(
    A.data.map((v, k) => flushTiny(v / 2 ** columnExponent[k % p])),
    [n, p],
  );
  const ys = fromData(
    y.data.map((v) => v / 2 ** yExponent),
    [n],
  );
  const scaled = lstsq(As, ys);
  // The design as given, divided by one power of two (exact, and κ does not change): κ(XᵀX) and, when the
  // solution is not unique, numpy's minimum-norm one.
  const overall = scaleExponent(A.data);
  const uniform = lstsq(
    fromData(
      A.data.map((v) => flushTiny(v / 2 ** overall)),
      [n, p],
    ),
    ys,
  );
  const conditionNumber = conditionOf(uniform.singularValues.data);
  const scaledCondition = conditionOf(scaled.singularValues.data);
  const warnings: string[] = [];
  let w: number[];
  if (scaled.rank < p) {
    warnings.push(
      `XᵀX is singular (rank ${scaled.rank} of ${p}, with the intercept column): the normal equations ` +
        'have no unique solution, so this is the minimum-norm least-squares solution; some columns are linear ' +
        'combinations of others',
    );
    w = Array.from(uniform.solution.data, (v) => ldexp(v, yExponent - overall));
  } else {
    let v: Tensor = scaled.solution;
    if (method === 'analytic') {
      try {
        const L = cholesky(matmul(As, As, { transA: true }));
        v = solveTriangular(L, solveTriangular(L, matmul(As, ys, { transA: true })), { transpose: true });
      } catch {
        warnings.push(
          'XᵀX is not numerically positive definite; solved by least squares instead of the normal ' + 'equations',
        );
      }
    }
    w = Array.from(v.data, (vj, j) => ldexp(vj, yExponent - columnExponent[j]));
    if (scaledCondition > 1e12) {
      const kappa = scaledCondition.toExponential(2);
      warnings.push(
        `XᵀX is ill-conditioned (κ ≈ ${kappa} even with its columns scaled): ` +
          'the coefficients are sensitive to rounding; standardise the features',
      );
    }
  }
  const tooLarge = w.findIndex((v) => !Number.isFinite(v));
  if (tooLarge >= 0) {
    const name = tooLarge === 0 ? 'the intercept' : `the coefficient of '${ds.featureNames[tooLarge - 1]}'`;
    throw new DataError(
      `linearRegression: ${name} is past the float64 range (about 1.8e308): the target is too ` +
        'large for the units of that feature; rescale the target or the feature',
    );
  }
  // The loss of the scaled problem, scaled back: the same number, but without squaring residuals near 1e308.
  const wScaled = fromData(
    Float64Array.from(w, (v, j) => ldexp(v, columnExponent[j] - yExponent)),
    [p],
  );
  const trainingLoss = ldexp(regressionLoss(wScaled, As, ys).item(), 2 * yExponent);
  if (!Number.isFinite(trainingLoss)) {
    warnings.push(
      'the mean squared error is past the float64 range (residuals near 1e154 or more); it is reported ' +
        'as Infinity: rescale the target to see it',
    );
  }
  return {
    coefficients: Object.fromEntries(ds.featureNames.map((f, j) => [f, w[j + 1]])),
    intercept: w[0],
    trainingLoss,
    conditionNumber,
    rank: scaled.rank,
    warnings,
    weights: w,
  };
}

/** Refuses a design the p×p matrices (SVD, XᵀX) of the direct solvers would not fit, before allocating them. */
function checkCoefficientCount(what: string, d: number): void {
  if (d <= MAX_REGRESSION_FEATURES) return;
  const p = d + 1;
  throw new DataError(
    `${what}: ${d} features are more than the ${MAX_REGRESSION_FEATURES} the direct solvers ` +
      `take (the SVD alone would hold ${p}² = ${(p * p).toLocaleString('en-US')} numbers); select fewer features`,
  );
}

/** NaN or ±Infinity in the data has no least-squares fit: name the first such cell. */
function checkFinite(a: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, names: readonly string[]) {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new DataError(`linearRegression: the target of row ${i + 1} is ${y[i]}`);
    for (let j = 1; j < p; j++) {
      const v = a[i * p + j];
      if (!Number.isFinite(v)) throw new DataError(`linearRegression: row ${i + 1}, feature '${names[j - 1]}' is ${v}`);
    }
  }
}

/**
 * Weights fitted on standardised features, z = (x − μ)/σ, mapped back to the original units:
 * w_j = v_j/σ_j and b = v₀ − Σ v_j μ_j/σ_j. Numerical methods work on the standardised design
 * (κ(XᵀX) of raw features can be large) and report in the units of the data.
 */
export function unstandardizeWeights(v: readonly number[], mean: readonly number[], std: readonly number[]): number[] {
  let b = v[0];
  const w = v.slice(1).map((vj, j) => {
    // v_j·μ_j overflows for data near ±1e308, v_j/σ_j·μ_j does not; ordinary data keep the first form's bits.
    const shift = (vj * mean[j]) / std[j];
    b -= Number.isFinite(shift) ? shift : (vj / std[j]) * mean[j];
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
  checkCoefficientCount('regressionSmoothness', ds.x.shape[1]);
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
  if (!Number.isInteger(steps) || steps < 0) {
    throw new SaddleError(`fitLinearRegression: steps must be an integer ≥ 0, got ${steps}`);
  }
  const analytic = linearRegression(ds);
  const n = ds.x.shape[0];
  const st = fitStandardizer(ds.x);
  const z = st.apply(cast(ds.x, 'float64'));
  const Z = designMatrix(z);
  // The target divided by a power of two only when its squares would overflow or underflow (exact, and the
  // updates of gd and sgd are the same in either units); otherwise as given, so ordinary runs are unchanged.
  const yRaw = cast(ds.y, 'float64');
  const e = scaleExponent(yRaw.data);
  const yExponent = Math.abs(e) > 400 ? e : 0;
  const y =
    yExponent === 0
      ? yRaw
      : fromData(
          yRaw.data.map((t) => t / 2 ** yExponent),
          [n],
        );
  const batchSize = options.batchSize ?? n;
  if (batchSize < n && options.seed === undefined) {
    throw new SaddleError('fitLinearRegression: minibatches are shuffled at random; give a seed');
  }
  const batches = batchSize < n ? minibatches(n, { batchSize, seed: options.seed ?? 0 }) : undefined;
  const vg = valueAndGrad((w: Tensor, a: Tensor, t: Tensor) => regressionLoss(w, a, t));
  const original = (v: Tensor) =>
    unstandardizeWeights(
      Array.from(v.data, (t) => ldexp(t, yExponent)),
      st.mean,
      st.std,
    );
  const distance = (w: number[]) => hypot(w.map((wj, j) => wj - analytic.weights[j]));
  let v: Tensor = zeros([Z.shape[1]]);
  let state = optimizer.init(v);
  const trajectory: RegressionStep[] = [];
  let stopped: NumericalRegressionResult['stopped'] = 'max-steps';
  let reason = `reached the step limit (${steps})`;
  let start = NaN;
  for (let k = 0; ; k++) {
    const [value, g] = vg(v, Z, y);
    const scaledLoss = value.item();
    const loss = ldexp(scaledLoss, 2 * yExponent);
    if (k === 0) start = scaledLoss;
    const gradientNorm = ldexp(hypot(g.data), yExponent);
    const w = original(v);
    trajectory.push({ step: k, loss, gradientNorm, distanceToAnalytic: distance(w) });
    if (!Number.isFinite(scaledLoss) || !w.every(Number.isFinite) || Math.abs(scaledLoss) > 1e12 * Math.max(1, start)) {
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
    warnings:
      analytic.rank < weights.length
        ? [
            ...analytic.warnings,
            'the least-squares solution is not unique: the optimiser reaches one of them (which one ' +
              'depends on the start and on the standardisation), so compare training losses rather than coefficients',
          ]
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
