// Sharpness during training: the top Hessian eigenvalue of the loss on a FIXED set of examples,
// every K steps, beside the stability threshold of the step size. Gradient descent on a quadratic
// diverges exactly when λ_max > 2/η; on networks, full-batch GD drives λ_max up to 2/η and holds it
// there (Cohen, Kaur, Li, Kolter & Talwalkar 2021, arXiv 2103.00065). As in their code (Lanczos with
// 20 iterations every eig_freq steps), each estimate is a short Lanczos run; it starts from the last
// top eigenvector, which changes slowly, so a few products usually suffice.
import { SaddleError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import type { Tree } from '../core/index.js';
import type { CurvatureLoss } from './losses.js';
import { curvatureOperator, type Examples } from './operator.js';
import { eigenpairs } from './spectrum.js';

export interface SharpnessPoint {
  step: number;
  /** λ_max of the Hessian on the fixed examples. */
  value: number;
  residual: number;
  converged: boolean;
  /** The loss on the same examples. */
  loss: number;
  products: number;
}

export interface SharpnessOptions<P extends Tree> {
  loss: CurvatureLoss<P>;
  data: Examples;
  /** Estimate every this many steps (and at step 0 with `at`). */
  every: number;
  /** A seeded subset of this many examples (default all). */
  examples?: number;
  seed: number;
  batchSize?: number;
  dtype?: DType;
  /** Lanczos steps per estimate (default 20, as Cohen et al.). */
  steps?: number;
  /** Stop a run early at this relative residual (default 1e-3). */
  tol?: number;
}

export interface SharpnessTracker<P extends Tree> {
  /** Estimates now, at `step`, for `params`. */
  at(step: number, params: P): SharpnessPoint;
  /** For trainClassifier's onStep: estimates when step is a multiple of `every`. */
  onStep(step: number, params: P): void;
  readonly points: SharpnessPoint[];
}

export function sharpnessTracker<P extends Tree>(options: SharpnessOptions<P>): SharpnessTracker<P> {
  if (!Number.isInteger(options.every) || options.every < 1)
    throw new SaddleError(`sharpness: every must be a positive integer, got ${options.every}`);
  const points: SharpnessPoint[] = [];
  let last: Float64Array | undefined;
  const at = (step: number, params: P): SharpnessPoint => {
    const op = curvatureOperator({
      loss: options.loss,
      params,
      data: options.data,
      examples: options.examples,
      seed: options.seed,
      batchSize: options.batchSize,
      dtype: options.dtype,
    });
    const r = eigenpairs(op, {
      top: 1,
      seed: options.seed + step,
      start: last,
      maxSteps: options.steps ?? 20,
      tol: options.tol ?? 1e-3,
      vectors: true,
    });
    const top = r.top[0];
    last = top.vector;
    const point = {
      step,
      value: top.value,
      residual: top.residual,
      converged: top.converged,
      loss: op.value(),
      products: r.products,
    };
    points.push(point);
    return point;
  };
  return {
    at,
    points,
    onStep: (step, params) => {
      if (step % options.every === 0) at(step, params);
    },
  };
}

/**
 * The step size's stability threshold on a quadratic: 2/η for gradient descent, (2 + 2β)/η with heavy-ball
 * momentum β (Goh 2017, "Why momentum really works"). Adaptive methods (Adam, RMSprop) precondition the
 * gradient, so their threshold applies to the preconditioned Hessian instead (Cohen et al. 2022,
 * arXiv 2207.14484): null.
 */
export function stabilityThreshold(optimizer: string, lr: number, momentum = 0): number | null {
  if (!(lr > 0)) throw new SaddleError(`stabilityThreshold: the learning rate must be positive, got ${lr}`);
  if (optimizer === 'sgd' || optimizer === 'gd') return (2 + 2 * momentum) / lr;
  return null;
}
