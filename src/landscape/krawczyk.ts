// The Krawczyk operator (Krawczyk 1969; Moore, Kearfott & Cloud 2009, §8.2) for the gradient g of
// an objective on a box X with midpoint m, Hessian enclosure H(X) and a point preconditioner Y:
//   K(X) = m − Y·g(m) + (I − Y·H(X))·(X − m).
// K(X) ⊂ interior(X) proves exactly one zero of g in X; K(X) ∩ X = ∅ proves none.
import { addInterval, mulInterval, subInterval, type Box, type Interval } from '../expr/index.js';

export type KrawczykVerdict =
  { verdict: 'unique'; contracted: Interval[] } | { verdict: 'none' } | { verdict: 'unknown'; contracted: Interval[] };

const pt = (x: number): Interval => ({ lo: x, hi: x });

/** Y·v for a point matrix Y (row-major n×n) and an interval vector v. */
function matVec(Y: ArrayLike<number>, v: readonly Interval[], n: number): Interval[] {
  const out: Interval[] = [];
  for (let i = 0; i < n; i++) {
    let acc = pt(0);
    for (let j = 0; j < n; j++) acc = addInterval(acc, mulInterval(pt(Y[i * n + j]), v[j]));
    out.push(acc);
  }
  return out;
}

export function krawczyk(
  box: Box,
  mid: readonly number[],
  gMid: readonly Interval[],
  H: readonly Interval[][],
  Y: ArrayLike<number>,
): KrawczykVerdict {
  const n = box.length;
  const yg = matVec(Y, gMid, n);
  const dx = box.map((x, i) => subInterval(x, pt(mid[i])));
  const K: Interval[] = [];
  let inside = true;
  for (let i = 0; i < n; i++) {
    // Row i of (I − Y·H(X)) times (X − m).
    let acc = subInterval(pt(mid[i]), yg[i]);
    for (let j = 0; j < n; j++) {
      let m = pt(i === j ? 1 : 0);
      for (let k = 0; k < n; k++) m = subInterval(m, mulInterval(pt(Y[i * n + k]), H[k][j]));
      acc = addInterval(acc, mulInterval(m, dx[j]));
    }
    if (acc.hi < box[i].lo || acc.lo > box[i].hi) return { verdict: 'none' };
    if (!(acc.lo > box[i].lo && acc.hi < box[i].hi)) inside = false;
    K.push(acc);
  }
  const contracted = K.map((k, i) => ({ lo: Math.max(k.lo, box[i].lo), hi: Math.min(k.hi, box[i].hi) }));
  return inside ? { verdict: 'unique', contracted } : { verdict: 'unknown', contracted };
}
