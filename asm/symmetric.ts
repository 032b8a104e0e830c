// WASM SIMD kernels for the symmetric eigenproblem. First the Householder reduction to tridiagonal form (the
// reduction half of EISPACK tred2) on W = Vᵀ, so that every inner loop — a symmetric
// matrix-vector product, a rank-2 update — walks contiguous memory in f64x2 lanes. The TypeScript
// reference is tridiagonalize in src/linalg/eigh.ts; both compute the same operations in the same
// order up to the pairing of the two SIMD lanes in sums. Then the kernels of the divide-and-conquer
// tridiagonal eigensolver (src/linalg/divide-conquer.ts): a merge's rank-one update and products, and
// implicit QL for the leaves.

import { gemm64, BLOCK_KC, BLOCK_MC } from './gemm';

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

// The inner loops are functions of their own, not inlined (Binaryen keeps functions with loops):
// V8 runs a WASM function in its baseline compiler until it has been called enough to be
// optimised, so a loop nest inside one long call would never be; these are called n² times.

/** Symmetric matrix-vector step: returns Σ_{k=lo}^{hi-1} w_k d_k and does e_k += w_k f. */
function symvRow(row: usize, d: usize, e: usize, f: f64, lo: i32, hi: i32): f64 {
  const fv = f64x2.splat(f);
  let gv = f64x2.splat(0);
  let k = lo;
  for (; k + 1 < hi; k += 2) {
    const w = v128.load(at(row, k));
    gv = f64x2.add(gv, f64x2.mul(w, v128.load(at(d, k))));
    v128.store(at(e, k), f64x2.add(v128.load(at(e, k)), f64x2.mul(w, fv)));
  }
  let g = f64x2.extract_lane(gv, 0) + f64x2.extract_lane(gv, 1);
  for (; k < hi; k++) {
    const w = load<f64>(at(row, k));
    g += w * load<f64>(at(d, k));
    store<f64>(at(e, k), load<f64>(at(e, k)) + w * f);
  }
  return g;
}

/** Rank-2 update of a row segment: w_k −= f e_k + g d_k. */
function syr2Row(row: usize, d: usize, e: usize, f: f64, g: f64, lo: i32, hi: i32): void {
  const fv = f64x2.splat(f);
  const gv = f64x2.splat(g);
  let k = lo;
  for (; k + 1 < hi; k += 2) {
    const upd = f64x2.add(f64x2.mul(fv, v128.load(at(e, k))), f64x2.mul(gv, v128.load(at(d, k))));
    v128.store(at(row, k), f64x2.sub(v128.load(at(row, k)), upd));
  }
  for (; k < hi; k++) store<f64>(at(row, k), load<f64>(at(row, k)) - (f * load<f64>(at(e, k)) + g * load<f64>(at(d, k))));
}

export function tridiagonalize(W: usize, n: i32, d: usize, e: usize): void {
  for (let j = 0; j < n; j++) store<f64>(at(d, j), load<f64>(at(W, j * n + n - 1)));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(load<f64>(at(d, k)));
    if (scale == 0) {
      store<f64>(at(e, i), load<f64>(at(d, i - 1)));
      for (let j = 0; j < i; j++) {
        store<f64>(at(d, j), load<f64>(at(W, j * n + i - 1)));
        store<f64>(at(W, j * n + i), 0);
        store<f64>(at(W, i * n + j), 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = load<f64>(at(d, k)) / scale;
        store<f64>(at(d, k), v);
        h += v * v;
      }
      let f = load<f64>(at(d, i - 1));
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      store<f64>(at(e, i), scale * g);
      h -= f * g;
      store<f64>(at(d, i - 1), f - g);
      for (let j = 0; j < i; j++) store<f64>(at(e, j), 0);
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        store<f64>(at(W, i * n + j), f);
        const row = at(W, j * n);
        g = load<f64>(at(e, j)) + load<f64>(at(row, j)) * f;
        // Symmetric matrix-vector product over the lower triangle: g += Σ w_k d_k; e_k += w_k f.
        g += symvRow(row, d, e, f, j + 1, i);
        store<f64>(at(e, j), g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const v = load<f64>(at(e, j)) / h;
        store<f64>(at(e, j), v);
        f += v * load<f64>(at(d, j));
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) store<f64>(at(e, j), load<f64>(at(e, j)) - hh * load<f64>(at(d, j)));
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        g = load<f64>(at(e, j));
        const row = at(W, j * n);
        syr2Row(row, d, e, f, g, j, i);
        store<f64>(at(d, j), load<f64>(at(row, i - 1)));
        store<f64>(at(row, i), 0);
      }
    }
    store<f64>(at(d, i), h);
  }
}

