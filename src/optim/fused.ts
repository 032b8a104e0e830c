// The fused step of Adam, AdamW and SGD: update and θ + u in one pass per leaf (src/core/fused.ts's kernels),
// on the very state the chain of transformations keeps, so `step` and `update` + `applyUpdates` are
// interchangeable and give the same bits. With `donate` the parameters and moments are overwritten in
// place: a training loop that owns them (and has shown them to no one) allocates nothing per step.
import { adamStep, isConcrete, sgdStep, treeFlatten, treeLeaves, type Tensor, type Tree } from '../core/index.js';
import { applyUpdates, type GradientTransformation } from './transform.js';
import { valueAt, type Schedule } from './transforms.js';

export interface StepOptions {
  /** The caller gives up params and state: they may be overwritten. */
  donate?: boolean;
}

/** θ′ and the next state in one call; what a fused step computes, or update + applyUpdates. */
export type Step<S> = (grads: Tree, state: S, params: Tree, options?: StepOptions) => [Tree, S];

/** The optimiser's fused step when it has one, else its update followed by θ + u. */
export function takeStep<S>(
  optimizer: GradientTransformation<S> & {
    step?(grads: Tree, state: S, params: Tree, options?: StepOptions): [Tree, S];
  },
  grads: Tree,
  state: S,
  params: Tree,
  options: StepOptions = {},
): [Tree, S] {
  if (optimizer.step) return optimizer.step(grads, state, params, options);
  const [updates, next] = optimizer.update(grads, state, params);
  return [applyUpdates(params, updates), next];
}

const concrete = (...trees: (Tree | null)[]) => trees.every((t) => t === null || treeLeaves(t).every(isConcrete));

type AdamState = { count: number; m: Tree; v: Tree; vmax: Tree | null };
type Counted = { count: number };

export interface FusedAdamOptions {
  lr: Schedule;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  maximize: boolean;
}

/**
 * Adam's (or AdamW's) fused step over the chain state [scale(−1)?, addWeightDecay?, scaleByAdam,
 * addDecayedWeights?, scaleByLearningRate] (the layout alias.ts builds); `fallback` is update + θ + u.
 */
export function fusedAdamStep(options: FusedAdamOptions, fallback: Step<unknown[]>): Step<unknown[]> {
  const { betas, eps, weightDecay, decoupled, maximize } = options;
  const lead = maximize ? 1 : 0;
  const adamAt = decoupled ? lead : lead + 1;
  return (grads, state, params, opts = {}) => {
    const st = state[adamAt] as AdamState;
    if (!concrete(grads, params, st.m, st.v, st.vmax)) return fallback(grads, state, params, opts);
    const lrState = state[state.length - 1] as Counted;
    const t = st.count;
    const G = treeFlatten(grads);
    const [P, M, V] = [treeLeaves(params), treeLeaves(st.m), treeLeaves(st.v)];
    const X = st.vmax ? treeLeaves(st.vmax) : null;
    const c = {
      b1: betas[0],
      b2: betas[1],
      eps,
      bc1: 1 - betas[0] ** t,
      bc2sqrt: Math.sqrt(1 - betas[1] ** t),
      weightDecay,
      decoupled,
      maximize,
      lr: valueAt(options.lr, lrState.count),
    };
    const r = G.leaves.map((g, i) => adamStep(P[i], g, M[i], V[i], X ? X[i] : null, c, opts.donate ?? false));
    const next = [...state];
    next[adamAt] = {
      count: t + 1,
      m: G.unflatten(r.map((x) => x.m)),
      v: G.unflatten(r.map((x) => x.v)),
      vmax: X ? G.unflatten(r.map((x) => x.vmax as Tensor)) : null,
    };
    next[next.length - 1] = { count: lrState.count + 1 };
    return [G.unflatten(r.map((x) => x.p)), next];
  };
}

export interface FusedSgdOptions {
  lr: Schedule;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** SGD's fused step over the chain state [scale(−1)?, addWeightDecay, trace?, scaleByLearningRate]. */
export function fusedSgdStep(options: FusedSgdOptions, fallback: Step<unknown[]>): Step<unknown[]> {
  const { momentum, maximize } = options;
  const traceAt = (maximize ? 1 : 0) + 1;
  return (grads, state, params, opts = {}) => {
    const tr = momentum !== 0 ? (state[traceAt] as { count: number; buffer: Tree | null }) : null;
    if (!concrete(grads, params, tr?.buffer ?? null)) return fallback(grads, state, params, opts);
    const lrState = state[state.length - 1] as Counted;
    const G = treeFlatten(grads);
    const P = treeLeaves(params);
    const B = tr?.buffer ? treeLeaves(tr.buffer) : null;
    const c = { ...options, lr: valueAt(options.lr, lrState.count) };
    const r = G.leaves.map((g, i) => sgdStep(P[i], g, B ? B[i] : null, c, opts.donate ?? false));
    const next = [...state];
    if (tr !== null) next[traceAt] = { count: tr.count + 1, buffer: G.unflatten(r.map((x) => x.buffer as Tensor)) };
    next[next.length - 1] = { count: lrState.count + 1 };
    return [G.unflatten(r.map((x) => x.p)), next];
  };
}
