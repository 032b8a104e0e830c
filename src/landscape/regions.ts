// Grouping of the boxes a search could not resolve into connected regions. A search may leave tens
// of thousands of boxes along a curve of stationary points, so touching boxes are joined by
// union-find over a hash grid (cells the size of a typical box) instead of comparing every pair.
import { tensor } from '../core/index.js';
import type { Box, Interval, Objective } from '../expr/index.js';
import { valueEnclosure } from './certify.js';

/** Closed boxes that share at least one point (a face, an edge or a corner). */
export function touches(a: Box, b: Box): boolean {
  return a.every((x, i) => x.lo <= b[i].hi && b[i].lo <= x.hi);
}

export function hull(boxes: readonly Box[]): Interval[] {
  const out = boxes[0].map((x) => ({ lo: x.lo, hi: x.hi }));
  for (const b of boxes) {
    b.forEach((x, i) => {
      if (x.lo < out[i].lo) out[i] = { lo: x.lo, hi: out[i].hi };
      if (x.hi > out[i].hi) out[i] = { lo: out[i].lo, hi: x.hi };
    });
  }
  return out;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[i] !== r) [this.parent[i], i] = [r, this.parent[i]];
    return r;
  }
  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** A box spanning more grid cells than this is compared with every other box instead. */
const MAX_CELLS_PER_BOX = 256;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The connected components of the union of the boxes, as lists of indices into `boxes`, ordered by
 * their first box. Near-linear when the boxes have similar sizes, as the boxes of one search do.
 */
export function connectedComponents(boxes: readonly Box[]): number[][] {
  const count = boxes.length;
  if (count === 0) return [];
  const n = boxes[0].length;
  const uf = new UnionFind(count);
  const origin = hull(boxes).map((x) => x.lo);
  const cell = Array.from({ length: n }, (_, i) => {
    const w = median(boxes.map((b) => b[i].hi - b[i].lo));
    return w > 0 ? w : 1;
  });
  const grid = new Map<string, number[]>();
  const large: number[] = [];
  boxes.forEach((b, index) => {
    const ranges = b.map((x, i) => [
      Math.floor((x.lo - origin[i]) / cell[i]),
      Math.floor((x.hi - origin[i]) / cell[i]),
    ]);
    const cells = ranges.reduce((p, [lo, hi]) => p * (hi - lo + 1), 1);
    if (!(cells <= MAX_CELLS_PER_BOX)) {
      large.push(index);
      return;
    }
    const key = ranges.map(([lo]) => lo);
    for (;;) {
      const k = key.join(',');
      const members = grid.get(k);
      if (members) members.push(index);
      else grid.set(k, [index]);
      let d = 0;
      while (d < n && key[d] === ranges[d][1]) key[d] = ranges[d++][0];
      if (d === n) break;
      key[d]++;
    }
  });
  for (const members of grid.values()) {
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        if (touches(boxes[members[a]], boxes[members[b]])) uf.union(members[a], members[b]);
      }
    }
  }
  for (const index of large) boxes.forEach((b, j) => j !== index && touches(boxes[index], b) && uf.union(index, j));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}

export type RegionKind = 'degenerate' | 'undefined' | 'limit' | 'unlocated' | 'flat' | 'continuum';

export interface UnresolvedRegion {
  /** The hull of the region's boxes. */
  box: Interval[];
  /** How many boxes of the search make it up. */
  boxes: number;
  /**
   * degenerate: a stationary point that cannot be certified; undefined: the function is undefined
   * there; limit: not examined within the work budget; unlocated: no stationary point could be
   * located (a kink, a pole); flat: the gradient is identically zero (every point is stationary);
   * continuum: stationary points that are not isolated (a curve or surface), or too close to separate.
   */
  kind: RegionKind;
  reason: string;
  /** A rigorous enclosure of f over the region's boxes; absent where none is finite (a pole, overflow). */
  valueRange?: [number, number];
  /**
   * The same enclosure with a side that may be infinite: 1/x^2 near its pole is unbounded above but
   * proved >= 1/h², which still bounds the minimum.
   */
  enclosure: Interval;
  /** Points of the region with the lowest and highest value seen there (finite values only). */
  samples: { coordinates: number[]; value: number }[];
}

/** Collects unresolved regions, with the enclosure of f over each and its best sampled points. */
export class RegionBuilder {
  readonly list: UnresolvedRegion[] = [];
  constructor(private readonly objective: Objective) {}

  add(boxes: readonly Interval[][], kind: RegionKind, reason: string): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (const b of boxes) {
      const v = valueEnclosure(this.objective, b);
      lo = Math.min(lo, v ? v.lo : -Infinity);
      hi = Math.max(hi, v ? v.hi : Infinity);
    }
    const region: UnresolvedRegion = {
      box: hull(boxes),
      boxes: boxes.length,
      kind,
      reason,
      samples: this.samples(boxes),
      enclosure: { lo, hi },
    };
    if (Number.isFinite(lo) && Number.isFinite(hi)) region.valueRange = [lo, hi];
    this.list.push(region);
  }

  /** The objective at every box's midpoint in one vectorised pass; keeps the lowest and the highest. */
  private samples(boxes: readonly Interval[][]): UnresolvedRegion['samples'] {
    const n = this.objective.variables.length;
    const mids = boxes.map((b) => b.map((x) => x.lo + (x.hi - x.lo) / 2));
    const values = this.objective.evaluate(Array.from({ length: n }, (_, i) => tensor(mids.map((m) => m[i])))).data;
    let low = -1;
    let high = -1;
    values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      if (low < 0 || v < values[low]) low = k;
      if (high < 0 || v > values[high]) high = k;
    });
    if (low < 0) return [];
    const out = [{ coordinates: mids[low], value: values[low] }];
    if (high !== low) out.push({ coordinates: mids[high], value: values[high] });
    return out;
  }
}