// The rank-one update D + ρ z zᵀ of the divide-and-conquer merges: the roots of its secular equation
// (Li's middle way, as LAPACK dlaed4) and its eigenvectors by Löwner's formula (Gu & Eisenstat, dlaed3).
// The TypeScript reference, with the reasons for each step, is src/linalg/secular.ts; this is the same
// arithmetic in the same order (sums in two interleaved lanes there too), so the two agree bit for bit.

const UNIT: f64 = 1.1102230246251565e-16; // 2⁻⁵³

let sumPsi: f64 = 0;
let sumDpsi: f64 = 0;
let sumPhi: f64 = 0;
let sumDphi: f64 = 0;
let sumPartial: f64 = 0;

/** ψ (terms j < left, from j = 0), φ (terms j ≥ right, from j = k − 1), their slopes and Σ|partial sums|. */
function evaluate(d: usize, z: usize, k: i32, d0: f64, tau: f64, left: i32, right: i32): void {
  const d0v = f64x2.splat(d0);
  const tv = f64x2.splat(tau);
  let p = f64x2.splat(0);
  let q = f64x2.splat(0);
  let a = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < left; j += 2) {
    const zj = v128.load(at(z, j));
    const t = f64x2.div(zj, f64x2.sub(f64x2.sub(v128.load(at(d, j)), d0v), tv));
    p = f64x2.add(p, f64x2.mul(zj, t));
    q = f64x2.add(q, f64x2.mul(t, t));
    a = f64x2.add(a, f64x2.abs(p));
  }
  let psi = f64x2.extract_lane(p, 0) + f64x2.extract_lane(p, 1);
  let dpsi = f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1);
  let partial = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  if (j < left) {
    const zj = load<f64>(at(z, j));
    const t = zj / (load<f64>(at(d, j)) - d0 - tau);
    psi += zj * t;
    dpsi += t * t;
    partial += abs(psi);
  }
  p = f64x2.splat(0);
  q = f64x2.splat(0);
  a = f64x2.splat(0);
  for (j = k - 2; j >= right; j -= 2) {
    const zj = v128.load(at(z, j));
    const t = f64x2.div(zj, f64x2.sub(f64x2.sub(v128.load(at(d, j)), d0v), tv));
    p = f64x2.add(p, f64x2.mul(zj, t));
    q = f64x2.add(q, f64x2.mul(t, t));
    a = f64x2.add(a, f64x2.abs(p));
  }
  let phi = f64x2.extract_lane(p, 0) + f64x2.extract_lane(p, 1);
  let dphi = f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1);
  partial += f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  if (j + 1 == right) {
    const zj = load<f64>(at(z, right));
    const t = zj / (load<f64>(at(d, right)) - d0 - tau);
    phi += zj * t;
    dphi += t * t;
    partial += abs(phi);
  }
  sumPsi = psi;
  sumDpsi = dpsi;
  sumPhi = phi;
  sumDphi = dphi;
  sumPartial = partial;
}

/** The root in (lo, hi) of qa x² − qb x + qc = 0, or NaN. */
function rootInside(qa: f64, qb: f64, qc: f64, lo: f64, hi: f64): f64 {
  const disc = Math.sqrt(abs(qb * qb - 4 * qa * qc));
  const q = qb >= 0 ? qb + disc : qb - disc;
  const x1 = q != 0 ? (2 * qc) / q : NaN;
  const x2 = qa != 0 ? q / (2 * qa) : NaN;
  const in1 = x1 > lo && x1 < hi;
  const in2 = x2 > lo && x2 < hi;
  if (in1 && in2) return abs(x1) <= abs(x2) ? x1 : x2;
  return in1 ? x1 : in2 ? x2 : NaN;
}

