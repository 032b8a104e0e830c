// The run loop: minimise f from x0 with an optimiser, recording the trajectory; stop on
// convergence (gradient norm ≤ tol), on the step limit, or on divergence (a non-finite value or
// gradient, or a value that has blown up by a large factor), saying at which step and why and
// keeping the trajectory up to there.
import { allFinite, ravel, sum, mul, treeLeaves, valueAndGrad, type Tensor, type Tree } from '../core/index.js';
import { applyUpdates, type GradientTransformation } from './transform.js';
import type { Optimizer } from './alias.js';

export interface TrajectoryPoint {
  step: number;
  /** The parameters, flattened (ravel) in tree order; empty when points are not recorded. */
  point: number[];
  value: number;
  gradientNorm: number;
  /** The learning rate of the step that left this point (NaN at the last point, or without a schedule). */
  lr: number;
}

export interface MinimizeResult<T extends Tree> {
  params: T;
  trajectory: TrajectoryPoint[];
  stopped: 'converged' | 'max-steps' | 'diverged';
  reason: string;
  steps: number;
}

export interface MinimizeOptions {
  steps?: number;
  /** Stop when the gradient norm is at most tol (default 0: never). */
  tol?: number;
  /** Record the parameters at every step (default: when there are at most 10 000 of them). */
  recordPoints?: boolean;
  /** Diverged also when |value| exceeds this factor times max(1, |f(x0)|) (default 1e12). */
  divergenceFactor?: number;
  /** Called after each recorded point; return false to stop early. */
  callback?: (point: TrajectoryPoint) => boolean | void;
}

function gradientNorm(g: Tree): number {
  let s = 0;
  for (const leaf of treeLeaves(g)) s += sum(mul(leaf, leaf)).item();
  return Math.sqrt(s);
}

/**
 * f may take the step index as a second argument (a stochastic objective picks its minibatch from
 * it: see minibatches in src/random); the same step's line searches see the same batch.
 */
export function minimize<T extends Tree>(
  f: (params: T, step: number) => Tensor,
  x0: T,
  optimizer: GradientTransformation | Optimizer,
  options: MinimizeOptions = {},
): MinimizeResult<T> {
  const steps = options.steps ?? 100;
  const tol = options.tol ?? 0;
  const lrAt = 'learningRate' in optimizer ? (t: number) => optimizer.learningRate(t) : () => NaN;
  const vg = valueAndGrad(f);
  let params = x0;
  let state = optimizer.init(params);
  const trajectory: TrajectoryPoint[] = [];
  const factor = options.divergenceFactor ?? 1e12;
  const record = options.recordPoints ?? treeLeaves(x0).reduce((n, t) => n + t.size, 0) <= 10_000;
  let limit = Infinity;
  for (let step = 0; ; step++) {
    const [value, g] = vg(params, step);
    const v = value.item();
    const norm = gradientNorm(g);
    const point = record ? Array.from(ravel(params).flat.data) : [];
    const entry: TrajectoryPoint = {
      step,
      point,
      value: v,
      gradientNorm: norm,
      lr: step < steps ? lrAt(step + 1) : NaN,
    };
    trajectory.push(entry);
    if (step === 0) limit = factor * Math.max(1, Math.abs(v));
    if (Math.abs(v) > limit) {
      return {
        params,
        trajectory,
        stopped: 'diverged',
        steps: step,
        reason:
          `diverged at step ${step}: the value ${v.toPrecision(6)} is more than ${factor} times the starting ` +
          `value; the iterates ran away (lower the learning rate, or clip the gradient)`,
      };
    }
    const finiteParams = treeLeaves(params).every(allFinite);
    if (!Number.isFinite(v) || !Number.isFinite(norm) || !finiteParams) {
      const what = !finiteParams
        ? 'the parameters are not finite'
        : !Number.isFinite(v)
          ? `the value is ${v}`
          : `the gradient norm is ${norm}`;
      return {
        params,
        trajectory,
        stopped: 'diverged',
        steps: step,
        reason:
          `diverged at step ${step}: ${what}; the iterates ran ` +
          `away (lower the learning rate, or clip the gradient)`,
      };
    }
    if (options.callback?.(entry) === false)
      return { params, trajectory, stopped: 'max-steps', steps: step, reason: 'stopped by the callback' };
    if (norm <= tol)
      return {
        params,
        trajectory,
        stopped: 'converged',
        steps: step,
        reason: `gradient norm ${norm} ≤ tol ${tol} at step ${step}`,
      };
    if (step === steps)
      return { params, trajectory, stopped: 'max-steps', steps: step, reason: `reached the limit of ${steps} steps` };
    const [updates, next] = optimizer.update(g, state, params, { value: v, objective: (p: Tree) => f(p as T, step) });
    state = next;
    params = applyUpdates(params, updates); // a non-finite result is reported at the next step
  }
}
