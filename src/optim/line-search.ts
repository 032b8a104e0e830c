// Line searches along a descent direction d from x (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// §3.1 and Algorithms 3.5–3.6). φ(α) = f(x + αd); φ'(α) = ∇f(x + αd)·d.
import { SaddleError } from '../core/errors.js';

export interface LinePhi {
  /** [φ(α), φ'(α)]. */
  (alpha: number): [number, number];
}

/** The largest α = init·shrinkᵏ with φ(α) ≤ φ(0) + c₁αφ'(0) (Armijo; Alg. 3.1). */
export function backtracking(
  phi: (alpha: number) => number,
  phi0: number,
  dphi0: number,
  options: { init?: number; shrink?: number; c1?: number; maxIterations?: number } = {},
): number {
  const { init = 1, shrink = 0.5, c1 = 1e-4, maxIterations = 60 } = options;
  let alpha = init;
  for (let i = 0; i < maxIterations; i++) {
    const v = phi(alpha);
    if (Number.isFinite(v) && v <= phi0 + c1 * alpha * dphi0) return alpha;
    alpha *= shrink;
  }
  return alpha;
}

/**
 * A step satisfying the strong Wolfe conditions φ(α) ≤ φ(0) + c₁αφ'(0) and |φ'(α)| ≤ c₂|φ'(0)|
 * (Alg. 3.5 with the zoom of Alg. 3.6, interpolating by safeguarded bisection).
 */
export function strongWolfe(
  phi: LinePhi,
  phi0: number,
  dphi0: number,
  options: { init?: number; c1?: number; c2?: number; maxAlpha?: number; maxIterations?: number } = {},
): number {
  const { init = 1, c1 = 1e-4, c2 = 0.9, maxAlpha = 1e10, maxIterations = 50 } = options;
  if (!(dphi0 < 0)) throw new SaddleError(`strongWolfe: the direction is not a descent direction (φ'(0) = ${dphi0})`);
  const zoom = (lo: number, hi: number, phiLo: number): number => {
    for (let j = 0; j < maxIterations; j++) {
      const a = (lo + hi) / 2;
      const [v, dv] = phi(a);
      if (!Number.isFinite(v) || v > phi0 + c1 * a * dphi0 || v >= phiLo) {
        hi = a;
      } else {
        if (Math.abs(dv) <= -c2 * dphi0) return a;
        if (dv * (hi - lo) >= 0) hi = lo;
        lo = a;
        phiLo = v;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    return lo;
  };
  let prev = 0;
  let phiPrev = phi0;
  let alpha = init;
  for (let i = 1; i <= maxIterations; i++) {
    const [v, dv] = phi(alpha);
    if (!Number.isFinite(v) || v > phi0 + c1 * alpha * dphi0 || (i > 1 && v >= phiPrev))
      return zoom(prev, alpha, phiPrev);
    if (Math.abs(dv) <= -c2 * dphi0) return alpha;
    if (dv >= 0) return zoom(alpha, prev, v);
    prev = alpha;
    phiPrev = v;
    alpha = Math.min(2 * alpha, maxAlpha);
  }
  return alpha;
}
