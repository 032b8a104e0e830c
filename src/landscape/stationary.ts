// Every stationary point of an objective in a box, found and certified by interval Newton
// (Krawczyk) with bisection over rigorous interval enclosures of the gradient and Hessian (symbolic
// derivatives of the AST evaluated in interval arithmetic). Boxes whose gradient enclosure excludes
// zero are proved free of stationary points; a box where K(X) ⊂ int X holds exactly one, which Newton
// then refines. A degenerate point (singular Hessian) cannot be isolated this way: boxes around it
// shrink to `minWidth` and are reported, with a candidate point, as not certified. The work is
// bounded by `maxBoxes`; what is left undecided is reported, never looped on.
import { SaddleError } from '../core/errors.js';
import { grad, hessian, tensor } from '../core/index.js';
import { solve } from '../linalg/index.js';
import {
  DomainError, evaluateInterval, gradientExprs, hessianExprs, type Box, type Expr, type Interval, type Objective,
} from '../expr/index.js';
import { classifyStationaryPoint, type Kind } from './classify.js';
import { krawczyk } from './krawczyk.js';

export interface StationaryPoint {
  point: Record<string, number>;
  coordinates: number[];
  value: number;
  gradientNorm: number;
  /** Hessian eigenvalues, ascending. */
  eigenvalues: number[];
  kind: Kind;
  /** How the kind was decided: by the eigenvalues, by higher derivatives, or not at all. */
  test: 'second-order' | 'higher-order' | 'undecided';
  /** Proved to be the only stationary point in `enclosure` (false for degenerate points). */
  certified: boolean;
  /** A box containing the point (certified) or the region it was located in (not certified). */
  enclosure: Interval[];
}

export interface UnresolvedRegion {
  box: Interval[];
  /** degenerate: a stationary point that cannot be certified; undefined: the function is undefined
   *  there; limit: not examined within maxBoxes; unlocated: no stationary point could be located. */
  kind: 'degenerate' | 'undefined' | 'limit' | 'unlocated';
  reason: string;
}

export interface StationaryResult {
  points: StationaryPoint[];
  /** True when every part of the box is proved free of stationary points except the certified ones. */
  complete: boolean;
  unresolved: UnresolvedRegion[];
  boxesExamined: number;
}

export interface StationaryOptions {
  /** Boxes narrower than this (relative to the box) are no longer bisected. Default 1e-9. */
  minWidth?: number;
  /** At most this many boxes are examined. Default 200 000. */
  maxBoxes?: number;
}

const widest = (X: Box) => X.reduce((best, x, i) => (x.hi - x.lo > X[best].hi - X[best].lo ? i : best), 0);
const mid = (x: Interval) => x.lo + (x.hi - x.lo) / 2;

/** Splits the widest side slightly off-centre, so that 'round' roots rarely land on a cut. */
function bisect(X: Box): [Interval[], Interval[]] {
  const i = widest(X);
  const m = X[i].lo + 0.4990234375 * (X[i].hi - X[i].lo);
  const left = X.map((x, j) => (j === i ? { lo: x.lo, hi: m } : x));
  const right = X.map((x, j) => (j === i ? { lo: m, hi: x.hi } : x));
  return [left, right];
}

function evalAll(exprs: readonly Expr[], variables: readonly string[], X: Box): Interval[] {
  return exprs.map((e) => evaluateInterval(e, variables, X));
}

/** Newton's method on the gradient from x, kept inside the box; returns the refined point. */
function newton(objective: Objective, x0: number[], box: Box): number[] {
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
    const next = x.map((v, i) => Math.min(box[i].hi, Math.max(box[i].lo, v - step[i])));
    const moved = Math.max(...next.map((v, i) => Math.abs(v - x[i])));
    x = next;
    if (!(moved > 1e-16 * Math.max(1, ...x.map(Math.abs)))) break;
  }
  return x;
}

