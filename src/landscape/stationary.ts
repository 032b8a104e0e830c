// Every stationary point of an objective in a box, found and certified by interval Newton
// (Krawczyk) with bisection over rigorous interval enclosures of the gradient and Hessian (symbolic
// derivatives of the AST evaluated in interval arithmetic). Boxes whose gradient enclosure excludes
// zero are proved free of stationary points; a box where K(X) ⊂ int X holds exactly one, which Newton
// then refines. A degenerate point (singular Hessian) cannot be isolated this way: boxes around it
// shrink to `minWidth` and are reported, with a candidate point, as not certified. Where the
// stationary points are not isolated (a flat region, a curve) the boxes are reported as one region
// with what is known of it. The work is bounded by `maxBoxes`; what is left undecided is reported.
import { SaddleError } from '../core/errors.js';
import {
  DomainError,
  ExprBuilder,
  gradientExprs,
  hessianExprs,
  type Box,
  type Expr,
  type Interval,
  type Objective,
} from '../expr/index.js';
import type { Kind } from './classify.js';
import { describe, evalAll, mid, newton, tryKrawczyk } from './certify.js';
import { connectedComponents, hull, RegionBuilder, type UnresolvedRegion } from './regions.js';
import { maxOf } from '../linalg/vectors.js';

export type { RegionKind, UnresolvedRegion } from './regions.js';

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

export interface StationaryResult {
  points: StationaryPoint[];
  /** True when every part of the box is proved free of stationary points except the certified ones. */
  complete: boolean;
  unresolved: UnresolvedRegion[];
  /**
   * Parts of the box proved free of stationary points where f's enclosure is unbounded (a pole, or
   * overflow): not a gap in the list of points, but an extremum of f may lie there (1/x near 0).
   */
  unbounded: UnresolvedRegion[];
  boxesExamined: number;
}

export interface StationaryOptions {
  /** Boxes narrower than this (relative to the box) are no longer bisected. Default 1e-9. */
  minWidth?: number;
  /** At most this many boxes are examined (the work budget: counted, so the answer is deterministic). */
  maxBoxes?: number;
}

export const DEFAULT_MAX_BOXES = 20_000;
/** A cluster of unresolved boxes wider than this many minimum widths is a set, not a point. */
const POINT_CLUSTER_WIDTHS = 64;
/** A gradient enclosure within ±this is treated as zero: no interval method can separate it from zero. */
const NEGLIGIBLE_GRADIENT = 1e-300;
/** At most this many degenerate candidates are refined and classified (each costs high-order derivatives). */
const MAX_DEGENERATE = 64;

