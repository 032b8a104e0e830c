// Multilayer perceptrons as plain trees of tensors ({layers: [{w, b}, …]}), so every optimiser and
// every analysis (Hessians, HVPs, Lanczos) applies to them unchanged.
import { SaddleError } from '../core/errors.js';
import {
  add,
  argmax,
  crossEntropy,
  equal,
  matmul,
  mean,
  oneHot,
  relu,
  sigmoid,
  square,
  sub,
  tanh,
  zeros,
  type DType,
  type Tensor,
} from '../core/index.js';
import type { Rng } from '../random/index.js';
import { initialize, type Initializer } from './init.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid';
const ACTIVATION_RULES: Record<Activation, (x: Tensor) => Tensor> = { relu, tanh, sigmoid };
/** The activations forward() applies between layers, for menus and argument checks. */
export const ACTIVATIONS = Object.keys(ACTIVATION_RULES) as readonly Activation[];

// Type aliases (not interfaces) so that they are trees of tensors to the type system too.
export type Layer = { w: Tensor; b: Tensor };

export type MlpParams = { layers: Layer[] };

export interface MlpOptions {
  init?: Initializer;
  rng: Rng;
  dtype?: DType;
}

/** Parameters of an MLP with the given layer sizes (e.g. [784, 128, 10]); biases start at zero. */
export function mlp(sizes: readonly number[], options: MlpOptions): MlpParams {
  if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new SaddleError(`mlp: sizes must be at least two positive integers, got [${sizes.join(', ')}]`);
  }
  const init = options.init ?? 'he-uniform';
  const dtype = options.dtype ?? 'float64';
  return {
    layers: sizes.slice(1).map((out, i) => ({
      w: initialize(init, sizes[i], out, { rng: options.rng, dtype }),
      b: zeros([out], { dtype }),
    })),
  };
}

/** Logits: the activation between layers, none after the last. */
export function forward(params: MlpParams, x: Tensor, activation: Activation = 'relu'): Tensor {
  const act = ACTIVATION_RULES[activation];
  if (!act) throw new SaddleError(`unknown activation '${activation}'; use ${ACTIVATIONS.join(', ')}`);
  let h = x;
  params.layers.forEach((layer, i) => {
    h = add(matmul(h, layer.w), layer.b);
    if (i < params.layers.length - 1) h = act(h);
  });
  return h;
}

/** Mean softmax cross-entropy of integer labels [n] against logits [n, classes]. */
export function classificationLoss(logits: Tensor, labels: Tensor): Tensor {
  return crossEntropy(logits, oneHot(labels, logits.shape[1], { dtype: logits.dtype }));
}

/** Fraction of rows whose largest logit is the label. */
export function accuracy(logits: Tensor, labels: Tensor): number {
  return mean(equal(argmax(logits, 1), labels)).item();
}

/** Mean squared error. */
export function meanSquaredError(prediction: Tensor, target: Tensor): Tensor {
  return mean(square(sub(prediction, target)));
}
