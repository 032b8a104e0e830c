// Second-order and saddle-escaping methods. They receive the objective through `extras` and work on
// any tree of parameters by ravelling it into one vector (for the small problems they are for).
import { SaddleError } from '../core/errors.js';
import { add, fromData, hessian, mul, ravel, tensor, treeMap, type Tensor, type Tree } from '../core/index.js';
import { eigh, solve } from '../linalg/index.js';
import { Rng } from '../random/index.js';
import type { Optimizer } from './alias.js';
import type { Extras } from './transform.js';
import { valueAt, type Schedule } from './transforms.js';
import { hypot } from '../linalg/vectors.js';

function flatObjective(extras: Extras | undefined, params: Tree, method: string) {
  if (!extras?.objective) throw new SaddleError(`${method} needs the objective: pass it in extras (minimize does)`);
  const objective = extras.objective;
  const { flat, unravel } = ravel(params);
  return { flat, unravel, f: (v: Tensor) => objective(unravel(v)) };
}

function flatGradient(g: Tree): Tensor {
  return ravel(g).flat;
}

/**
 * Newton's method: θ ← θ − η H⁻¹∇f (η = 1: Newton; η < 1: damped Newton, as the chapter's η = 0.5).
 * It goes to the nearest stationary point of the local quadratic model, whatever its kind: it is
 * attracted to saddles (Dauphin et al. 2014), which the chapter's experiment shows.
 */
export function newton(lr: Schedule = 1): Optimizer<{ count: number }> {
  return {
    name: 'newton',
    settings: { lr },
    learningRate: (t) => valueAt(lr, t),
    init: () => ({ count: 1 }),
    update: (g, st, params, extras) => {
      const { flat, unravel, f } = flatObjective(extras, params, 'newton');
      const H = hessian(f)(flat);
      let step: Tensor;
      try {
        step = solve(H, flatGradient(g));
      } catch (err) {
        throw new SaddleError(
          `newton: the Hessian is singular at step ${st.count} (${(err as Error).message}); use saddle-free Newton ` +
            `or gradient descent here`,
        );
      }
      return [unravel(mul(step, -valueAt(lr, st.count))), { count: st.count + 1 }];
    },
  };
}

/**
 * Saddle-free Newton (Dauphin et al. 2014): θ ← θ − η |H|⁻¹∇f with |H| = V|Λ|Vᵀ, so directions of
 * negative curvature are descended instead of climbed. Eigenvalues smaller in magnitude than
 * `damping` are raised to it, keeping the step finite where H is (nearly) singular.
 */
export function saddleFreeNewton(lr: Schedule = 1, options: { damping?: number } = {}): Optimizer<{ count: number }> {
  const damping = options.damping ?? 1e-6;
  return {
    name: 'saddle-free-newton',
    settings: { lr, damping },
    learningRate: (t) => valueAt(lr, t),
    init: () => ({ count: 1 }),
    update: (g, st, params, extras) => {
      const { flat, unravel, f } = flatObjective(extras, params, 'saddleFreeNewton');
      const H = hessian(f)(flat);
      const { eigenvalues, eigenvectors } = eigh(
        H.dtype === 'float64' ? H : tensor(Array.from(H.data), { shape: H.shape }),
      );
      const n = eigenvalues.size;
      const V = eigenvectors.data;
      const gv = Float64Array.from(flatGradient(g).data);
      // |H|⁻¹g = V |Λ|⁻¹ Vᵀ g
      const coef = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += V[i * n + j] * gv[i];
        coef[j] = dot / Math.max(Math.abs(eigenvalues.data[j]), damping);
      }
      const step = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) step[i] += V[i * n + j] * coef[j];
      const out = flat.dtype === 'float64' ? fromData(step, [n]) : tensor(Array.from(step), { dtype: flat.dtype });
      return [unravel(mul(out, -valueAt(lr, st.count))), { count: st.count + 1 }];
    },
  };
}

export interface PerturbedOptions {
  /** Perturb when the gradient norm is at most this. */
  gradThreshold?: number;
  /** Radius of the ball the perturbation is drawn from (uniformly). */
  radius?: number;
  /** At most one perturbation in this many steps. */
  interval?: number;
  seed: number;
}

/**
 * Perturbed gradient descent (Jin et al. 2017): gradient descent, plus a point drawn uniformly from
 * a ball of radius r whenever ‖∇f‖ ≤ g_thres and no perturbation happened in the last `interval`
 * steps. It escapes strict saddles that plain gradient descent converges to.
 */
export function perturbedGradientDescent(
  lr: Schedule,
  options: PerturbedOptions,
): Optimizer<{ count: number; last: number }> {
  const { gradThreshold = 1e-3, radius = 1e-2, interval = 10, seed } = options;
  return {
    name: 'perturbed-gd',
    settings: { lr, gradThreshold, radius, interval, seed },
    learningRate: (t) => valueAt(lr, t),
    init: () => ({ count: 1, last: -Infinity }),
    update: (g, st) => {
      const eta = valueAt(lr, st.count);
      const flat = flatGradient(g);
      const norm = Math.sqrt(Array.from(flat.data).reduce((s, v) => s + v * v, 0));
      let updates = treeMap((gi) => mul(gi, -eta), g);
      let last = st.last;
      if (norm <= gradThreshold && st.count - st.last >= interval) {
        // A uniform point in the n-ball: a Gaussian direction, radius r·U^(1/n) (Muller 1959).
        const rng = new Rng(seed * 1_000_003 + st.count);
        const n = flat.size;
        const dir = Array.from({ length: n }, () => rng.normal());
        const len = hypot(dir);
        const r = radius * rng.float() ** (1 / n);
        const xi = ravel(g).unravel(
          tensor(
            dir.map((d) => (d / len) * r),
            { dtype: flat.dtype },
          ),
        );
        updates = treeMap((u, x) => add(u, x), updates, xi);
        last = st.count;
      }
      return [updates, { count: st.count + 1, last }];
    },
  };
}