/** Splits the widest of the `along` sides slightly off-centre, so that 'round' roots rarely land on a cut. */
function bisect(X: Box, along: readonly number[]): [Interval[], Interval[]] {
  const i = along.reduce((best, j) => (X[j].hi - X[j].lo > X[best].hi - X[best].lo ? j : best), along[0]);
  const m = X[i].lo + 0.4990234375 * (X[i].hi - X[i].lo);
  const left = X.map((x, j) => (j === i ? { lo: x.lo, hi: m } : x));
  const right = X.map((x, j) => (j === i ? { lo: m, hi: x.hi } : x));
  return [left, right];
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

function hessianEnclosure(flatH: readonly Expr[], vars: readonly string[], X: Box): Interval[][] {
  const n = X.length;
  const Hflat = evalAll(flatH, vars, X);
  return Array.from({ length: n }, (_, i) => Hflat.slice(i * n, (i + 1) * n));
}

/** A box the search could not settle, with what is known of it. */
interface Leftover {
  box: Interval[];
  /** Variables the objective does not depend on in this box (its partial derivative is exactly 0). */
  independent: number[];
}

/** All stationary points of the objective in the box (one interval per variable, in objective.variables order). */
export function stationaryPoints(
  objective: Objective,
  box: readonly Interval[],
  options: StationaryOptions = {},
): StationaryResult {
  const vars = objective.variables;
  const n = vars.length;
  if (box.length !== n) {
    throw new SaddleError(`stationaryPoints: the box has ${box.length} ranges but the objective has ${n} variables`);
  }
  if (n === 0) return { points: [], complete: true, unresolved: [], unbounded: [], boxesExamined: 0 };
  const maxBoxes = options.maxBoxes ?? DEFAULT_MAX_BOXES;
  const minWidth =
    (options.minWidth ?? 1e-9) *
    maxOf(
      box.map((x) => x.hi - x.lo),
      1,
    );
  // One builder: the Hessian's entries are built on the gradient's nodes, not on a second copy of them.
  const builder = new ExprBuilder();
  const gradE = gradientExprs(objective.expr, vars, builder);
  const flatH = hessianExprs(objective.expr, vars, builder).flat();

  const certifiedBoxes: Interval[][] = [];
  const small: Leftover[] = [];
  const flat: Leftover[] = [];
  const curves: Leftover[] = [];
  const undefinedBoxes: { box: Interval[]; reason: string }[] = [];
  const unboundedBoxes: Interval[][] = [];
  // Breadth first (a queue): the budget is spent evenly, so a continuum of stationary points uses it
  // up at one resolution along its whole length instead of exhausting it at one end.
  const work: Interval[][] = [[...box]];
  let head = 0;
  let examined = 0;
  while (head < work.length && examined < maxBoxes) {
    examined++;
    const X = work[head++];
    let G: Interval[];
    let H: Interval[][];
    try {
      // The objective's own domain (its derivatives may hide it), in the same walk as its gradient.
      const [F, ...rest] = evalAll([objective.expr, ...gradE], vars, X);
      G = rest;
      if (G.some((g) => g.lo > 0 || g.hi < 0)) {
        // No stationary point in X; but where f is not bounded on X its extremum may be in X all the same.
        // Unbounded both ways (1/x around 0) is cut down to where the pole is; one way (1/x^2, or exp past
        // overflow, which stays so at any width) is kept whole.
        const wide = X.some((x) => x.hi - x.lo >= minWidth);
        if (F.lo === -Infinity && F.hi === Infinity && wide) for (const b of bisect(X, all(n))) work.push(b);
        else if (!(Number.isFinite(F.lo) && Number.isFinite(F.hi))) unboundedBoxes.push(X);
        continue;
      }
      H = hessianEnclosure(flatH, vars, X);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // Undefined on all of X: no stationary point can be there, and bisecting would not help.
      const tooSmall = X.every((x) => x.hi - x.lo < minWidth);
      if (err.everywhere || tooSmall) undefinedBoxes.push({ box: X, reason: err.message });
      else for (const b of bisect(X, all(n))) work.push(b);
      continue;
    }
    // ∂f/∂x_j enclosed by exactly [0, 0]: f does not depend on x_j in X, so cutting along x_j is useless.
    const independent = all(n).filter((j) => G[j].lo === 0 && G[j].hi === 0);
    const free = all(n).filter((j) => !independent.includes(j));
    // Exact zeros of sums come out as [-ulp, ulp] (outward rounding), and exp underflows: a gradient
    // proved this small can neither be excluded nor certified, so cutting further is useless.
    if (free.every((j) => Math.max(-G[j].lo, G[j].hi) <= NEGLIGIBLE_GRADIENT)) {
      flat.push({ box: X, independent });
      continue;
    }
    const verdict = tryKrawczyk(gradE, H, vars, X, free);
    if (verdict?.verdict === 'none') continue;
    const embed = (C: Interval[]) => X.map((x, i) => (free.includes(i) ? C[free.indexOf(i)] : x));
    if (verdict?.verdict === 'unique') {
      if (independent.length === 0) certifiedBoxes.push(verdict.contracted);
      else curves.push({ box: embed(verdict.contracted), independent });
      continue;
    }
    if (free.every((i) => X[i].hi - X[i].lo < minWidth)) {
      small.push({ box: X, independent });
      continue;
    }
    const C = verdict ? embed(verdict.contracted) : null;
    const shrunk = C && free.every((i) => C[i].hi - C[i].lo <= 0.5 * (X[i].hi - X[i].lo)) ? C : null;
    if (shrunk) work.push(shrunk);
    else for (const b of bisect(C ?? X, free)) work.push(b);
  }
  const left = work.slice(head);
  const regions = new RegionBuilder(objective);

  const points: StationaryPoint[] = [];
  // One root found from two boxes (it lies on their shared face): each enclosure holds exactly one
  // root, so a point inside another's enclosure (to Newton's last few ulps) is that root. A relative
  // distance would merge distinct roots far from the origin (1e-9 of 1e12 is 1000).
  const inside = (x: readonly number[], B: readonly Interval[]) =>
    x.every((v, i) => {
      const slack = 8 * Number.EPSILON * Math.abs(v) + Number.MIN_VALUE;
      return B[i].lo - slack <= v && v <= B[i].hi + slack;
    });
  const same = (p: StationaryPoint, x: number[], B: readonly Interval[]) =>
    inside(x, p.enclosure) || inside(p.coordinates, B);
  for (const B of certifiedBoxes) {
    const x = newton(objective, B.map(mid), B);
    if (points.some((p) => same(p, x, B))) continue;
    points.push(describe(objective, x, true, B, 0));
  }
  let degenerate = 0;
  for (const group of connectedComponents(small.map((s) => s.box)).map((g) => g.map((i) => small[i]))) {
    const boxes = group.map((s) => s.box);
    const h = hull(boxes);
    const pointLike = h.every((c) => c.hi - c.lo <= POINT_CLUSTER_WIDTHS * minWidth);
    const dependsOnAll = group.every((s) => s.independent.length === 0);
    if (!pointLike || !dependsOnAll) {
      const along = [...new Set(group.flatMap((s) => s.independent))].map((j) => vars[j]);
      regions.add(
        boxes,
        'continuum',
        `${boxes.length} boxes narrower than ${minWidth} could not be resolved: a ` +
          'curve or surface of stationary points (non-isolated), or points closer together than that' +
          (along.length ? `; f does not depend on ${along.join(', ')} there` : ''),
      );
      continue;
    }
    if (++degenerate > MAX_DEGENERATE) {
      regions.add(boxes, 'unlocated', `not refined: more than ${MAX_DEGENERATE} degenerate candidates`);
      continue;
    }
    const resolved = resolveCluster(objective, gradE, flatH, h);
    if (resolved.certified) {
      const { coordinates, enclosure } = resolved.point;
      if (!points.some((p) => same(p, coordinates, enclosure))) points.push(resolved.point);
      continue;
    }
    if (!resolved.located) {
      regions.add(
        boxes,
        'unlocated',
        'no stationary point could be located here (the function may be singular ' + 'or non-smooth: a kink or a pole)',
      );
      continue;
    }
    points.push(resolved.point);
    regions.add(
      boxes,
      'degenerate',
      'a degenerate stationary point (singular Hessian): interval Newton cannot ' + 'prove it unique here',
    );
  }
  for (const group of connectedComponents(flat.map((s) => s.box)).map((g) => g.map((i) => flat[i]))) {
    const exact = group.every((s) => s.independent.length === n);
    regions.add(
      group.map((s) => s.box),
      'flat',
      exact
        ? 'the gradient is identically zero here: every point is stationary (f is constant on this region)'
        : `the gradient is proved at most ${NEGLIGIBLE_GRADIENT} in size here: numerically zero (f is flat to ` +
            'double precision; every point is stationary or nearly so)',
    );
  }
  for (const group of connectedComponents(curves.map((s) => s.box)).map((g) => g.map((i) => curves[i]))) {
    const along = [...new Set(group.flatMap((s) => s.independent))].map((j) => vars[j]);
    const others = vars.filter((v) => !along.includes(v));
    regions.add(
      group.map((s) => s.box),
      'continuum',
      `a continuum of stationary points: f does not depend on ` +
        `${along.join(', ')} here, and for each value of ${along.length > 1 ? 'them' : 'it'} there is exactly one ` +
        `stationary point in ${others.join(', ')} (proved)`,
    );
  }
  if (left.length > 0) {
    for (const group of connectedComponents(left)) {
      regions.add(
        group.map((i) => left[i]),
        'limit',
        `not examined: the limit of ${maxBoxes} boxes (the work ` +
          'budget) was reached; a continuum of stationary points, or more than it can resolve',
      );
    }
  }
  // Report where the function is undefined as few regions: touching boxes with one reason, merged.
  for (const reason of new Set(undefinedBoxes.map((u) => u.reason))) {
    const boxes = undefinedBoxes.filter((u) => u.reason === reason).map((u) => u.box);
    for (const group of connectedComponents(boxes))
      regions.add(
        group.map((i) => boxes[i]),
        'undefined',
        reason,
      );
  }
  const unbounded = new RegionBuilder(objective);
  for (const group of connectedComponents(unboundedBoxes)) {
    unbounded.add(
      group.map((i) => unboundedBoxes[i]),
      'unlocated',
      'f is not bounded here (a pole, or a value past the largest double), though no stationary point is',
    );
  }
  points.sort((a, b) => {
    for (let i = 0; i < n; i++) if (a.coordinates[i] !== b.coordinates[i]) return a.coordinates[i] - b.coordinates[i];
    return 0;
  });
  const unresolved = regions.list;
  return { points, complete: unresolved.length === 0, unresolved, unbounded: unbounded.list, boxesExamined: examined };
}

/**
 * A cluster of tiny boxes around one candidate. A simple root on a cut between boxes is never inside
 * one of them: try again on a box around the Newton point that covers the whole cluster
 * (epsilon-inflation, Rump 1983). Success proves exactly one stationary point in it, and the
 * cluster lies inside it, so nothing is left open.
 */
function resolveCluster(
  objective: Objective,
  gradE: readonly Expr[],
  flatH: readonly Expr[],
  h: Interval[],
): { certified: boolean; located: boolean; point: StationaryPoint } {
  const vars = objective.variables;
  const x = newton(objective, h.map(mid), h);
  const inflated = x.map((v, i) => {
    const r = Math.max(v - h[i].lo, h[i].hi - v) * 1.5 + 1e-12 * Math.max(1, Math.abs(v));
    return { lo: v - r, hi: v + r };
  });
  let certified = false;
  try {
    const H = hessianEnclosure(flatH, vars, inflated);
    certified = tryKrawczyk(gradE, H, vars, inflated, all(vars.length))?.verdict === 'unique';
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
  if (certified) return { certified, located: true, point: describe(objective, x, true, inflated, 0) };
  const uncertainty = maxOf(h.map((c) => c.hi - c.lo));
  const candidate = describe(objective, x, false, h, uncertainty);
  const scale = Math.max(1, Math.abs(candidate.value));
  const finite = [candidate.value, candidate.gradientNorm, ...candidate.eigenvalues].every(Number.isFinite);
  return { certified, located: finite && candidate.gradientNorm <= 1e-6 * scale, point: candidate };
}
