// The named optimisers, as chains of transformations, with torch.optim's update rules and defaults
// (so a recipe moves between the two; checked against recorded torch.optim trajectories).
import type { Tree } from '../core/index.js';
import {
  fusedAdamStep,
  fusedSgdStep,
  type FusedAdamOptions,
  type FusedSgdOptions,
  type Step,
  type StepOptions,
} from './fused.js';
import { applyUpdates, chain, type GradientTransformation } from './transform.js';
import {
  addDecayedWeights,
  addWeightDecay,
  scale,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByAdamax,
  scaleByLearningRate,
  scaleByNadam,
  scaleByRadam,
  scaleByRms,
  trace,
  valueAt,
  type Schedule,
} from './transforms.js';

/** A named optimiser: a gradient transformation that also says what it is and its learning rate. */
export interface Optimizer<S = unknown> extends GradientTransformation<S> {
  name: string;
  settings: Record<string, unknown>;
  /** The learning rate used at step t (1-based). */
  learningRate(step: number): number;
  /**
   * update and θ + u in one call, on the same state; fused into one pass per leaf where the optimiser has a
   * fused kernel (Adam, AdamW, SGD), with `donate` overwriting params and state in place.
   */
  step?(grads: Tree, state: S, params: Tree, options?: StepOptions): [Tree, S];
}

function named(
  name: string,
  settings: Record<string, unknown>,
  lr: Schedule,
  parts: GradientTransformation<unknown>[],
  maximize = false,
  fused?: (fallback: Step<unknown[]>) => Step<unknown[]>,
): Optimizer<unknown[]> {
  const t = chain(...(maximize ? [scale(-1), ...parts] : parts), scaleByLearningRate(lr));
  const composed: Step<unknown[]> = (grads, state, params) => {
    const [updates, next] = t.update(grads, state, params);
    return [applyUpdates(params, updates), next];
  };
  return {
    ...t,
    name,
    settings,
    learningRate: (step) => valueAt(lr, step),
    step: fused ? fused(composed) : composed,
  };
}

const adamFused = (options: FusedAdamOptions) => (fallback: Step<unknown[]>) => fusedAdamStep(options, fallback);
const sgdFused = (options: FusedSgdOptions) => (fallback: Step<unknown[]>) => fusedSgdStep(options, fallback);

interface Common {
  weightDecay?: number;
  /** Ascend instead of descend (torch's maximize). */
  maximize?: boolean;
}

/**
 * SGD, as torch.optim.SGD: g ← g + λθ; with momentum μ, b ← μb + (1 − τ)g (b₁ = g), and the step
 * uses b, or g + μb with Nesterov (Sutskever et al. 2013); θ ← θ − ηg.
 */
export function sgd(
  lr: Schedule,
  options: Common & { momentum?: number; dampening?: number; nesterov?: boolean } = {},
): Optimizer<unknown[]> {
  const { momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false } = options;
  const parts = [addWeightDecay(weightDecay)] as GradientTransformation<unknown>[];
  if (momentum !== 0) parts.push(trace({ decay: momentum, dampening, nesterov }));
  return named(
    'sgd',
    { lr, momentum, dampening, nesterov, weightDecay },
    lr,
    parts,
    maximize,
    sgdFused({ lr, momentum, dampening, nesterov, weightDecay, maximize }),
  );
}

/** Adagrad (Duchi et al. 2011), as torch.optim.Adagrad; lrDecay gives η_t = η / (1 + (t − 1)·lrDecay). */
export function adagrad(
  lr: number = 0.01,
  options: Common & { lrDecay?: number; initialAccumulatorValue?: number; eps?: number } = {},
): Optimizer<unknown[]> {
  const { lrDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, weightDecay = 0, maximize = false } = options;
  const schedule = lrDecay === 0 ? lr : (t: number) => lr / (1 + (t - 1) * lrDecay);
  return named(
    'adagrad',
    { lr, lrDecay, initialAccumulatorValue, eps, weightDecay },
    schedule,
    [addWeightDecay(weightDecay), scaleByAdagrad({ initialAccumulatorValue, eps })],
    maximize,
  );
}