/** The i-th root as d[origin] + τ, stored in origins[i] and taus[i]; returns it. */
function secularRoot(d: usize, z: usize, rho: f64, k: i32, i: i32, origins: usize, taus: usize): f64 {
  if (k == 1) {
    const z0 = load<f64>(z);
    store<i32>(origins, 0);
    store<f64>(taus, rho * z0 * z0);
    return load<f64>(d) + rho * z0 * z0;
  }
  const last = i == k - 1;
  const a = last ? k - 2 : i;
  const b = a + 1;
  const da0 = load<f64>(at(d, a));
  const db0 = load<f64>(at(d, b));
  const za = load<f64>(at(z, a));
  const zb = load<f64>(at(z, b));
  const width = last ? rho : db0 - da0;
  const half = width / 2;
  const base = last ? db0 : da0;
  evaluate(d, z, k, base, half, a, b + 1);
  const c = 1 / rho + sumPsi + sumPhi;
  const f0 = c + (za * za) / (da0 - base - half) + (zb * zb) / (db0 - base - half);
  const origin = last || f0 <= 0 ? b : a;
  let lo: f64 = last ? (f0 > 0 ? 0 : half) : f0 > 0 ? 0 : -half;
  let hi: f64 = last ? (f0 > 0 ? half : width) : f0 > 0 ? half : 0;
  const d0 = load<f64>(at(d, origin));
  const pa = da0 - d0;
  const pb = db0 - d0;
  const za2 = za * za;
  const zb2 = zb * zb;
  let tau = rootInside(c, c * (pa + pb) + za2 + zb2, c * pa * pb + za2 * pb + zb2 * pa, lo, hi);
  if (isNaN(tau)) tau = (lo + hi) / 2;
  const left = origin == a ? a : b;
  const right = origin == b ? b + 1 : b;
  const zo = load<f64>(at(z, origin));
  for (let iteration = 0; ; iteration++) {
    evaluate(d, z, k, d0, tau, left, right);
    let dpsi = sumDpsi;
    let dphi = sumDphi;
    const to = zo / -tau;
    const own = zo * to;
    if (origin == a) dpsi += to * to;
    else dphi += to * to;
    const f = 1 / rho + sumPsi + sumPhi + own;
    const bound = 8 * (sumPhi - sumPsi) + sumPartial + 2 / rho + 3 * abs(own) + abs(tau) * (dpsi + dphi);
    if (abs(f) <= UNIT * bound || iteration == 100 || hi - lo <= 4 * UNIT * abs(tau)) break;
    if (f < 0) lo = max(lo, tau);
    else hi = min(hi, tau);
    const da = pa - tau;
    const db = pb - tau;
    let eta = rootInside(f - da * dpsi - db * dphi, (da + db) * f - da * db * (dpsi + dphi), da * db * f, lo - tau, hi - tau);
    if (isNaN(eta) || eta * f >= 0) eta = -f / (dpsi + dphi);
    if (!(tau + eta > lo && tau + eta < hi)) eta = ((f < 0 ? hi : lo) - tau) / 2;
    tau += eta;
  }
  store<i32>(origins + (<usize>i << 2), origin);
  store<f64>(at(taus, i), tau);
  return d0 + tau;
}

/** ẑ_i ·= Π over roots j ≠ i of (d_i − λ_j)/(d_i − d_j), for i in [lo, hi). */
function loewnerProduct(d: usize, zhat: usize, lo: i32, hi: i32, oj: f64, tj: f64, dj: f64): void {
  const ov = f64x2.splat(oj);
  const tv = f64x2.splat(tj);
  const dv = f64x2.splat(dj);
  let i = lo;
  for (; i + 1 < hi; i += 2) {
    const di = v128.load(at(d, i));
    const ratio = f64x2.div(f64x2.sub(f64x2.sub(di, ov), tv), f64x2.sub(di, dv));
    v128.store(at(zhat, i), f64x2.mul(v128.load(at(zhat, i)), ratio));
  }
  for (; i < hi; i++) {
    const di = load<f64>(at(d, i));
    store<f64>(at(zhat, i), load<f64>(at(zhat, i)) * ((di - oj - tj) / (di - dj)));
  }
}

