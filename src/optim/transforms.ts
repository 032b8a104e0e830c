// Gradient transformations with torch.optim's arithmetic (torch.optim's documented algorithms,
// version 1.13, are the reference; fixtures/generate_torch_optim.py records its trajectories).
// `count` is the number of updates applied so far plus one, i.e. PyTorch's `step` at update time.
import {
  abs,
  add,
  div,
  full,
  fusedAdam,
  greater,
  isConcrete,
  maximum,
  mul,
  sqrt,
  sub,
  sumOfSquares,
  treeFlatten,
  treeLeaves,
  treeMap,
  where,
  type Tree,
} from '../core/index.js';
import { normal, Rng } from '../random/index.js';
import type { GradientTransformation } from './transform.js';
import { stateless } from './transform.js';

/** A learning rate, constant or a function of the step t = 1, 2, … */
export type Schedule = number | ((step: number) => number);

export const valueAt = (s: Schedule, step: number): number => (typeof s === 'number' ? s : s(step));

const zerosLike = (tree: Tree, fill = 0) => treeMap((p) => full(p.shape, fill, { dtype: p.dtype }), tree);

/** u ← s·u. */
export function scale(s: number): GradientTransformation<null> {
  return stateless((u) => mul(u, s));
}

/** u ← −η_t·u: the step along the negative direction (optax.scale_by_learning_rate). */
export function scaleByLearningRate(lr: Schedule): GradientTransformation<{ count: number }> {
  return {
    init: () => ({ count: 1 }),
    update: (u, st) => [treeMap((x) => mul(x, -valueAt(lr, st.count)), u), { count: st.count + 1 }],
  };
}

/** L2 regularisation on the gradient (torch.optim's weight_decay): g ← g + λθ. */
export function addWeightDecay(lambda: number): GradientTransformation<null> {
  return stateless((g, p) => (lambda === 0 ? g : add(g, mul(p, lambda))));
}

/** Decoupled weight decay (Loshchilov & Hutter 2019, AdamW): u ← u + λθ, before the −η scaling. */
export function addDecayedWeights(lambda: number): GradientTransformation<null> {
  return stateless((u, p) => (lambda === 0 ? u : add(u, mul(p, lambda))));
}

export interface TraceOptions {
  /** μ (torch's momentum). */
  decay: number;
  dampening?: number;
  nesterov?: boolean;
}

/**
 * Momentum (Polyak 1964; Sutskever et al. 2013 for Nesterov), as torch.optim.SGD:
 * b₁ = g₁, b_t = μ b_{t−1} + (1 − τ) g_t; the update is b_t, or g_t + μ b_t with Nesterov.
 */
export function trace(options: TraceOptions): GradientTransformation<{ count: number; buffer: Tree | null }> {
  const { decay: mu, dampening = 0, nesterov = false } = options;
  return {
    init: () => ({ count: 1, buffer: null }),
    update: (g, st) => {
      const buffer =
        st.buffer === null
          ? g
          : treeMap((b, gi) => add(mul(b, mu), dampening === 0 ? gi : mul(gi, 1 - dampening)), st.buffer, g);
      const out = nesterov ? treeMap((gi, b) => add(gi, mul(b, mu)), g, buffer) : buffer;
      return [out, { count: st.count + 1, buffer }];
    },
  };
}

/** Adagrad (Duchi, Hazan & Singer 2011), as torch: s_t = s_{t−1} + g²; u = g / (√s_t + ε). */
export function scaleByAdagrad(
  options: { initialAccumulatorValue?: number; eps?: number } = {},
): GradientTransformation<{ sum: Tree | null }> {
  const { initialAccumulatorValue = 0, eps = 1e-10 } = options;
  return {
    init: (params) => ({ sum: zerosLike(params, initialAccumulatorValue) }),
    update: (g, st) => {
      const s = treeMap((si, gi) => add(si, mul(gi, gi)), st.sum as Tree, g);
      return [treeMap((gi, si) => div(gi, add(sqrt(si), eps)), g, s), { sum: s }];
    },
  };
}

export interface RmsOptions {
  /** α, the smoothing constant of the squared average. */
  alpha?: number;
  eps?: number;
  /** Centre by the running mean of g (Graves 2013). */
  centered?: boolean;
}

/** RMSprop (Tieleman & Hinton 2012), as torch: v = αv + (1−α)g²; u = g / (√(v − ḡ²) + ε). */
export function scaleByRms(options: RmsOptions = {}): GradientTransformation<{ v: Tree; mean: Tree | null }> {
  const { alpha = 0.99, eps = 1e-8, centered = false } = options;
  return {
    init: (params) => ({ v: zerosLike(params), mean: centered ? zerosLike(params) : null }),
    update: (g, st) => {
      const v = treeMap((vi, gi) => add(mul(vi, alpha), mul(mul(gi, gi), 1 - alpha)), st.v, g);
      const mean = centered ? treeMap((m, gi) => add(mul(m, alpha), mul(gi, 1 - alpha)), st.mean as Tree, g) : null;
      const avg = centered ? treeMap((vi, m) => sub(vi, mul(m, m)), v, mean as Tree) : v;
      return [treeMap((gi, a) => div(gi, add(sqrt(a), eps)), g, avg), { v, mean }];
    },
  };
}

