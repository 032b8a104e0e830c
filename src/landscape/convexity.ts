// Convexity of an objective on a box. Proved: on every sub-box of a cover, the interval Hessian's
// rows pass Gershgorin's test (h_ii ≥ Σ_{j≠i} |h_ij| for every matrix in the enclosure), so every
// Hessian in the box is positive semidefinite. Disproved: a point whose Hessian has a negative
// eigenvalue (the witness). Otherwise, within the work bound: undecided, and why.
import { tensor } from '../core/index.js';
import { eigvalsh } from '../linalg/index.js';
import {
  DomainError,
  evaluateInterval,
  evaluateIntervals,
  hessianExprs,
  type Interval,
  type Objective,
} from '../expr/index.js';
import { maxAbs } from '../linalg/vectors.js';

export type Convexity =
  | { verdict: 'convex' }
  | { verdict: 'not convex'; witness: { point: Record<string, number>; eigenvalue: number } }
  | { verdict: 'undecided'; reason: string };

export function convexity(
  objective: Objective,
  box: readonly Interval[],
  options: { maxBoxes?: number } = {},
): Convexity {
  const vars = objective.variables;
  const n = vars.length;
  if (n === 0) return { verdict: 'convex' };
  const flat = hessianExprs(objective.expr, vars).flat();
  const maxBoxes = options.maxBoxes ?? 4096;
  const work: Interval[][] = [[...box]];
  let head = 0;
  let examined = 0;
  while (head < work.length) {
    if (examined++ >= maxBoxes) return { verdict: 'undecided', reason: `no proof or witness within ${maxBoxes} boxes` };
    const X = work[head++]; // breadth first: coarse witnesses are found early
    let enclosure: Interval[];
    try {
      // Of the objective itself: the negated expression when maximising.
      enclosure = evaluateIntervals(flat, vars, X).map((h) => (objective.maximize ? { lo: -h.hi, hi: -h.lo } : h));
      evaluateInterval(objective.expr, vars, X); // the objective's own domain
    } catch (err) {
      if (err instanceof DomainError) return { verdict: 'undecided', reason: err.message };
      throw err;
    }
    const m = X.map((x) => x.lo + (x.hi - x.lo) / 2);
    // The Hessian at the midpoint from the same expressions, at a point interval: far cheaper than
    // nested autodiff per box, and as exact (its enclosures are a few ulps wide).
    const atM = m.map((v) => ({ lo: v, hi: v }));
    let Hm: number[][] | null = null;
    try {
      const flatM = evaluateIntervals(flat, vars, atM);
      const sign = objective.maximize ? -1 : 1;
      const entries = flatM.map((h) => sign * (h.lo + (h.hi - h.lo) / 2));
      if (entries.every(Number.isFinite)) Hm = vars.map((_, i) => entries.slice(i * n, (i + 1) * n));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
    if (Hm) {
      const H = eigvalsh(tensor(Hm));
      const lowest = H.data[0];
      const scale = Math.max(1, maxAbs(H.data));
      if (lowest < -1e-12 * scale) {
        return {
          verdict: 'not convex',
          witness: { point: Object.fromEntries(vars.map((v, i) => [v, m[i]])), eigenvalue: lowest },
        };
      }
    }
    let proved = true;
    for (let i = 0; i < n && proved; i++) {
      let off = 0;
      for (let j = 0; j < n; j++)
        if (j !== i) off += Math.max(Math.abs(enclosure[i * n + j].lo), Math.abs(enclosure[i * n + j].hi));
      if (!(enclosure[i * n + i].lo - off >= 0)) proved = false;
    }
    if (proved) continue;
    const k = X.reduce((b, x, i) => (x.hi - x.lo > X[b].hi - X[b].lo ? i : b), 0);
    const c = X[k].lo + (X[k].hi - X[k].lo) / 2;
    work.push(
      X.map((x, i) => (i === k ? { lo: x.lo, hi: c } : x)),
      X.map((x, i) => (i === k ? { lo: c, hi: x.hi } : x)),
    );
  }
  return { verdict: 'convex' };
}
