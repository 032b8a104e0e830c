// Eigenvectors of a symmetric tridiagonal matrix by inverse iteration (the method of LAPACK's
// dstein; Peters & Wilkinson 1971; Dhillon 1998 on its limits): split T into unreduced blocks,
// find each block's eigenvalues by implicit QL, then for each eigenvalue solve (T − λI) x = b a
// few times with a pivoted tridiagonal LU, orthogonalising against the vectors of its cluster
// (eigenvalues closer than 1e-3‖T‖, as dstein). O(n²) where rotations would cost O(n³).
import { LinAlgError } from './matrix.js';

const EPS = 2 ** -52;

/**
 * LU factorisation with partial pivoting of T − λI (as LAPACK's dgttrf), kept to solve with
 * several right-hand sides: the iterations of one eigenvalue share one factorisation.
 */
class ShiftedLU {
  readonly a: Float64Array; // pivots (diagonal of U)
  readonly u1: Float64Array; // first superdiagonal of U
  readonly u2: Float64Array; // second superdiagonal of U (from row interchanges)
  readonly l: Float64Array; // multipliers
  readonly swapped: Uint8Array;
  m = 0;
  tiny = 0;

  constructor(capacity: number) {
    this.a = new Float64Array(capacity);
    this.u1 = new Float64Array(capacity);
    this.u2 = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.swapped = new Uint8Array(capacity);
  }

  factor(d: Float64Array, e: Float64Array, start: number, m: number, lambda: number, tiny: number): void {
    const { a, u1, u2, l, swapped } = this;
    this.m = m;
    this.tiny = tiny;
    for (let i = 0; i < m; i++) {
      a[i] = d[start + i] - lambda;
      u1[i] = i < m - 1 ? e[start + i] : 0;
      u2[i] = 0;
      swapped[i] = 0;
    }
    for (let i = 0; i < m - 1; i++) {
      const sub = e[start + i];
      if (Math.abs(a[i]) >= Math.abs(sub)) {
        if (a[i] === 0) a[i] = tiny;
        l[i] = sub / a[i];
        a[i + 1] -= l[i] * u1[i];
      } else {
        // Interchange rows i and i + 1.
        const fact = a[i] / sub;
        a[i] = sub;
        l[i] = fact;
        const temp = u1[i];
        u1[i] = a[i + 1];
        a[i + 1] = temp - fact * a[i + 1];
        if (i < m - 2) {
          u2[i] = u1[i + 1];
          u1[i + 1] = -fact * u1[i + 1];
        }
        swapped[i] = 1;
      }
    }
    if (a[m - 1] === 0) a[m - 1] = tiny;
  }

  /** Solves (T − λI) x = b in place; tiny pivots are replaced by ±tiny (as dlagts). */
  solve(b: Float64Array): void {
    const { a, u1, u2, l, swapped, m, tiny } = this;
    for (let i = 0; i < m - 1; i++) {
      if (swapped[i]) {
        const t = b[i];
        b[i] = b[i + 1];
        b[i + 1] = t - l[i] * b[i];
      } else {
        b[i + 1] -= l[i] * b[i];
      }
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = b[i];
      if (i + 1 < m) s -= u1[i] * b[i + 1];
      if (i + 2 < m) s -= u2[i] * b[i + 2];
      let p = a[i];
      if (Math.abs(p) < tiny) p = p < 0 ? -tiny : tiny;
      b[i] = s / p;
    }
  }
}

const MAX_CLUSTER = 64;

function largestCluster(sorted: readonly number[], ortol: number): number {
  let best = 1;
  let size = 1;
  for (let j = 1; j < sorted.length; j++) {
    size = sorted[j] - sorted[j - 1] > ortol ? 1 : size + 1;
    best = Math.max(best, size);
  }
  return best;
}

/** Eigenpairs of the block [start, start + m) by implicit QL accumulating rotations. */
function rotationsForBlock(
  d: Float64Array,
  e: Float64Array,
  start: number,
  m: number,
  n: number,
  values: Float64Array,
  Z: Float64Array,
  count: number,
): number {
  const bd = d.slice(start, start + m);
  const be = new Float64Array(m);
  for (let i = 1; i < m; i++) be[i] = e[start + i - 1];
  const R = new Float64Array(m * m);
  for (let i = 0; i < m; i++) R[i * m + i] = 1;
  tridiagonalQL(bd, be, R, m);
  for (let j = 0; j < m; j++) {
    values[count] = bd[j];
    Z.set(R.subarray(j * m, (j + 1) * m), count * n + start);
    count++;
  }
  return count;
}

