// The run loop: minimise f from x0 with an optimiser, recording the trajectory; stop on
// convergence (gradient norm ≤ tol), on the step limit, or on divergence (a non-finite value or
// gradient, or a value that has blown up by a large factor), saying at which step and why and
// keeping the trajectory up to there.
import {
  allFinite,
  currentScope,
  detached,
  ravel,
  retire,
  scope,
  sumOfSquares,
  treeLeaves,
  valueAndGrad,
  type Tensor,
  type Tree,
} from '../core/index.js';
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
  for (const leaf of treeLeaves(g)) s += sumOfSquares(leaf);
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
  const fused = 'step' in optimizer ? optimizer.step : undefined;
  const vg = valueAndGrad(f);
  const factor = options.divergenceFactor ?? 1e12;
  const record = options.recordPoints ?? treeLeaves(x0).reduce((n, t) => n + t.size, 0) <= 10_000;
  // The loop runs in a scope (core/storage.ts): parameters and optimiser state stay resident, each step's
  // temporaries are released when it ends and the previous iterate when the next exists; a fused step
  // updates the iterate in place (never x0, and never one shown to the callback: it receives numbers only).
  return scope(() => {
    const loop = currentScope();
    let params = x0;
    let state = optimizer.init(params);
    const trajectory: TrajectoryPoint[] = [];
    let limit = Infinity;
    for (let step = 0; ; step++) {
      const { v, norm, point, finiteParams, g } = scope(() => {
        const [value, grads] = vg(params, step);
        const gn = gradientNorm(grads);
        return {
          v: value.item(),
          norm: gn,
          point: record ? Array.from(ravel(params).flat.data) : [],
          finiteParams: treeLeaves(params).every(allFinite),
          g: grads,
        };
      });
      const entry: TrajectoryPoint = {
        step,
        point,
        value: v,
        gradientNorm: norm,
        lr: step < steps ? lrAt(step + 1) : NaN,
      };
      trajectory.push(entry);
      const done = (stopped: MinimizeResult<T>['stopped'], reason: string): MinimizeResult<T> => ({
        params,
        trajectory,
        stopped,
        steps: step,
        reason,
      });
      if (step === 0) limit = factor * Math.max(1, Math.abs(v));
      if (Math.abs(v) > limit) {
        return done(
          'diverged',
          `diverged at step ${step}: the value ${v.toPrecision(6)} is more than ${factor} times the starting ` +
            `value; the iterates ran away (lower the learning rate, or clip the gradient)`,
        );
      }
      if (!Number.isFinite(v) || !Number.isFinite(norm) || !finiteParams) {
        const what = !finiteParams
          ? 'the parameters are not finite'
          : !Number.isFinite(v)
            ? `the value is ${v}`
            : `the gradient norm is ${norm}`;
        return done(
          'diverged',
          `diverged at step ${step}: ${what}; the iterates ran ` +
            `away (lower the learning rate, or clip the gradient)`,
        );
      }
      if (detached(() => options.callback?.(entry)) === false) return done('max-steps', 'stopped by the callback');
      if (norm <= tol) return done('converged', `gradient norm ${norm} ≤ tol ${tol} at step ${step}`);
      if (step === steps) return done('max-steps', `reached the limit of ${steps} steps`);
      const next = scope((): [T, unknown] => {
        if (fused) return fused(g, state, params, { donate: step > 0 }) as [T, unknown];
        const [updates, after] = optimizer.update(g, state, params, {
          value: v,
          objective: (p: Tree) => f(p as T, step),
        });
        return [applyUpdates(params, updates), after]; // a non-finite result is reported at the next step
      });
      retire([params, state, g], next, loop, false);
      [params, state] = next;
    }
  });
}
