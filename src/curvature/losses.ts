// Losses whose curvature saddle measures. Each says how it is normalised, because a sharpness is
// compared with 2/η only for the loss that gradient descent actually followed: the same network
// has a λ_max C times larger under ½‖f − y‖² summed over C outputs than under the mean over them.
// A loss may also split into outputs z = f(θ, x) and a loss of the outputs ℓ(z, y), which the
// Gauss–Newton matrix and the empirical Fisher need (Martens 2020, "New insights and perspectives
// on the natural gradient method", §8).
import { SaddleError } from '../core/errors.js';
import { mean, mul, oneHot, square, sub, sum, type Tensor, type Tree } from '../core/index.js';
import {
  bayesianLinearNll,
  classificationLoss,
  forward,
  negativeElbo,
  negativeLogPosterior,
  type Activation,
  type MeanFieldGaussian,
  type MlpParams,
} from '../models/index.js';
import { Rng } from '../random/index.js';

/** A batch of the fixed example set: rows of x and y, which batch it is, and N, the whole set's size. */
export type Batch = { x: Tensor; y: Tensor; index: number; total: number };

export interface CurvatureLoss<P extends Tree = Tree> {
  readonly name: string;
  /** How the loss is normalised over examples and outputs, recorded in every result. */
  readonly normalization: string;
  /**
   * The loss of one batch as an estimate of the whole objective: a mean over the batch's examples,
   * or a sum scaled by N/B. The operator weights batch b by n_b/N, so either gives the exact whole.
   */
  value(params: P, batch: Batch): Tensor;
  /** The network's outputs z = f(θ, x), [B, …]; with outputLoss, enables the GGN and the Fisher. */
  outputs?(params: P, batch: Batch): Tensor;
  /** The mean over the batch's rows of a loss of each row's outputs alone, ℓ(z_i, y_i). */
  outputLoss?(z: Tensor, batch: Batch): Tensor;
}

/** Mean softmax cross-entropy of an MLP's logits against integer labels. */
export function crossEntropyLoss(options: { activation?: Activation } = {}): CurvatureLoss<MlpParams> {
  const activation = options.activation ?? 'relu';
  const outputLoss = (z: Tensor, b: Batch) => classificationLoss(z, b.y);
  return {
    name: `softmax cross-entropy of an MLP (${activation})`,
    normalization: 'mean over examples of the softmax cross-entropy (natural log)',
    value: (p, b) => outputLoss(forward(p, b.x, activation), b),
    outputs: (p, b) => forward(p, b.x, activation),
    outputLoss,
  };
}

export type SquaredErrorReduction = 'half-sum' | 'mean';

/**
 * Squared error of an MLP's outputs. 'half-sum': ½‖f(x) − y‖² summed over outputs and averaged
 * over examples (Cohen et al. 2021's loss for the edge of stability); 'mean': the mean over every
 * example and output, as torch.nn.MSELoss. Integer labels with several outputs are one-hot targets.
 */
export function squaredErrorLoss(
  options: { activation?: Activation; reduction?: SquaredErrorReduction } = {},
): CurvatureLoss<MlpParams> {
  const activation = options.activation ?? 'relu';
  const reduction = options.reduction ?? 'half-sum';
  const outputLoss = (z: Tensor, b: Batch) => {
    const target = targetsFor(z, b.y);
    const r2 = square(sub(z, target));
    return reduction === 'mean' ? mean(r2) : mul(0.5 / z.shape[0], sum(r2));
  };
  return {
    name: `squared error of an MLP (${activation})`,
    normalization:
      reduction === 'mean'
        ? 'mean over examples and outputs of (f − y)² (torch.nn.MSELoss)'
        : 'mean over examples of ½‖f − y‖² summed over outputs (Cohen et al. 2021)',
    value: (p, b) => outputLoss(forward(p, b.x, activation), b),
    outputs: (p, b) => forward(p, b.x, activation),
    outputLoss,
  };
}

/**
 * The loss the CLI's --loss names for an MLP: 'ce', the mean softmax cross-entropy, or 'mse', ½‖f − y‖² summed over
 * outputs and averaged over examples (Cohen et al.'s, so that sharpness compares with 2/η).
 */
export function namedLoss(name: 'ce' | 'mse', activation: Activation): CurvatureLoss<MlpParams> {
  return name === 'ce' ? crossEntropyLoss({ activation }) : squaredErrorLoss({ activation, reduction: 'half-sum' });
}

function targetsFor(z: Tensor, y: Tensor): Tensor {
  if (y.rank === z.rank) return y;
  const outputs = z.shape[z.rank - 1];
  if (y.rank === 1 && z.rank === 2 && outputs === 1) return y.reshape([y.shape[0], 1]);
  if (y.rank === 1 && z.rank === 2) return oneHot(y, outputs, { dtype: z.dtype });
  throw new SaddleError(`squaredErrorLoss: targets of shape [${y.shape}] do not match outputs of shape [${z.shape}]`);
}

/**
 * The negative log-posterior of Bayesian linear regression (src/models) with w as the parameters and
 * the batch's x as the design matrix: its Hessian is the posterior precision AᵀA/σ² + I/τ².
 */
export function negativeLogPosteriorLoss(options: { noiseStd: number; priorStd: number }): CurvatureLoss<Tensor> {
  return {
    name: 'negative log-posterior of Bayesian linear regression',
    normalization: 'sum over all N examples of −log N(y | aᵀw, σ²) (each batch scaled by N/B) plus −log N(w | 0, τ²I)',
    value: (w, b) => negativeLogPosterior(w, b.x, b.y, { ...options, datasetSize: b.total }),
  };
}

/**
 * The negative ELBO of mean-field Gaussian variational inference for Bayesian linear regression, with
 * ε drawn from (seed, batch index), so that each batch is a fixed function and its Hessian exists.
 */
export function negativeElboLoss(options: {
  noiseStd: number;
  priorStd: number;
  samples: number;
  seed: number;
  antithetic?: boolean;
}): CurvatureLoss<MeanFieldGaussian> {
  return {
    name: 'negative ELBO of mean-field Bayesian linear regression',
    normalization:
      `sum over all N examples of the expected negative log-likelihood (${options.samples} fixed reparameterised ` +
      `samples per batch, scaled by N/B) plus KL(q ‖ prior)`,
    value: (q, b) =>
      negativeElbo(q, bayesianLinearNll(b.x, b.y, { noiseStd: options.noiseStd, datasetSize: b.total }), {
        priorStd: options.priorStd,
        samples: options.samples,
        antithetic: options.antithetic,
        rng: new Rng(options.seed * 1_000_003 + b.index),
      }),
  };
}

/**
 * Any function (params, batch) => scalar, e.g. a loss without (input, target) pairs (PyHessian #15).
 * Say how it is normalised: the operator assumes each batch's value estimates the whole objective.
 */
export function customLoss<P extends Tree>(
  value: (params: P, batch: Batch) => Tensor,
  options: {
    name?: string;
    normalization: string;
    outputs?: (params: P, batch: Batch) => Tensor;
    outputLoss?: (z: Tensor, batch: Batch) => Tensor;
  },
): CurvatureLoss<P> {
  if (typeof options?.normalization !== 'string' || options.normalization.trim() === '') {
    throw new SaddleError(
      'customLoss: say how the loss is normalised, e.g. {normalization: "mean over examples"}; 2/η comparisons ' +
        'depend on it',
    );
  }
  return {
    name: options.name ?? 'custom loss',
    normalization: options.normalization,
    value,
    outputs: options.outputs,
    outputLoss: options.outputLoss,
  };
}