/** Merges touching or overlapping boxes into clusters (hull of each). */
function clusters(boxes: Interval[][]): Interval[][][] {
  const groups: Interval[][][] = [];
  const touches = (a: Box, b: Box) => a.every((x, i) => x.lo <= b[i].hi && b[i].lo <= x.hi);
  for (const box of boxes) {
    const joined = groups.filter((g) => g.some((b) => touches(b, box)));
    const merged = [box, ...joined.flat()];
    for (const g of joined) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups;
}

function hull(boxes: readonly Box[]): Interval[] {
  return boxes[0].map((_, i) => ({ lo: Math.min(...boxes.map((b) => b[i].lo)), hi: Math.max(...boxes.map((b) => b[i].hi)) }));
}

function describe(objective: Objective, x: number[], certified: boolean, enclosure: Interval[], uncertainty: number): StationaryPoint {
  const t = tensor(x);
  const g = Array.from(grad(objective.at)(t).data);
  const c = classifyStationaryPoint(objective, x, uncertainty);
  return {
    point: Object.fromEntries(objective.variables.map((v, i) => [v, x[i]])),
    coordinates: x,
    value: objective.at(t).item(),
    gradientNorm: Math.hypot(...g),
    eigenvalues: c.eigenvalues,
    kind: c.kind,
    test: c.test,
    certified,
    enclosure,
  };
}

/** Krawczyk's verdict on X, or null where it cannot be applied (singular midpoint Hessian). */
function tryKrawczyk(gradE: readonly Expr[], H: Interval[][], vars: readonly string[], X: Box): ReturnType<typeof krawczyk> | null {
  const n = X.length;
  const m = X.map(mid);
  try {
    const Hm = tensor(H.map((row) => row.map(mid)));
    const Y = solve(Hm, tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))))).data;
    if (!Y.every(Number.isFinite)) return null;
    return krawczyk(X, m, evalAll(gradE, vars, m.map((v) => ({ lo: v, hi: v }))), H, Y);
  } catch (err) {
    if (err instanceof SaddleError) return null; // a singular midpoint Hessian, or a domain problem
    throw err;
  }
}

function hessianEnclosure(flatH: readonly Expr[], vars: readonly string[], X: Box): Interval[][] {
  const n = X.length;
  const Hflat = evalAll(flatH, vars, X);
  return Array.from({ length: n }, (_, i) => Hflat.slice(i * n, (i + 1) * n));
}

