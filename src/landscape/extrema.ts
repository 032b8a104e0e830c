// The global minimum and maximum of an objective over a closed box, boundary included. A global
// extremum lies in the relative interior of exactly one face of the box (the interior being the
// box's own n-dimensional face, a corner a 0-dimensional one), where it is a stationary point of the
// restricted function, or a point the search of that face could not resolve (a kink, a pole, a
// continuum). So every face is visited once (3ⁿ faces, as vectors in {lower, free, upper}ⁿ): its
// stationary points and the sampled points of its unresolved regions are candidates, and the
// interval enclosure of f over each unresolved region (or over a face skipped because its enclosure
// cannot beat the best candidates) bounds what was not found. An extremum is certified only when
// that rigorous bound is within EXTREMUM_TOLERANCE of the candidate's value.
import { SaddleError } from '../core/errors.js';
import { tensor } from '../core/index.js';
import { compile, substitute, type Expr, type Interval, type Objective } from '../expr/index.js';
import { valueEnclosure } from './certify.js';
import { DEFAULT_MAX_BOXES, stationaryPoints, type StationaryOptions, type StationaryResult } from './stationary.js';

export interface Extremum {
  point: Record<string, number>;
  coordinates: number[];
  value: number;
  /** On the boundary of the box (not an interior stationary point). */
  onBoundary: boolean;
  /** Proved: f ≥ bound on the whole box (minimum), f ≤ bound (maximum); absent when no finite bound is proved. */
  bound?: number;
  /** The bound is within EXTREMUM_TOLERANCE of the value: nothing in the box beats it by more. */
  certified: boolean;
  /** Why it is not certified. */
  reason?: string;
}

export interface GlobalExtrema {
  minimum: Extremum;
  maximum: Extremum;
  /** Both are certified. */
  certified: boolean;
  /** Faces of the box (3^(number of non-degenerate sides)), how many were searched, how many skipped by bounds. */
  faces: { total: number; searched: number; bounded: number };
  boxesExamined: number;
}

export interface ExtremaOptions extends StationaryOptions {
  /** The work budget over all faces: boxes examined, each face visited counting at least one. Default 100 000. */
  maxWork?: number;
}

/** Relative to max(1, |value|). */
export const EXTREMUM_TOLERANCE = 1e-9;
const tolerance = (v: number) => EXTREMUM_TOLERANCE * Math.max(1, Math.abs(v));

interface Candidate {
  coordinates: number[];
  value: number;
  onBoundary: boolean;
}

/**
 * The faces of the box as vectors of fixed values (null: the side is free): corners first (cheap, and
 * often the maximum), then the interior, then by increasing dimension. A degenerate side (lo = hi)
 * is always fixed.
 */
function* faces(box: readonly Interval[]): Generator<(number | null)[]> {
  const open = box.map((x, i) => (x.lo < x.hi ? i : -1)).filter((i) => i >= 0);
  const m = open.length;
  const order = [0, ...(m > 0 ? [m] : []), ...Array.from({ length: Math.max(0, m - 1) }, (_, d) => d + 1)];
  for (const d of order) {
    const choice = Array.from({ length: d }, (_, k) => k); // indices into `open` of the free sides
    for (;;) {
      const fixed = open.filter((_, k) => !choice.includes(k));
      for (let bits = 0; bits < 2 ** fixed.length; bits++) {
        const face: (number | null)[] = box.map((x) => x.lo);
        for (const k of choice) face[open[k]] = null;
        fixed.forEach((i, b) => (face[i] = (bits >> b) & 1 ? box[i].hi : box[i].lo));
        yield face;
      }
      let k = d - 1;
      while (k >= 0 && choice[k] === m - d + k) k--;
      if (k < 0) break;
      choice[k]++;
      for (let j = k + 1; j < d; j++) choice[j] = choice[j - 1] + 1;
    }
  }
}

/** At most this many boxes are spent refining the bound on one unresolved region (a kink, a small set). */
const REFINE_BOXES = 400;

/**
 * Branch and bound on f (sign 1: its minimum; -1: its maximum) over X: the best point found and a
 * rigorous bound on the rest, stopping once nothing left can beat `target` by more than the tolerance.
 * Below the stationary search's resolution a kink is only a point where f is lowest: bounding f
 * itself, not its gradient, locates it to the width at which the enclosure is tight.
 */