/** Adadelta (Zeiler 2012), as torch: v = ρv + (1−ρ)g²; δ = √(u + ε)/√(v + ε)·g; u = ρu + (1−ρ)δ². */
export function scaleByAdadelta(
  options: { rho?: number; eps?: number } = {},
): GradientTransformation<{ v: Tree; u: Tree }> {
  const { rho = 0.9, eps = 1e-6 } = options;
  return {
    init: (params) => ({ v: zerosLike(params), u: zerosLike(params) }),
    update: (g, st) => {
      const v = treeMap((vi, gi) => add(mul(vi, rho), mul(mul(gi, gi), 1 - rho)), st.v, g);
      const delta = treeMap((ui, vi, gi) => mul(div(sqrt(add(ui, eps)), sqrt(add(vi, eps))), gi), st.u, v, g);
      const u = treeMap((ui, d) => add(mul(ui, rho), mul(mul(d, d), 1 - rho)), st.u, delta);
      return [delta, { v, u }];
    },
  };
}

export interface AdamOptions {
  betas?: readonly [number, number];
  eps?: number;
  amsgrad?: boolean;
}

interface MomentState {
  count: number;
  m: Tree;
  v: Tree;
  vmax: Tree | null;
}

function moments(g: Tree, st: MomentState, b1: number, b2: number) {
  const m = treeMap((mi, gi) => add(mul(mi, b1), mul(gi, 1 - b1)), st.m, g);
  const v = treeMap((vi, gi) => add(mul(vi, b2), mul(mul(gi, gi), 1 - b2)), st.v, g);
  return { m, v };
}

/**
 * Adam (Kingma & Ba 2015), as torch: m and v moving averages, bias-corrected;
 * u = (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε), with AMSGrad (Reddi et al. 2018) using max v.
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation<MomentState> {
  const [b1, b2] = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  const amsgrad = options.amsgrad ?? false;
  return {
    init: (params) => ({
      count: 1,
      m: zerosLike(params),
      v: zerosLike(params),
      vmax: amsgrad ? zerosLike(params) : null,
    }),
    update: (g, st) => {
      const t = st.count;
      const bc1 = 1 - b1 ** t;
      const bc2sqrt = Math.sqrt(1 - b2 ** t);
      // Concrete values (not being differentiated): one fused pass per leaf, bit-identical to the ops below.
      const G = treeFlatten(g);
      const [M, V] = [treeLeaves(st.m), treeLeaves(st.v)];
      const X = st.vmax ? treeLeaves(st.vmax) : null;
      if ([G.leaves, M, V, X ?? []].every((ls) => ls.every(isConcrete))) {
        const r = G.leaves.map((gi, i) => fusedAdam(gi, M[i], V[i], X ? X[i] : null, { b1, b2, eps, bc1, bc2sqrt }));
        return [
          G.unflatten(r.map((x) => x.update)),
          {
            count: t + 1,
            m: G.unflatten(r.map((x) => x.m)),
            v: G.unflatten(r.map((x) => x.v)),
            vmax: X ? G.unflatten(r.map((x) => x.vmax!)) : null,
          },
        ];
      }
      const { m, v } = moments(g, st, b1, b2);
      const vmax = amsgrad ? treeMap((a, b) => maximum(a, b), st.vmax as Tree, v) : null;
      const out = treeMap((mi, vi) => div(div(mi, add(div(sqrt(vi), bc2sqrt), eps)), bc1), m, vmax ?? v);
      return [out, { count: t + 1, m, v, vmax }];
    },
  };
}

/** Adamax (Kingma & Ba 2015, §7.1), as torch: u_t = max(β₂u, |g| + ε); update (m/u)/(1 − β₁ᵗ). */
export function scaleByAdamax(
  options: { betas?: readonly [number, number]; eps?: number } = {},
): GradientTransformation<MomentState> {
  const [b1, b2] = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  return {
    init: (params) => ({ count: 1, m: zerosLike(params), v: zerosLike(params), vmax: null }),
    update: (g, st) => {
      const t = st.count;
      const m = treeMap((mi, gi) => add(mul(mi, b1), mul(gi, 1 - b1)), st.m, g);
      const u = treeMap((ui, gi) => maximum(mul(ui, b2), add(abs(gi), eps)), st.v, g);
      return [treeMap((mi, ui) => div(div(mi, ui), 1 - b1 ** t), m, u), { count: t + 1, m, v: u, vmax: null }];
    },
  };
}

/**
 * NAdam (Dozat 2016) with torch's momentum schedule μ_t = β₁(1 − ½·0.96^{tψ}):
 * u = (1−μ_t)/(1−Πμ)·g/d + μ_{t+1}/(1−Πμ·μ_{t+1})·m/d, d = √(v/(1−β₂ᵗ)) + ε.
 */
