// Quasi-Newton methods with a strong-Wolfe line search (Nocedal & Wright 2006): BFGS keeps the inverse
// Hessian approximation H (Alg. 6.1, update (6.17), H₀ scaled by sᵀy/yᵀy as in (6.20)); L-BFGS keeps the
// last m pairs (s, y) and applies H by the two-loop recursion (Alg. 7.4). The step length comes from
// the line search, so the learning rate is 1. Parameters of any tree are ravelled into one vector.
import { SaddleError } from '../core/errors.js';
import { ravel, tensor, valueAndGrad, type Tensor, type Tree } from '../core/index.js';
import type { Optimizer } from './alias.js';
import type { Extras } from './transform.js';
import { strongWolfe } from './line-search.js';

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** φ along d from the current parameters, and the vector tools to step. */
function line(params: Tree, extras: Extras | undefined, method: string) {
  if (!extras?.objective) throw new SaddleError(`${method} needs the objective: pass it in extras (minimize does)`);
  const objective = extras.objective;
  const { flat, unravel } = ravel(params);
  const x = Float64Array.from(flat.data);
  const dtype = flat.dtype;
  const vg = valueAndGrad((v: Tensor) => objective(unravel(v)));
  const at =
    (d: Float64Array) =>
    (alpha: number): [number, number] => {
      const [value, g] = vg(
        tensor(
          Array.from(x, (xi, i) => xi + alpha * d[i]),
          { dtype },
        ),
      );
      return [value.item(), dot(Float64Array.from(g.data), d)];
    };
  const toUpdate = (step: Float64Array) => unravel(tensor(Array.from(step), { dtype }));
  return { at, toUpdate, n: x.length };
}

interface BfgsState {
  H: Float64Array | null;
  prevG: Float64Array | null;
  prevS: Float64Array | null;
}

/** BFGS with a strong-Wolfe line search (for small problems: it keeps an n×n matrix). */
export function bfgs(options: { c1?: number; c2?: number } = {}): Optimizer<BfgsState> {
  return {
    name: 'bfgs',
    settings: { ...options },
    learningRate: () => 1,
    init: () => ({ H: null, prevG: null, prevS: null }),
    update: (gTree, st, params, extras) => {
      const { at, toUpdate, n } = line(params, extras, 'bfgs');
      const g = Float64Array.from(ravel(gTree).flat.data);
      let H = st.H;
      if (st.prevS && st.prevG) {
        const s = st.prevS;
        const y = g.map((gi, i) => gi - (st.prevG as Float64Array)[i]);
        const sy = dot(s, y);
        if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
          if (H === null) {
            H = new Float64Array(n * n);
            const scale = sy / dot(y, y);
            for (let i = 0; i < n; i++) H[i * n + i] = scale;
          }
          // H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, expanded: H − ρ(s(Hy)ᵀ + (Hy)sᵀ) + (ρ²yᵀHy + ρ)ssᵀ.
          const rho = 1 / sy;
          const Hy = new Float64Array(n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Hy[i] += H[i * n + j] * y[j];
          const yHy = dot(y, Hy);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              H[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
            }
          }
        }
      }
      let d = new Float64Array(n);
      if (H === null) d = g.map((gi) => -gi);
      else for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i] -= H[i * n + j] * g[j];
      if (!(dot(d, g) < 0)) {
        H = null; // not a descent direction: restart from steepest descent
        d = g.map((gi) => -gi);
      }
      const phi = at(d);
      const dphi0 = dot(g, d);
      if (dphi0 === 0) return [toUpdate(new Float64Array(n)), { H, prevG: g, prevS: null }];
      const alpha = strongWolfe(phi, phi(0)[0], dphi0, {
        init: H === null ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1,
        c1: options.c1,
        c2: options.c2,
      });
      const step = d.map((di) => alpha * di);
      return [toUpdate(step), { H, prevG: g, prevS: step }];
    },
  };
}

interface LbfgsState {
  S: Float64Array[];
  Y: Float64Array[];
  prevG: Float64Array | null;
  prevS: Float64Array | null;
}

/** L-BFGS with memory m (default 10) and a strong-Wolfe line search: O(mn) memory, for large problems. */
export function lbfgs(options: { memory?: number; c1?: number; c2?: number } = {}): Optimizer<LbfgsState> {
  const m = options.memory ?? 10;
  return {
    name: 'lbfgs',
    settings: { memory: m, c1: options.c1, c2: options.c2 },
    learningRate: () => 1,
    init: () => ({ S: [], Y: [], prevG: null, prevS: null }),
    update: (gTree, st, params, extras) => {
      const { at, toUpdate, n } = line(params, extras, 'lbfgs');
      const g = Float64Array.from(ravel(gTree).flat.data);
      let S = st.S;
      let Y = st.Y;
      if (st.prevS && st.prevG) {
        const y = g.map((gi, i) => gi - (st.prevG as Float64Array)[i]);
        if (dot(st.prevS, y) > 1e-12 * Math.sqrt(dot(st.prevS, st.prevS) * dot(y, y))) {
          S = [...S, st.prevS].slice(-m);
          Y = [...Y, y].slice(-m);
        }
      }
      // Two-loop recursion: d = −H g.
      const q = Float64Array.from(g);
      const alphas: number[] = [];
      for (let k = S.length - 1; k >= 0; k--) {
        const a = dot(S[k], q) / dot(Y[k], S[k]);
        alphas[k] = a;
        for (let i = 0; i < n; i++) q[i] -= a * Y[k][i];
      }
      const gamma = S.length
        ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
        : Math.min(1, 1 / Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) q[i] *= gamma;
      for (let k = 0; k < S.length; k++) {
        const b = dot(Y[k], q) / dot(Y[k], S[k]);
        for (let i = 0; i < n; i++) q[i] += S[k][i] * (alphas[k] - b);
      }
      let d = q.map((v) => -v);
      if (!(dot(d, g) < 0)) {
        S = [];
        Y = [];
        d = g.map((gi) => -gi);
      }
      const dphi0 = dot(g, d);
      if (dphi0 === 0) return [toUpdate(new Float64Array(n)), { S, Y, prevG: g, prevS: null }];
      const phi = at(d);
      const alpha = strongWolfe(phi, phi(0)[0], dphi0, { c1: options.c1, c2: options.c2 });
      const step = d.map((di) => alpha * di);
      return [toUpdate(step), { S, Y, prevG: g, prevS: step }];
    },
  };
}