function refine(
  objective: Objective,
  X0: readonly Interval[],
  sign: 1 | -1,
  target: number,
  maxBoxes: number,
): { limit: number; best: Candidate | null; boxes: number } {
  const bound = (X: readonly Interval[]) => {
    const e = valueEnclosure(objective, X);
    return e ? (sign === 1 ? e.lo : -e.hi) : -Infinity; // in the orientation where lower is better
  };
  let goal = sign * target;
  let best: Candidate | null = null;
  const open: { X: readonly Interval[]; lo: number }[] = [{ X: X0, lo: bound(X0) }];
  let boxes = 0;
  while (boxes < maxBoxes && open.length > 0) {
    let k = 0;
    open.forEach((o, j) => (o.lo < open[k].lo ? (k = j) : 0));
    if (open[k].lo >= goal - tolerance(goal)) break;
    const [{ X }] = open.splice(k, 1);
    boxes++;
    const m = X.map((x) => x.lo + (x.hi - x.lo) / 2);
    const value = objective.at(tensor(m)).item();
    if (Number.isFinite(value) && sign * value < goal) {
      goal = sign * value;
      best = { coordinates: m, value, onBoundary: false };
    }
    const i = X.reduce((w, x, j) => (x.hi - x.lo > X[w].hi - X[w].lo ? j : w), 0);
    if (!(X[i].hi - X[i].lo > 0) || m[i] <= X[i].lo || m[i] >= X[i].hi) {
      open.push({ X, lo: sign * value }); // a point: its value is exact (as far as doubles go)
      continue;
    }
    for (const half of [
      { lo: X[i].lo, hi: m[i] },
      { lo: m[i], hi: X[i].hi },
    ]) {
      const Y = X.map((x, j) => (j === i ? half : x));
      open.push({ X: Y, lo: bound(Y) });
    }
  }
  const rest = open.reduce((lo, o) => Math.min(lo, o.lo), Infinity);
  return { limit: sign * Math.min(rest, goal), best, boxes };
}

/** Tracks one side (min or max) of the answer: the best candidate and the rigorous bound on the rest. */
class Side {
  best: Candidate | null = null;
  notFinite = '';
  /** The extreme of the bounds on what was not refined (pruned faces, unbounded regions, unsearched faces). */
  private fixed: { limit: number; where: string };
  private readonly regions: { box: readonly Interval[]; limit: number; where: string; onBoundary: boolean }[] = [];
  constructor(private readonly sign: 1 | -1) {
    this.fixed = { limit: sign * Infinity, where: '' };
  }
  /** Whether a beats b for this side. */
  private beats(a: number, b: number): boolean {
    return this.sign === 1 ? a < b : a > b;
  }
  offer(c: Candidate): void {
    if (
      !this.best ||
      this.beats(c.value, this.best.value) ||
      (c.value === this.best.value && this.best.onBoundary && !c.onBoundary)
    ) {
      this.best = c;
    }
  }
  /** f on some set is proved not to go past `limit` (±∞ when nothing finite is proved); a box may be refined. */
  limit(limit: number, where: string, box?: readonly Interval[], onBoundary = false): void {
    if (box && Number.isFinite(limit)) this.regions.push({ box, limit, where, onBoundary });
    else if (this.beats(limit, this.fixed.limit)) this.fixed = { limit, where };
  }
  /** Whether a set with this enclosure bound cannot beat the best candidate by more than the tolerance. */
  cannotBeat(limit: number): boolean {
    return (
      this.best !== null &&
      Number.isFinite(limit) &&
      !this.beats(limit, this.best.value - this.sign * tolerance(this.best.value))
    );
  }
  /** Tightens the bounds of regions that might beat the best candidate; returns the boxes spent. */
  refine(objective: Objective, budget: number): number {
    let spent = 0;
    for (const r of this.regions) {
      if (!this.best || this.cannotBeat(r.limit) || spent >= budget || this.notFinite) continue;
      const t = refine(objective, r.box, this.sign, this.best.value, Math.min(REFINE_BOXES, budget - spent));
      spent += t.boxes;
      if (t.best) this.offer({ ...t.best, onBoundary: r.onBoundary });
      r.limit = t.limit;
    }
    return spent;
  }
  result(variables: readonly string[], name: string): Extremum {
    const c = this.best as Candidate;
    let { limit: bound, where: worst } = this.fixed;
    for (const r of this.regions) if (this.beats(r.limit, bound)) [bound, worst] = [r.limit, r.where];
    if (this.beats(c.value, bound)) bound = c.value;
    const e: Extremum = {
      point: Object.fromEntries(variables.map((v, i) => [v, c.coordinates[i]])),
      coordinates: c.coordinates,
      value: c.value,
      onBoundary: c.onBoundary,
      certified: false,
    };
    if (Number.isFinite(bound) && !this.notFinite) e.bound = bound;
    if (this.notFinite) e.reason = this.notFinite;
    else if (!Number.isFinite(bound)) e.reason = `f has no finite ${name} bound ${worst}`;
    else if (Math.abs(c.value - bound) > tolerance(c.value)) e.reason = `f may reach ${bound} ${worst}`;
    else e.certified = true;
    return e;
  }
}

function describeBox(variables: readonly string[], box: readonly Interval[]): string {
  return variables
    .map((v, i) => (box[i].lo === box[i].hi ? `${v} = ${box[i].lo}` : `${v} ∈ [${box[i].lo}, ${box[i].hi}]`))
    .join(', ');
}

