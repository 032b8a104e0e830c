// The point-level steps of the stationary-point search: Krawczyk's test on a box (on all variables,
// or on those the objective depends on there), Newton refinement, and the description of a point.
import { SaddleError } from '../core/errors.js';
import { grad, hessian, tensor } from '../core/index.js';
import { solve } from '../linalg/index.js';
import {
  DomainError,
  evaluateInterval,
  evaluateIntervals,
  type Box,
  type Expr,
  type Interval,
  type Objective,
} from '../expr/index.js';
import { classifyStationaryPoint } from './classify.js';
import { krawczyk, type KrawczykVerdict } from './krawczyk.js';
import type { StationaryPoint } from './stationary.js';
import { hypot, maxAbs } from '../linalg/vectors.js';

export const mid = (x: Interval): number => x.lo + (x.hi - x.lo) / 2;

/** Enclosures of several expressions over X, in one walk (gradient and Hessian entries share most nodes). */
export function evalAll(exprs: readonly Expr[], variables: readonly string[], X: Box): Interval[] {
  return evaluateIntervals(exprs, variables, X);
}

/** An enclosure of the objective (negated when maximising) over X; null where it is undefined somewhere. */
export function valueEnclosure(objective: Objective, X: Box): Interval | null {
  try {
    const v = evaluateInterval(objective.expr, objective.variables, X);
    return objective.maximize ? { lo: -v.hi, hi: -v.lo } : v;
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
}

/** Newton's method on the gradient from x, kept inside the box; returns the refined point. */
export function newton(objective: Objective, x0: number[], box: Box): number[] {
  let x = x0;
  for (let it = 0; it < 30; it++) {
    const t = tensor(x);
    const g = grad(objective.at)(t);
    let step: number[];
    try {
      step = Array.from(solve(hessian(objective.at)(t), g).data);
    } catch {
      return x;
    }
    if (!step.every(Number.isFinite)) return x;
    const next = x.map((v, i) => Math.min(box[i].hi, Math.max(box[i].lo, v - step[i])));
    const moved = maxAbs(next.map((v, i) => v - x[i]));
    x = next;
    if (!(moved > 1e-16 * Math.max(1, maxAbs(x)))) break;
  }
  return x;
}

export function describe(
  objective: Objective,
  x: number[],
  certified: boolean,
  enclosure: Interval[],
  uncertainty: number,
): StationaryPoint {
  const t = tensor(x);
  const g = Array.from(grad(objective.at)(t).data);
  const c = classifyStationaryPoint(objective, x, uncertainty);
  return {
    point: Object.fromEntries(objective.variables.map((v, i) => [v, x[i]])),
    coordinates: x,
    value: objective.at(t).item(),
    gradientNorm: hypot(g),
    eigenvalues: c.eigenvalues,
    kind: c.kind,
    test: c.test,
    certified,
    enclosure,
  };
}

/**
 * Krawczyk's verdict on X for the equations g_i = 0, i in `free`, in the variables `free`; the other
 * variables are parameters ranging over their whole side of X. Parametric interval Newton (Neumaier
 * 1990, §5.1): K ⊂ int X_free proves, for every value of the parameters, exactly one zero in X_free.
 * Null where the test cannot be applied (a singular midpoint Hessian, a domain problem).
 */
export function tryKrawczyk(
  gradE: readonly Expr[],
  H: Interval[][],
  vars: readonly string[],
  X: Box,
  free: readonly number[],
): KrawczykVerdict | null {
  const k = free.length;
  const Xf = free.map((i) => X[i]);
  const m = Xf.map(mid);
  const atMid = X.map((x, i) => {
    const f = free.indexOf(i);
    return f >= 0 ? { lo: m[f], hi: m[f] } : x;
  });
  try {
    const Hm = tensor(free.map((i) => free.map((j) => mid(H[i][j]))));
    const identity = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
    const Y = solve(Hm, tensor(identity)).data;
    if (!Y.every(Number.isFinite)) return null;
    const gMid = evalAll(
      free.map((i) => gradE[i]),
      vars,
      atMid,
    );
    return krawczyk(
      Xf,
      m,
      gMid,
      free.map((i) => free.map((j) => H[i][j])),
      Y,
    );
  } catch (err) {
    if (err instanceof SaddleError) return null;
    throw err;
  }
}
