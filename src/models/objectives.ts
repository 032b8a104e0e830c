// The objectives that scientific machine learning minimises, beyond squared error and
// cross-entropy: the logistic loss, the Gaussian negative log-likelihood with a learned noise scale,
// the negative log-posterior of Bayesian linear regression (with the minibatch scaling N/B), and the
// negative ELBO of mean-field Gaussian variational inference by the reparameterisation trick. All
// are differentiable compositions of core ops, so every optimiser and every analysis applies.
import { SaddleError } from '../core/errors.js';
import {
  add,
  cast,
  exp,
  fromData,
  matmul,
  mean,
  mul,
  neg,
  softplus,
  square,
  sub,
  sum,
  type Tensor,
} from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { cholesky, solveTriangular } from '../linalg/index.js';
import type { Rng } from '../random/index.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function checkPositive(what: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new SaddleError(`${what} must be a positive finite number, got ${value}`);
}

/**
 * Mean binary cross-entropy of logits z against labels y ∈ {0, 1}, in the stable form
 * softplus(z) − y·z of −y·log σ(z) − (1 − y)·log(1 − σ(z)) (PyTorch's BCEWithLogitsLoss).
 */
export function logisticLoss(logits: Tensor, labels: Tensor): Tensor {
  if (logits.shape.join() !== labels.shape.join()) {
    throw new SaddleError(
      `logisticLoss: logits ${JSON.stringify(logits.shape)} and labels ${JSON.stringify(labels.shape)} must have ` +
        `the same shape`,
    );
  }
  return mean(sub(softplus(logits), mul(labels, logits)));
}

/**
 * Gaussian negative log-likelihood, averaged over examples, of targets y under N(prediction, σ²)
 * with a learned noise scale given as log σ (a scalar, or one per example): the noise scale stays
 * positive without constraints. Includes the constant ½·log 2π (PyTorch's GaussianNLLLoss with
 * full=True and var = σ²). Its minimiser in σ for fixed predictions is σ² = the mean squared residual.
 */
export function gaussianNll(prediction: Tensor, target: Tensor, logStd: Tensor): Tensor {
  const r2 = square(sub(target, prediction));
  return add(mean(add(logStd, mul(0.5, mul(r2, exp(mul(-2, logStd)))))), HALF_LOG_2PI);
}

/**
 * Bayesian linear regression: y ~ N(Aw, σ²) with the prior w ~ N(0, τ²I), over the design A (its column of ones
 * included).
 */
export type BayesianLinearOptions = {
  /** σ, the noise standard deviation of the likelihood. */
  noiseStd: number;
  /** τ, the standard deviation of the Gaussian prior on every weight. */
  priorStd: number;
  /**
   * N, the number of examples in the whole dataset when A and y are a minibatch of B rows: the
   * likelihood is scaled by N/B so that the minibatch objective is an unbiased estimate of the
   * full one (default: the rows given, i.e. full batch).
   */
  datasetSize?: number;
};

/** N/B, the minibatch scaling of the likelihood (checking σ and N). */
function likelihoodScale(rows: number, options: { noiseStd: number; datasetSize?: number }): number {
  checkPositive('noiseStd', options.noiseStd);
  const N = options.datasetSize ?? rows;
  if (!Number.isInteger(N) || N < rows)
    throw new SaddleError(`datasetSize must be an integer at least the ${rows} rows of the minibatch, got ${N}`);
  return N / rows;
}

/** Σᵢ −log N(yᵢ | pᵢ, σ²) over the rows. */
function gaussianNllSum(prediction: Tensor, y: Tensor, sigma: number): Tensor {
  const n = y.size;
  return add(mul(1 / (2 * sigma * sigma), sum(square(sub(y, prediction)))), n * (HALF_LOG_2PI + Math.log(sigma)));
}

/**
 * Negative log-posterior of Bayesian linear regression, up to the log-evidence:
 * (N/B)·Σ_{i∈batch} −log N(yᵢ | aᵢᵀw, σ²) − log N(w | 0, τ²I). Its minimiser is the posterior mean
 * (the MAP estimate, which is ridge regression with penalty σ²/τ²).
 */
export function negativeLogPosterior(w: Tensor, design: Tensor, y: Tensor, options: BayesianLinearOptions): Tensor {
  const scale = likelihoodScale(design.shape[0], options);
  checkPositive('priorStd', options.priorStd);
  const tau = options.priorStd;
  const prior = add(mul(1 / (2 * tau * tau), sum(square(w))), w.size * (HALF_LOG_2PI + Math.log(tau)));
  return add(mul(scale, gaussianNllSum(matmul(design, w), y, options.noiseStd)), prior);
}

/**
 * The closed-form posterior of conjugate Bayesian linear regression: precision Λ = AᵀA/σ² + I/τ²,
 * mean m = Λ⁻¹Aᵀy/σ² and covariance Λ⁻¹; `meanFieldStd` is the standard deviation that the best
 * mean-field Gaussian takes, 1/√Λⱼⱼ (the mean-field optimum matches m exactly but underestimates
 * the marginal variances Λ⁻¹ⱼⱼ when the weights are correlated).
 */