/** The objective restricted to a face, in its free variables. */
function restrict(objective: Objective, face: readonly (number | null)[]): Objective {
  let expr: Expr = objective.expr;
  face.forEach((v, i) => {
    if (v !== null) expr = substitute(expr, objective.variables[i], v);
  });
  const variables = objective.variables.filter((_, i) => face[i] === null);
  return compile(expr, { variables, maximize: objective.maximize });
}

export function globalExtrema(
  objective: Objective,
  box: readonly Interval[],
  options: ExtremaOptions = {},
  interior?: StationaryResult,
): GlobalExtrema {
  const vars = objective.variables;
  const n = vars.length;
  if (box.length !== n)
    throw new SaddleError(`globalExtrema: the box has ${box.length} ranges but the objective has ${n} variables`);
  const maxWork = options.maxWork ?? 100_000;
  const perSearch = options.maxBoxes ?? DEFAULT_MAX_BOXES;
  const low = new Side(1);
  const high = new Side(-1);
  const open = box.filter((x) => x.lo < x.hi).length;
  const total = 3 ** open;
  let work = 0;
  let visited = 0;
  let searched = 0;
  let bounded = 0;
  const offer = (c: Candidate) => {
    if (Number.isFinite(c.value)) {
      low.offer(c);
      high.offer(c);
      return;
    }
    const where = `f is ${c.value} at ${describeBox(
      vars,
      c.coordinates.map((v) => ({ lo: v, hi: v })),
    )}`;
    const what = Number.isNaN(c.value) ? 'undefined there' : 'overflows there: its value exceeds the largest double';
    if (!(c.value === Infinity) && !low.notFinite) low.notFinite = `${where} (${what})`;
    if (!(c.value === -Infinity) && !high.notFinite) high.notFinite = `${where} (${what})`;
  };
  const limitBy = (
    X: readonly Interval[],
    enclosure: [number, number] | undefined,
    why: string,
    onBoundary: boolean,
  ) => {
    const where = `${why} (${describeBox(vars, X)})`;
    low.limit(enclosure ? enclosure[0] : -Infinity, where, X, onBoundary);
    high.limit(enclosure ? enclosure[1] : Infinity, where, X, onBoundary);
  };
  for (const face of faces(box)) {
    if (work >= maxWork) {
      const e = valueEnclosure(objective, box);
      const ranOut = `the work budget of ${maxWork} boxes ran out after ${visited} of ${total} faces`;
      const where = `on the faces not searched: ${ranOut}`;
      low.limit(e && Number.isFinite(e.lo) ? e.lo : -Infinity, where);
      high.limit(e && Number.isFinite(e.hi) ? e.hi : Infinity, where);
      break;
    }
    visited++;
    const free = face.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0);
    const onBoundary = free.length < n;
    const faceBox = box.map((x, i) => (face[i] === null ? x : { lo: face[i] as number, hi: face[i] as number }));
    if (free.length === 0) {
      work++;
      offer({ coordinates: face as number[], value: objective.at(tensor(face as number[])).item(), onBoundary });
      continue;
    }
    if (onBoundary) {
      const e = valueEnclosure(objective, faceBox);
      if (e && low.cannotBeat(e.lo) && high.cannotBeat(e.hi)) {
        work++;
        bounded++;
        low.limit(e.lo, '');
        high.limit(e.hi, '');
        continue;
      }
    }
    const restricted = onBoundary ? restrict(objective, face) : objective;
    const result =
      !onBoundary && interior
        ? interior
        : stationaryPoints(
            restricted,
            free.map((i) => box[i]),
            { ...options, maxBoxes: Math.min(perSearch, maxWork - work) },
          );
    searched++;
    work += Math.max(1, result.boxesExamined);
    const embed = (x: readonly number[]) => face.map((v, i) => (v === null ? x[free.indexOf(i)] : v));
    for (const p of result.points) offer({ coordinates: embed(p.coordinates), value: p.value, onBoundary });
    for (const r of [...result.unresolved, ...result.unbounded]) {
      for (const s of r.samples) offer({ coordinates: embed(s.coordinates), value: s.value, onBoundary });
      const X = faceBox.map((x, i) => (face[i] === null ? r.box[free.indexOf(i)] : x));
      limitBy(X, [r.enclosure.lo, r.enclosure.hi], `where the search could not resolve it: ${r.reason}`, onBoundary);
    }
  }
  if (!low.best || !high.best) {
    throw new SaddleError(
      `globalExtrema: ${objective.text} has no finite value at any candidate point of the box` +
        (low.notFinite ? ` (${low.notFinite})` : ''),
    );
  }
  work += low.refine(objective, Math.max(0, maxWork - work));
  work += high.refine(objective, Math.max(0, maxWork - work));
  const minimum = low.result(vars, 'lower');
  const maximum = high.result(vars, 'upper');
  return {
    minimum,
    maximum,
    certified: minimum.certified && maximum.certified,
    faces: { total, searched, bounded },
    boxesExamined: work,
  };
}