/** RMSprop (Tieleman & Hinton 2012), as torch.optim.RMSprop (centered: Graves 2013; momentum on the scaled step). */
export function rmsprop(
  lr: Schedule = 0.01,
  options: Common & { alpha?: number; eps?: number; momentum?: number; centered?: boolean } = {},
): Optimizer<unknown[]> {
  const { alpha = 0.99, eps = 1e-8, momentum = 0, centered = false, weightDecay = 0, maximize = false } = options;
  const parts = [
    addWeightDecay(weightDecay),
    scaleByRms({ alpha, eps, centered }),
  ] as GradientTransformation<unknown>[];
  if (momentum > 0) parts.push(trace({ decay: momentum }));
  return named('rmsprop', { lr, alpha, eps, momentum, centered, weightDecay }, lr, parts, maximize);
}

/** Adadelta (Zeiler 2012), as torch.optim.Adadelta (lr scales the step; 1.0 is Zeiler's method). */
export function adadelta(
  lr: Schedule = 1.0,
  options: Common & { rho?: number; eps?: number } = {},
): Optimizer<unknown[]> {
  const { rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false } = options;
  return named(
    'adadelta',
    { lr, rho, eps, weightDecay },
    lr,
    [addWeightDecay(weightDecay), scaleByAdadelta({ rho, eps })],
    maximize,
  );
}

type Betas = readonly [number, number];

/** Adam (Kingma & Ba 2015), as torch.optim.Adam (weight decay as L2 on the gradient; AMSGrad: Reddi et al. 2018). */
export function adam(
  lr: Schedule = 1e-3,
  options: Common & { betas?: Betas; eps?: number; amsgrad?: boolean } = {},
): Optimizer<unknown[]> {
  const { betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, weightDecay = 0, maximize = false } = options;
  return named(
    'adam',
    { lr, betas, eps, amsgrad, weightDecay },
    lr,
    [addWeightDecay(weightDecay), scaleByAdam({ betas, eps, amsgrad })],
    maximize,
    adamFused({ lr, betas, eps, weightDecay, decoupled: false, maximize }),
  );
}

/** AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: θ ← θ(1 − ηλ) − η·adam (decoupled decay). */
export function adamw(
  lr: Schedule = 1e-3,
  options: Common & { betas?: Betas; eps?: number; amsgrad?: boolean } = {},
): Optimizer<unknown[]> {
  const { betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, weightDecay = 1e-2, maximize = false } = options;
  return named(
    'adamw',
    { lr, betas, eps, amsgrad, weightDecay },
    lr,
    [scaleByAdam({ betas, eps, amsgrad }), addDecayedWeights(weightDecay)],
    maximize,
    adamFused({ lr, betas, eps, weightDecay, decoupled: true, maximize }),
  );
}

/** Adamax (Kingma & Ba 2015, §7.1), as torch.optim.Adamax. */
export function adamax(
  lr: Schedule = 2e-3,
  options: Common & { betas?: Betas; eps?: number } = {},
): Optimizer<unknown[]> {
  const { betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, maximize = false } = options;
  return named(
    'adamax',
    { lr, betas, eps, weightDecay },
    lr,
    [addWeightDecay(weightDecay), scaleByAdamax({ betas, eps })],
    maximize,
  );
}

/** NAdam (Dozat 2016), as torch.optim.NAdam with its momentum decay ψ. */
export function nadam(
  lr: Schedule = 2e-3,
  options: Common & { betas?: Betas; eps?: number; momentumDecay?: number } = {},
): Optimizer<unknown[]> {
  const { betas = [0.9, 0.999], eps = 1e-8, momentumDecay = 4e-3, weightDecay = 0, maximize = false } = options;
  return named(
    'nadam',
    { lr, betas, eps, momentumDecay, weightDecay },
    lr,
    [addWeightDecay(weightDecay), scaleByNadam({ betas, eps, momentumDecay })],
    maximize,
  );
}

/** RAdam (Liu et al. 2020), as torch.optim.RAdam. */
export function radam(
  lr: Schedule = 1e-3,
  options: Common & { betas?: Betas; eps?: number } = {},
): Optimizer<unknown[]> {
  const { betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, maximize = false } = options;
  return named(
    'radam',
    { lr, betas, eps, weightDecay },
    lr,
    [addWeightDecay(weightDecay), scaleByRadam({ betas, eps })],
    maximize,
  );
}