export function linearRegressionPosterior(
  design: Tensor,
  y: Tensor,
  options: { noiseStd: number; priorStd: number },
): {
  mean: number[];
  covariance: Tensor;
  meanFieldStd: number[];
} {
  checkPositive('noiseStd', options.noiseStd);
  checkPositive('priorStd', options.priorStd);
  const A = cast(design, 'float64');
  const yy = cast(y, 'float64');
  const p = A.shape[1];
  const s2 = options.noiseStd ** 2;
  const lambda = allocate('float64', p * p);
  const AtA = matmul(A, A, { transA: true }).data;
  for (let k = 0; k < p * p; k++) lambda[k] = AtA[k] / s2;
  for (let j = 0; j < p; j++) lambda[j * p + j] += 1 / options.priorStd ** 2;
  const L = cholesky(fromData(lambda, [p, p]));
  const rhs = mul(1 / s2, matmul(A, yy, { transA: true }));
  const m = solveTriangular(L, solveTriangular(L, rhs), { transpose: true });
  const I = allocate('float64', p * p);
  for (let j = 0; j < p; j++) I[j * p + j] = 1;
  const covariance = solveTriangular(L, solveTriangular(L, fromData(I, [p, p])), { transpose: true });
  return {
    mean: Array.from(m.data),
    covariance,
    meanFieldStd: Array.from({ length: p }, (_, j) => 1 / Math.sqrt(lambda[j * p + j])),
  };
}

/** A mean-field (diagonal) Gaussian q(w) = N(mean, diag(exp(logStd))²): a tree, so any optimiser applies. */
export type MeanFieldGaussian = { mean: Tensor; logStd: Tensor };

/** KL(N(μ, diag s²) ‖ N(0, τ²I)) = Σⱼ log(τ/sⱼ) + (sⱼ² + μⱼ²)/(2τ²) − ½, in closed form. */
export function gaussianKl(q: MeanFieldGaussian, priorStd: number): Tensor {
  checkPositive('priorStd', priorStd);
  const t2 = priorStd * priorStd;
  const terms = add(
    sub(Math.log(priorStd) - 0.5, q.logStd),
    mul(1 / (2 * t2), add(exp(mul(2, q.logStd)), square(q.mean))),
  );
  return sum(terms);
}

export type ElboOptions = {
  /** τ, the standard deviation of the Gaussian prior N(0, τ²I) on the weights. */
  priorStd: number;
  /** Monte Carlo samples of ε ~ N(0, I) per evaluation. */
  samples: number;
  /** Source of ε; an objective that must be deterministic per step builds it from (seed, step). */
  rng: Rng;
  /**
   * Use the samples in pairs ε, −ε (antithetic variates; samples must be even): the estimator
   * stays unbiased, and for a likelihood that is Gaussian in a linear model the sampling error no
   * longer moves the optimum of the mean (default false).
   */
  antithetic?: boolean;
};

/**
 * The negative evidence lower bound of mean-field Gaussian variational inference:
 * −ELBO(q) = E_q[nll(w)] + KL(q ‖ N(0, τ²I)), with E_q estimated by Monte Carlo through the
 * reparameterisation w = μ + exp(logStd) ⊙ ε, ε ~ N(0, I), so the gradient flows to μ and logStd.
 * `nll(w)` is the negative log-likelihood of the data at weights w (for a minibatch, already scaled
 * by N/B; see bayesianLinearNll).
 */
export function negativeElbo(q: MeanFieldGaussian, nll: (w: Tensor) => Tensor, options: ElboOptions): Tensor {
  const { samples, rng } = options;
  const antithetic = options.antithetic ?? false;
  if (!Number.isInteger(samples) || samples < 1)
    throw new SaddleError(`negativeElbo: samples must be a positive integer, got ${samples}`);
  if (antithetic && samples % 2 !== 0)
    throw new SaddleError(
      `negativeElbo: antithetic sampling uses pairs ε, −ε, so samples must be even, got ${samples}`,
    );
  if (q.mean.shape.join() !== q.logStd.shape.join()) {
    throw new SaddleError(
      `negativeElbo: mean ${JSON.stringify(q.mean.shape)} and logStd ${JSON.stringify(q.logStd.shape)} must have ` +
        `the same shape`,
    );
  }
  const std = exp(q.logStd);
  const draws = antithetic ? samples / 2 : samples;
  let total: Tensor | undefined;
  for (let s = 0; s < draws; s++) {
    const eps = allocate(q.mean.dtype, q.mean.size);
    for (let k = 0; k < eps.length; k++) eps[k] = rng.normal();
    const e = fromData(eps, q.mean.shape);
    const signs = antithetic ? [e, neg(e)] : [e];
    for (const se of signs) {
      const value = nll(add(q.mean, mul(std, se)));
      total = total ? add(total, value) : value;
    }
  }
  return add(mul(1 / samples, total!), gaussianKl(q, options.priorStd));
}

/** The negative log-likelihood of linear regression, (N/B)·Σᵢ −log N(yᵢ | aᵢᵀw, σ²), as negativeElbo takes it. */
export function bayesianLinearNll(
  design: Tensor,
  y: Tensor,
  options: { noiseStd: number; datasetSize?: number },
): (w: Tensor) => Tensor {
  const scale = likelihoodScale(design.shape[0], options);
  return (w) => mul(scale, gaussianNllSum(matmul(design, w), y, options.noiseStd));
}