/** Scales x to unit 2-norm (scaled by its largest entry first, so no square overflows). */
function normalize(x: Float64Array): void {
  let big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]));
  if (big === 0 || !Number.isFinite(big)) return;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] / big;
    ss += v * v;
  }
  const scale = 1 / (big * Math.sqrt(ss));
  for (let i = 0; i < x.length; i++) x[i] *= scale;
}

/**
 * All eigenpairs of the symmetric tridiagonal (d, e) with e[i] coupling i and i + 1 (e of length n,
 * e[n-1] unused). Returns eigenvalues (unsorted, block by block) and Z with eigenvectors as rows.
 */
export function tridiagonalEigen(
  d: Float64Array,
  e: Float64Array,
  n: number,
): { values: Float64Array; Z: Float64Array } {
  const values = new Float64Array(n);
  const Z = new Float64Array(n * n);
  let count = 0;
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return ((seed >>> 8) / 16777216) * 2 - 1;
  };
  // Split where |e_i| <= eps·‖T‖: setting such an e_i to zero perturbs T by no more than the
  // backward error the reduction to T already has (LAPACK's dstebz splits the same way).
  let normT = 0;
  for (let i = 0; i < n; i++)
    normT = Math.max(normT, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0));
  const splitTol = EPS * normT;
  let start = 0;
  while (start < n) {
    // The next unreduced block [start, end).
    let end = start + 1;
    while (end < n && Math.abs(e[end - 1]) > splitTol) end++;
    const m = end - start;
    if (m === 1) {
      values[count] = d[start];
      Z[count * n + start] = 1;
      count++;
      start = end;
      continue;
    }
    const bd = d.slice(start, end);
    const be = new Float64Array(m);
    for (let i = 1; i < m; i++) be[i] = e[start + i - 1];
    tridiagonalQL(bd, be, null, m);
    const lambdas = Array.from(bd).sort((x, y) => x - y);
    let norm = 0;
    for (let i = 0; i < m; i++)
      norm = Math.max(
        norm,
        Math.abs(d[start + i]) + (i > 0 ? Math.abs(e[start + i - 1]) : 0) + (i < m - 1 ? Math.abs(e[start + i]) : 0),
      );
    const ortol = 1e-3 * norm;
    const pertol = 10 * EPS * Math.max(norm, Number.MIN_VALUE);
    const tiny = EPS * Math.max(norm, Number.MIN_VALUE);
    if (largestCluster(lambdas, ortol) > MAX_CLUSTER) {
      // Gram–Schmidt inside a cluster of c vectors costs O(c²m): past this size, implicit QL with
      // rotations on the block (O(m³), but never worse) is cheaper.
      count = rotationsForBlock(d, e, start, m, n, values, Z, count);
      start = end;
      continue;
    }
    let clusterStart = 0;
    let previous = -Infinity;
    const lu = new ShiftedLU(m);
    const vectors: Float64Array[] = [];
    for (let j = 0; j < m; j++) {
      let lambda = lambdas[j];
      if (j > 0 && lambda - lambdas[j - 1] > ortol) clusterStart = j;
      // Equal eigenvalues get slightly different shifts, as dstein does.
      if (lambda - previous < pertol) lambda = previous + pertol;
      previous = lambda;
      const x = new Float64Array(m);
      for (let i = 0; i < m; i++) x[i] = random();
      lu.factor(d, e, start, m, lambda, tiny);
      for (let it = 0; it < 4; it++) {
        normalize(x);
        lu.solve(x);
        for (let q = clusterStart; q < j; q++) {
          const v = vectors[q];
          let dot = 0;
          for (let i = 0; i < m; i++) dot += v[i] * x[i];
          for (let i = 0; i < m; i++) x[i] -= dot * v[i];
        }
      }
      normalize(x);
      vectors.push(x);
      values[count] = lambdas[j];
      Z.set(x, count * n + start);
      count++;
    }
    start = end;
  }
  return { values, Z };
}

/** Implicit QL on the tridiagonal (d, e); rotations applied to the rows of W (if given). */
export function tridiagonalQL(d: Float64Array, e: Float64Array, W: Float64Array | null, n: number, op = 'eigh'): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) {
          throw new LinAlgError(`${op}: the QL iteration did not converge for eigenvalue ${l} after 60 sweeps`);
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (W !== null) {
            const a = i * n;
            const b = a + n;
            for (let k = 0; k < n; k++) {
              const wb = W[b + k];
              const wa = W[a + k];
              W[b + k] = s * wa + c * wb;
              W[a + k] = c * wa - s * wb;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