/** Σᵢ (ẑᵢ/(dᵢ − λ))² in two lanes. */
function squaredNorm(d: usize, zhat: usize, k: i32, oj: f64, tj: f64): f64 {
  const ov = f64x2.splat(oj);
  const tv = f64x2.splat(tj);
  let s = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < k; i += 2) {
    const u = f64x2.div(v128.load(at(zhat, i)), f64x2.sub(f64x2.sub(v128.load(at(d, i)), ov), tv));
    s = f64x2.add(s, f64x2.mul(u, u));
  }
  let ss = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  if (i < k) {
    const u = load<f64>(at(zhat, i)) / (load<f64>(at(d, i)) - oj - tj);
    ss += u * u;
  }
  return ss;
}

/** A row of the eigenvector matrix: out_j = (ẑᵢ/(dᵢ − λⱼ))·scale_j, λⱼ = oj_j + τⱼ. */
function vectorRow(out: usize, k: i32, di: f64, zi: f64, oj: usize, taus: usize, scale: usize): void {
  const dv = f64x2.splat(di);
  const zv = f64x2.splat(zi);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const delta = f64x2.sub(f64x2.sub(dv, v128.load(at(oj, j))), v128.load(at(taus, j)));
    v128.store(at(out, j), f64x2.mul(f64x2.div(zv, delta), v128.load(at(scale, j))));
  }
  for (; j < k; j++) {
    const delta = di - load<f64>(at(oj, j)) - load<f64>(at(taus, j));
    store<f64>(at(out, j), (zi / delta) * load<f64>(at(scale, j)));
  }
}

/**
 * All eigenpairs of D + ρ z zᵀ (d ascending, k poles): the roots into lambda (origins, taus alongside), and
 * component i of eigenvector j into U[row[i]·k + j]. oj, zhat and scale are k-vectors of scratch.
 */
export function secularUpdate(d: usize, z: usize, k: i32, rho: f64, lambda: usize, origins: usize, taus: usize,
  oj: usize, zhat: usize, scale: usize, row: usize, U: usize): void {
  for (let i = 0; i < k; i++) store<f64>(at(lambda, i), secularRoot(d, z, rho, k, i, origins, taus));
  for (let j = 0; j < k; j++) store<f64>(at(oj, j), load<f64>(at(d, load<i32>(origins + (<usize>j << 2)))));
  for (let i = 0; i < k; i++)
    store<f64>(at(zhat, i), load<f64>(at(d, i)) - load<f64>(at(oj, i)) - load<f64>(at(taus, i)));
  for (let j = 0; j < k; j++) {
    const o = load<f64>(at(oj, j));
    const t = load<f64>(at(taus, j));
    const dj = load<f64>(at(d, j));
    loewnerProduct(d, zhat, 0, j, o, t, dj);
    loewnerProduct(d, zhat, j + 1, k, o, t, dj);
  }
  for (let i = 0; i < k; i++) {
    const zi = load<f64>(at(z, i));
    const s: f64 = zi > 0 ? 1 : zi < 0 ? -1 : 0;
    store<f64>(at(zhat, i), s * Math.sqrt(max(-load<f64>(at(zhat, i)), 0)));
  }
  for (let j = 0; j < k; j++)
    store<f64>(at(scale, j), 1 / Math.sqrt(squaredNorm(d, zhat, k, load<f64>(at(oj, j)), load<f64>(at(taus, j)))));
  for (let i = 0; i < k; i++) {
    const r = load<i32>(row + (<usize>i << 2));
    vectorRow(at(U, r * k), k, load<f64>(at(d, i)), load<f64>(at(zhat, i)), oj, taus, scale);
  }
}

/** Rows a and b of W (length n) ← (c·a − s·b, s·a + c·b): one plane rotation of the QL sweep. */
function rotateRows(a: usize, b: usize, n: i32, c: f64, s: f64): void {
  const cv = f64x2.splat(c);
  const sv = f64x2.splat(s);
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const wa = v128.load(at(a, k));
    const wb = v128.load(at(b, k));
    v128.store(at(b, k), f64x2.add(f64x2.mul(sv, wa), f64x2.mul(cv, wb)));
    v128.store(at(a, k), f64x2.sub(f64x2.mul(cv, wa), f64x2.mul(sv, wb)));
  }
  for (; k < n; k++) {
    const wa = load<f64>(at(a, k));
    const wb = load<f64>(at(b, k));
    store<f64>(at(b, k), s * wa + c * wb);
    store<f64>(at(a, k), c * wa - s * wb);
  }
}