export function scaleByNadam(
  options: { betas?: readonly [number, number]; eps?: number; momentumDecay?: number } = {},
): GradientTransformation<MomentState & { muProduct: number }> {
  const [b1, b2] = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  const psi = options.momentumDecay ?? 4e-3;
  return {
    init: (params) => ({ count: 1, m: zerosLike(params), v: zerosLike(params), vmax: null, muProduct: 1 }),
    update: (g, st) => {
      const t = st.count;
      const { m, v } = moments(g, st, b1, b2);
      const mu = b1 * (1 - 0.5 * 0.96 ** (t * psi));
      const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
      const muProduct = st.muProduct * mu;
      const bc2 = 1 - b2 ** t;
      const out = treeMap(
        (gi, mi, vi) => {
          const d = add(sqrt(div(vi, bc2)), eps);
          return add(mul(div(gi, d), (1 - mu) / (1 - muProduct)), mul(div(mi, d), muNext / (1 - muProduct * muNext)));
        },
        g,
        m,
        v,
      );
      return [out, { count: t + 1, m, v, vmax: null, muProduct }];
    },
  };
}

/** RAdam (Liu et al. 2020), as torch: the rectified adaptive step once ρ_t > 5, plain momentum before. */
export function scaleByRadam(
  options: { betas?: readonly [number, number]; eps?: number } = {},
): GradientTransformation<MomentState> {
  const [b1, b2] = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  const rhoInf = 2 / (1 - b2) - 1;
  return {
    init: (params) => ({ count: 1, m: zerosLike(params), v: zerosLike(params), vmax: null }),
    update: (g, st) => {
      const t = st.count;
      const { m, v } = moments(g, st, b1, b2);
      const bc1 = 1 - b1 ** t;
      const bc2 = 1 - b2 ** t;
      const rho = rhoInf - (2 * t * b2 ** t) / bc2;
      const out = treeMap(
        (mi, vi) => {
          const mHat = div(mi, bc1);
          if (rho <= 5) return mHat;
          const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
          return mul(mul(mHat, rect), div(Math.sqrt(bc2), add(sqrt(vi), eps)));
        },
        m,
        v,
      );
      return [out, { count: t + 1, m, v, vmax: null }];
    },
  };
}

/** Clipping by the global norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  return {
    init: () => null,
    update: (g, st) => {
      let total = 0;
      for (const leaf of treeLeaves(g)) total += sumOfSquares(leaf);
      const coef = maxNorm / (Math.sqrt(total) + 1e-6);
      return [coef < 1 ? treeMap((gi) => mul(gi, coef), g) : g, st];
    },
  };
}

/** Clipping each component to [−c, c] (torch.nn.utils.clip_grad_value_). */
export function clipByValue(maxDelta: number): GradientTransformation<null> {
  return stateless((g) => where(greater(g, maxDelta), maxDelta, where(greater(-maxDelta, g), -maxDelta, g)));
}

/**
 * Gaussian noise N(0, σ²) added to the gradient, seeded (the chapter's simulated SGD; Neelakantan
 * et al. 2015 add σ²/(1+t)^γ annealing, given as a schedule). The noise of step t depends only on
 * (seed, t), so runs are reproducible.
 */
export function addNoise(std: Schedule, seed: number): GradientTransformation<{ count: number }> {
  return {
    init: () => ({ count: 1 }),
    update: (g, st) => {
      const rng = new Rng(seed * 1_000_003 + st.count);
      const s = valueAt(std, st.count);
      return [treeMap((gi) => add(gi, normal(rng, gi.shape, { dtype: gi.dtype, std: s })), g), { count: st.count + 1 }];
    },
  };
}

/**
 * Skips updates that contain NaN or ±∞ (all-zero updates instead), keeping the inner state as it
 * was, and counts consecutive skips; after `maxConsecutiveErrors` they are let through, so a run
 * that is really broken still shows it (optax.apply_if_finite).
 */
export function applyIfFinite<S>(
  inner: GradientTransformation<S>,
  maxConsecutiveErrors = 5,
): GradientTransformation<{ inner: S; errors: number; totalSkipped: number }> {
  return {
    init: (params) => ({ inner: inner.init(params), errors: 0, totalSkipped: 0 }),
    update: (g, st, params, extras) => {
      const [u, next] = inner.update(g, st.inner, params, extras);
      const finite = treeLeaves(u).every((leaf) => leaf.data.every(Number.isFinite));
      if (finite || st.errors + 1 > maxConsecutiveErrors)
        return [u, { inner: next, errors: finite ? 0 : st.errors + 1, totalSkipped: st.totalSkipped }];
      return [
        treeMap((leaf) => full(leaf.shape, 0, { dtype: leaf.dtype }), u),
        { inner: st.inner, errors: st.errors + 1, totalSkipped: st.totalSkipped + 1 },
      ];
    },
  };
}