/** All stationary points of the objective in the box (one interval per variable, in objective.variables order). */
export function stationaryPoints(objective: Objective, box: readonly Interval[], options: StationaryOptions = {}): StationaryResult {
  const vars = objective.variables;
  const n = vars.length;
  if (box.length !== n) throw new SaddleError(`stationaryPoints: the box has ${box.length} ranges but the objective has ${n} variables`);
  if (n === 0) return { points: [], complete: true, unresolved: [], boxesExamined: 0 };
  const maxBoxes = options.maxBoxes ?? 200_000;
  const minWidth = (options.minWidth ?? 1e-9) * Math.max(1, ...box.map((x) => x.hi - x.lo));
  const gradE = gradientExprs(objective.expr, vars);
  const hessE = hessianExprs(objective.expr, vars);
  const flatH = hessE.flat();

  const certifiedBoxes: Interval[][] = [];
  const small: Interval[][] = [];
  const unresolved: UnresolvedRegion[] = [];
  const undefinedBoxes: UnresolvedRegion[] = [];
  const work: Interval[][] = [[...box]];
  let examined = 0;
  while (work.length > 0) {
    if (examined >= maxBoxes) {
      unresolved.push(...work.map((b) => ({ box: b, kind: 'limit' as const, reason: `not examined: the limit of ${maxBoxes} boxes was reached` })));
      break;
    }
    examined++;
    const X = work.pop() as Interval[];
    const tooSmall = X[widest(X)].hi - X[widest(X)].lo < minWidth;
    let G: Interval[];
    let Hflat: Interval[];
    try {
      evaluateInterval(objective.expr, vars, X); // the objective's own domain (its derivatives may hide it)
      G = evalAll(gradE, vars, X);
      if (G.some((g) => g.lo > 0 || g.hi < 0)) continue; // no stationary point in X
      Hflat = evalAll(flatH, vars, X);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // Undefined on all of X: no stationary point can be there, and bisecting would not help.
      if (err.everywhere || tooSmall) undefinedBoxes.push({ box: X, kind: 'undefined', reason: err.message });
      else work.push(...bisect(X));
      continue;
    }
    const H = Array.from({ length: n }, (_, i) => Hflat.slice(i * n, (i + 1) * n));
    const verdict = tryKrawczyk(gradE, H, vars, X);
    if (verdict?.verdict === 'none') continue;
    if (verdict?.verdict === 'unique') {
      certifiedBoxes.push(verdict.contracted);
      continue;
    }
    if (tooSmall) {
      small.push(X);
      continue;
    }
    const C = verdict?.contracted;
    const shrunk = C && C.every((c, i) => c.hi - c.lo <= 0.5 * (X[i].hi - X[i].lo)) ? C : null;
    if (shrunk) work.push(shrunk);
    else work.push(...bisect(C ?? X));
  }

  const points: StationaryPoint[] = [];
  const same = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.max(1, Math.abs(v)));
  for (const B of certifiedBoxes) {
    const x = newton(objective, B.map(mid), B);
    if (points.some((p) => same(p.coordinates, x))) continue; // a root on a face shared by two boxes
    points.push(describe(objective, x, true, B, 0));
  }
  for (const group of clusters(small)) {
    const h = hull(group);
    const x = newton(objective, h.map(mid), h);
    // A simple root on a cut between boxes is never inside one of them: try again on a box around
    // the Newton point that covers the whole cluster (epsilon-inflation, Rump 1983). Success proves
    // exactly one stationary point in it, and the cluster lies inside it, so nothing is left open.
    const inflated = x.map((v, i) => {
      const r = Math.max(v - h[i].lo, h[i].hi - v) * 1.5 + 1e-12 * Math.max(1, Math.abs(v));
      return { lo: v - r, hi: v + r };
    });
    let certified = false;
    try {
      certified = tryKrawczyk(gradE, hessianEnclosure(flatH, vars, inflated), vars, inflated)?.verdict === 'unique';
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
    if (certified) {
      if (!points.some((p) => same(p.coordinates, x))) points.push(describe(objective, x, true, inflated, 0));
      continue;
    }
    const uncertainty = Math.max(...h.map((c) => c.hi - c.lo));
    const candidate = describe(objective, x, false, h, uncertainty);
    const scale = Math.max(1, Math.abs(candidate.value));
    if (!Number.isFinite(candidate.value) || !(candidate.gradientNorm <= 1e-6 * scale)) {
      unresolved.push({ box: h, kind: 'unlocated', reason: 'no stationary point could be located here (the function may be singular or non-smooth)' });
      continue;
    }
    points.push(candidate);
    unresolved.push({ box: h, kind: 'degenerate', reason: 'a degenerate stationary point (singular Hessian): interval Newton cannot prove it unique here' });
  }
  // Report where the function is undefined as few regions: touching boxes with one reason, merged.
  for (const reason of new Set(undefinedBoxes.map((u) => u.reason))) {
    for (const group of clusters(undefinedBoxes.filter((u) => u.reason === reason).map((u) => u.box))) {
      unresolved.push({ box: hull(group), kind: 'undefined', reason });
    }
  }
  points.sort((a, b) => {
    for (let i = 0; i < n; i++) if (a.coordinates[i] !== b.coordinates[i]) return a.coordinates[i] - b.coordinates[i];
    return 0;
  });
  return { points, complete: unresolved.length === 0, unresolved, boxesExamined: examined };
}