/**
 * Implicit QL with the rotations applied to the rows of W (n×n), as tridiagonalQL in src/linalg/ql.ts (the
 * reference, EISPACK tql2): d (n) and e (n, e[i] coupling i − 1 and i) overwritten, d with the eigenvalues.
 * Returns −1, or the index of an eigenvalue that did not converge in 60 sweeps.
 */
export function qlVectors(d: usize, e: usize, W: usize, n: i32): i32 {
  for (let i = 1; i < n; i++) store<f64>(at(e, i - 1), load<f64>(at(e, i)));
  store<f64>(at(e, n - 1), 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  const eps: f64 = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    tst1 = max(tst1, abs(load<f64>(at(d, l))) + abs(load<f64>(at(e, l))));
    let m = l;
    while (m < n - 1 && abs(load<f64>(at(e, m))) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) return l;
        let g = load<f64>(at(d, l));
        const el = load<f64>(at(e, l));
        let p = (load<f64>(at(d, l + 1)) - g) / (2 * el);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        store<f64>(at(d, l), el / (p + r));
        store<f64>(at(d, l + 1), el * (p + r));
        const dl1 = load<f64>(at(d, l + 1));
        let h = g - load<f64>(at(d, l));
        for (let i = l + 2; i < n; i++) store<f64>(at(d, i), load<f64>(at(d, i)) - h);
        f += h;
        p = load<f64>(at(d, m));
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = load<f64>(at(e, l + 1));
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = load<f64>(at(e, i));
          const di = load<f64>(at(d, i));
          g = c * ei;
          h = c * p;
          r = Math.hypot(p, ei);
          store<f64>(at(e, i + 1), s * r);
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          store<f64>(at(d, i + 1), h + s * (c * g + s * di));
          rotateRows(at(W, i * n), at(W, (i + 1) * n), n, c, s);
        }
        p = (-s * s2 * c3 * el1 * load<f64>(at(e, l))) / dl1;
        store<f64>(at(e, l), s * p);
        store<f64>(at(d, l), c * p);
      } while (abs(load<f64>(at(e, l))) > eps * tst1);
    }
    store<f64>(at(d, l), load<f64>(at(d, l)) + f);
    store<f64>(at(e, l), 0);
  }
  return -1;
}

/**
 * One merge of divide and conquer after its deflation: the eigenpairs of D + ρ z zᵀ (secularUpdate, U k×k with
 * rows in the order `row` gives), then the merged vectors' k columns C (m₁ + m₂ rows × k) =
 * [A₁ U[0:n12]; A₂ U[nTop:k]] with A₁ (m₁×n12) and A₂ (m₂×n23) the halves' gathered columns at A, as LAPACK's
 * dlaed3 (two GEMMs, each over the rows where its columns are nonzero). work: the GEMM's packing buffers.
 */
export function mergeUpdate(d: usize, z: usize, k: i32, rho: f64, lambda: usize, origins: usize, taus: usize,
  oj: usize, zhat: usize, scale: usize, row: usize, U: usize,
  A: usize, m1: i32, n12: i32, m2: i32, n23: i32, nTop: i32, C: usize, work: usize): void {
  secularUpdate(d, z, k, rho, lambda, origins, taus, oj, zhat, scale, row, U);
  const packA = work;
  const packB = packA + ((<usize>(BLOCK_MC + 8) * <usize>BLOCK_KC) << 3);
  const scratch = packB + ((<usize>BLOCK_KC * <usize>(k + 8)) << 3);
  const bottom = at(C, m1 * k);
  if (n12 > 0) gemm64(A, U, C, m1, n12, k, false, false, packA, packB, scratch, 0, m1);
  else memory.fill(C, 0, <usize>(m1 * k) << 3);
  if (n23 > 0) gemm64(at(A, m1 * n12), at(U, nTop * k), bottom, m2, n23, k, false, false, packA, packB, scratch, 0, m2);
  else memory.fill(bottom, 0, <usize>(m2 * k) << 3);
}

/** Bytes of work mergeUpdate needs for k columns. */
export function mergeWorkspace(k: i32): i32 {
  return ((BLOCK_MC + 8) * BLOCK_KC + BLOCK_KC * (k + 8) + 64) << 3;
}
