// WASM SIMD kernels of the blocked symmetric eigensolver: the Householder reduction to tridiagonal form in
// panels (LAPACK dsytrd/dlatrd, uplo 'L'; Dongarra, Hammarling & Sorensen 1989) and the back-transformation
// by the reflectors in compact WY form (LAPACK dormtr through dlarft/dlarfb; Schreiber & Van Loan 1989).
// A is held column-major with leading dimension n (the row-major array of Aᵀ = A), so a column below the
// diagonal is contiguous. Half of the reduction's flops, the panel's symmetric matrix-vector products, stay
// memory-bound; the other half, the trailing rank-2nb update, and the whole back-transformation run in the
// GEMM of gemm.ts, on operands in place in linear memory. src/linalg/wasm-kernels.ts lays memory out.
import { gemm64, BLOCK_KC, BLOCK_MC } from './gemm';

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

@inline function up(bytes: usize): usize {
  return (bytes + 63) & ~(<usize>63);
}

/** Columns of the trailing update per GEMM: the part above the diagonal it computes in vain is ≤ CB/2 rows. */
const CB: i32 = BLOCK_MC;
/** Rows of Q·X per GEMM in the back-transformation, so the product is subtracted while still in cache. */
const RB: i32 = 2 * BLOCK_MC;
/** Columns of X per slab of the back-transformation: an n×SW slab stays in cache through all the blocks. */
const SW: i32 = 256;
/** Below this order the trailing matrix is reduced unblocked (LAPACK's crossover nx for dsytrd). */
const NX: i32 = 64;

// Workspace, carved from one block by layout(): W (n×nb), the packed [V W] (pP) and [W V] (pR), n×2nb each,
// the GEMM's product (pC) and packing buffers, Vᵀ V (pG) and two nb-vectors (pt); for the back-transformation
// every block's V (pVs) and T (pTs), Y₁ᵀ and Y₂ᵀ (pY) and a slab of X (pS).
let pW: usize = 0;
let pP: usize = 0;
let pR: usize = 0;
let pC: usize = 0;
let pY: usize = 0;
let pG: usize = 0;
let pt: usize = 0;
let pPackA: usize = 0;
let pPackB: usize = 0;
let pScratch: usize = 0;
let pVs: usize = 0;
let pTs: usize = 0;
let pS: usize = 0;

function layout(work: usize, n: i32, nb: i32): usize {
  const N = <usize>max(n, SW);
  const B = <usize>nb;
  let vs: usize = 0; // Σ over blocks of (rows below the block) × (reflectors in it)
  for (let j0 = 0; j0 < n - 1; j0 += nb) vs += <usize>(n - j0 - 1) * <usize>min(nb, n - 1 - j0);
  pW = work;
  pP = up(pW + N * B * 8);
  pR = up(pP + N * 2 * B * 8);
  pC = up(pR + N * 2 * B * 8);
  pY = up(pC + <usize>max(CB, RB) * N * 8);
  pVs = up(pY + 2 * B * N * 8);
  pTs = up(pVs + vs * 8);
  pS = up(pTs + (<usize>(n / nb) + 1) * B * B * 8);
  pG = up(pS + <usize>n * <usize>SW * 8);
  pt = up(pG + B * B * 8);
  pPackA = up(pt + 2 * B * 8);
  pPackB = up(pPackA + <usize>(BLOCK_MC + 8) * <usize>BLOCK_KC * 8);
  pScratch = up(pPackB + <usize>BLOCK_KC * (N + 8) * 8);
  return up(pScratch + 64 * 8) - work;
}

/** Bytes of workspace tridiagonalizeBlocked and applyReflectorsBlocked need for order n and panel width nb. */
export function householderWorkspace(n: i32, nb: i32): i32 {
  return <i32>layout(0, n, nb);
}

@inline function gemm(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool): void {
  gemm64(a, b, c, m, k, n, transA, transB, pPackA, pPackB, pScratch, 0, m);
}

// The hottest loops (symv4, gemvSub, gemvT) are functions called thousands of times, which V8 optimises after
// the first few calls; a loop inside a function called once would run in its baseline compiler throughout.

function dot(x: usize, y: usize, len: i32): f64 {
  let s = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < len; i += 2) s = f64x2.add(s, f64x2.mul(v128.load(at(x, i)), v128.load(at(y, i))));
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < len; i++) r += load<f64>(at(x, i)) * load<f64>(at(y, i));
  return r;
}

/** y += alpha·x */
function axpy(alpha: f64, x: usize, y: usize, len: i32): void {
  const a = f64x2.splat(alpha);
  let i = 0;
  for (; i + 1 < len; i += 2) v128.store(at(y, i), f64x2.add(v128.load(at(y, i)), f64x2.mul(a, v128.load(at(x, i)))));
  for (; i < len; i++) store<f64>(at(y, i), load<f64>(at(y, i)) + alpha * load<f64>(at(x, i)));
}

/** y −= x */
function subtract(y: usize, x: usize, len: i32): void {
  let i = 0;
  for (; i + 1 < len; i += 2) v128.store(at(y, i), f64x2.sub(v128.load(at(y, i)), v128.load(at(x, i))));
  for (; i < len; i++) store<f64>(at(y, i), load<f64>(at(y, i)) - load<f64>(at(x, i)));
}

/** c + a·b, fused in the relaxed-SIMD build (as gemm.ts's madd). */
@inline function madd(c: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * Columns c..c+3 of the symmetric product y = A v from the lower triangle, rows lo..hi below their diagonal
 * block: y_r += Σₖ a_{r,c+k} v_{c+k} and y_{c+k} += Σ_r a_{r,c+k} v_r. Each matrix entry is loaded once and
 * used twice, four columns share each load and store of y: the matrix stream is what bounds this loop.
 */
function symv4(a: usize, lda: i32, v: usize, y: usize, c: i32, lo: i32, hi: i32): void {
  const a0 = at(a, c * lda);
  const a1 = at(a0, lda);
  const a2 = at(a1, lda);
  const a3 = at(a2, lda);
  const v0 = v128.load64_splat(at(v, c));
  const v1 = v128.load64_splat(at(v, c + 1));
  const v2 = v128.load64_splat(at(v, c + 2));
  const v3 = v128.load64_splat(at(v, c + 3));
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let r = lo;
  for (; r + 1 < hi; r += 2) {
    const vr = v128.load(at(v, r));
    let yr = v128.load(at(y, r));
    let x = v128.load(at(a0, r));
    s0 = madd(s0, x, vr);
    yr = madd(yr, x, v0);
    x = v128.load(at(a1, r));
    s1 = madd(s1, x, vr);
    yr = madd(yr, x, v1);
    x = v128.load(at(a2, r));
    s2 = madd(s2, x, vr);
    yr = madd(yr, x, v2);
    x = v128.load(at(a3, r));
    s3 = madd(s3, x, vr);
    yr = madd(yr, x, v3);
    v128.store(at(y, r), yr);
  }
  let t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  let t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
  let t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  let t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
  if (r < hi) {
    const vr = load<f64>(at(v, r));
    const x0 = load<f64>(at(a0, r));
    const x1 = load<f64>(at(a1, r));
    const x2 = load<f64>(at(a2, r));
    const x3 = load<f64>(at(a3, r));
    t0 += x0 * vr;
    t1 += x1 * vr;
    t2 += x2 * vr;
    t3 += x3 * vr;
    const w = x0 * f64x2.extract_lane(v0, 0) + x1 * f64x2.extract_lane(v1, 0);
    store<f64>(at(y, r), load<f64>(at(y, r)) + w + x2 * f64x2.extract_lane(v2, 0) + x3 * f64x2.extract_lane(v3, 0));
  }
  store<f64>(at(y, c), load<f64>(at(y, c)) + t0);
  store<f64>(at(y, c + 1), load<f64>(at(y, c + 1)) + t1);
  store<f64>(at(y, c + 2), load<f64>(at(y, c + 2)) + t2);
  store<f64>(at(y, c + 3), load<f64>(at(y, c + 3)) + t3);
}

/** y = A v for the m×m symmetric A whose lower triangle is column-major at a (leading dimension lda). */
function symvLower(a: usize, lda: i32, m: i32, v: usize, y: usize): void {
  memory.fill(y, 0, <usize>m << 3);
  let c = 0;
  for (; c < m; c += 4) {
    const w = min(4, m - c);
    // The w×w diagonal block, lower triangle; then the rows below it.
    for (let q = c; q < c + w; q++) {
      const col = at(a, q * lda);
      const vq = load<f64>(at(v, q));
      let t = load<f64>(at(col, q)) * vq;
      for (let r = q + 1; r < c + w; r++) {
        const x = load<f64>(at(col, r));
        t += x * load<f64>(at(v, r));
        store<f64>(at(y, r), load<f64>(at(y, r)) + x * vq);
      }
      store<f64>(at(y, q), load<f64>(at(y, q)) + t);
    }
    if (w == 4) symv4(a, lda, v, y, c, c + 4, m);
  }
}

/**
 * The elementary reflector H = I − τ v vᵀ with H (α, x) = (β, 0), v = (1, x/(α − β)), β = −sign(α)‖(α, x)‖
 * (LAPACK dlarfg): x (len entries after alpha) is overwritten by v's tail and α by β; returns τ (0 when x = 0,
 * H = I). The norm is taken with the largest entry factored out, so no square overflows or underflows.
 */
function reflector(alpha: usize, x: usize, len: i32): f64 {
  let big: f64 = 0;
  for (let i = 0; i < len; i++) big = max(big, abs(load<f64>(at(x, i))));
  if (big == 0) return 0;
  let ss: f64 = 0;
  for (let i = 0; i < len; i++) {
    const t = load<f64>(at(x, i)) / big;
    ss += t * t;
  }
  const a = load<f64>(alpha);
  const xnorm = big * Math.sqrt(ss);
  const beta = -copysign<f64>(Math.hypot(a, xnorm), a);
  const tau = (beta - a) / beta;
  const scale = a - beta; // |a − β| ≥ ‖x‖ ≥ |x_i|: dividing never overflows
  for (let i = 0; i < len; i++) store<f64>(at(x, i), load<f64>(at(x, i)) / scale);
  store<f64>(alpha, beta);
  return tau;
}

/** y −= M x for the len×cols matrix M at m (column-major, leading dimension ld), four columns per pass over y. */
function gemvSub(m: usize, ld: i32, cols: i32, x: usize, y: usize, len: i32): void {
  let q = 0;
  for (; q + 3 < cols; q += 4) {
    const m0 = at(m, q * ld);
    const m1 = at(m0, ld);
    const m2 = at(m1, ld);
    const m3 = at(m2, ld);
    const x0 = v128.load64_splat(at(x, q));
    const x1 = v128.load64_splat(at(x, q + 1));
    const x2 = v128.load64_splat(at(x, q + 2));
    const x3 = v128.load64_splat(at(x, q + 3));
    let r = 0;
    for (; r + 1 < len; r += 2) {
      let s = f64x2.mul(v128.load(at(m0, r)), x0);
      s = madd(s, v128.load(at(m1, r)), x1);
      s = madd(s, v128.load(at(m2, r)), x2);
      s = madd(s, v128.load(at(m3, r)), x3);
      v128.store(at(y, r), f64x2.sub(v128.load(at(y, r)), s));
    }
    if (r < len) {
      const s0 = load<f64>(at(m0, r)) * load<f64>(at(x, q)) + load<f64>(at(m1, r)) * load<f64>(at(x, q + 1));
      const s1 = load<f64>(at(m2, r)) * load<f64>(at(x, q + 2)) + load<f64>(at(m3, r)) * load<f64>(at(x, q + 3));
      store<f64>(at(y, r), load<f64>(at(y, r)) - (s0 + s1));
    }
  }
  for (; q < cols; q++) axpy(-load<f64>(at(x, q)), at(m, q * ld), y, len);
}

/** t = Mᵀ v for the len×cols matrix M at m (column-major, leading dimension ld), four columns per pass over v. */
function gemvT(m: usize, ld: i32, cols: i32, v: usize, t: usize, len: i32): void {
  let q = 0;
  for (; q + 3 < cols; q += 4) {
    const m0 = at(m, q * ld);
    const m1 = at(m0, ld);
    const m2 = at(m1, ld);
    const m3 = at(m2, ld);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let r = 0;
    for (; r + 1 < len; r += 2) {
      const vr = v128.load(at(v, r));
      s0 = madd(s0, v128.load(at(m0, r)), vr);
      s1 = madd(s1, v128.load(at(m1, r)), vr);
      s2 = madd(s2, v128.load(at(m2, r)), vr);
      s3 = madd(s3, v128.load(at(m3, r)), vr);
    }
    let t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    let t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    let t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    let t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
    if (r < len) {
      const vr = load<f64>(at(v, r));
      t0 += load<f64>(at(m0, r)) * vr;
      t1 += load<f64>(at(m1, r)) * vr;
      t2 += load<f64>(at(m2, r)) * vr;
      t3 += load<f64>(at(m3, r)) * vr;
    }
    store<f64>(at(t, q), t0);
    store<f64>(at(t, q + 1), t1);
    store<f64>(at(t, q + 2), t2);
    store<f64>(at(t, q + 3), t3);
  }
  for (; q < cols; q++) store<f64>(at(t, q), dot(at(m, q * ld), v, len));
}

/**
 * Reduces the panel of columns i0..i0+nb−1 (LAPACK dlatrd, lower): column j is first brought up to date with
 * the panel's earlier reflectors through W, then its reflector is formed and W's column j is
 * w = τ (A v − V Wᵀ v − W Vᵀ v) − ½ τ² (vᵀ A v) v, so that the trailing matrix becomes A − V Wᵀ − W Vᵀ.
 */
function panel(A: usize, n: i32, i0: i32, nb: i32, e: usize, tau: usize): void {
  const x = pt;
  const y = at(pt, nb);
  for (let p = 0; p < nb; p++) {
    const j = i0 + p;
    const col = at(A, j * n);
    // A(j:n, j) −= V(j:n, 0:p) W(j, 0:p)ᵀ + W(j:n, 0:p) V(j, 0:p)ᵀ
    for (let q = 0; q < p; q++) {
      store<f64>(at(x, q), load<f64>(at(pW, q * n + j)));
      store<f64>(at(y, q), load<f64>(at(A, (i0 + q) * n + j)));
    }
    gemvSub(at(A, i0 * n + j), n, p, x, at(col, j), n - j);
    gemvSub(at(pW, j), n, p, y, at(col, j), n - j);
    if (j == n - 1) continue;
    const len = n - j - 1;
    const v = at(col, j + 1);
    const t = reflector(v, at(col, j + 2), len - 1);
    store<f64>(at(e, j), load<f64>(v));
    store<f64>(at(tau, j), t);
    store<f64>(v, 1);
    // w = A v − V (Wᵀ v) − W (Vᵀ v), then τ w − ½ τ² (vᵀ A v) v.
    const w = at(pW, p * n + j + 1);
    symvLower(at(A, (j + 1) * n + j + 1), n, len, v, w);
    gemvT(at(pW, j + 1), n, p, v, x, len);
    gemvSub(at(A, i0 * n + j + 1), n, p, x, w, len);
    gemvT(at(A, i0 * n + j + 1), n, p, v, x, len);
    gemvSub(at(pW, j + 1), n, p, x, w, len);
    for (let r = 0; r < len; r++) store<f64>(at(w, r), load<f64>(at(w, r)) * t);
    axpy(-0.5 * t * dot(w, v, len), v, w, len);
  }
}

/**
 * A22 −= V Wᵀ + W Vᵀ on the lower triangle of the trailing m×m matrix (LAPACK's dsyr2k), as
 * [W V]·[V W]ᵀ: one GEMM with inner dimension 2nb per block of CB columns, from the diagonal down.
 */
function trailingUpdate(A: usize, n: i32, i0: i32, nb: i32): void {
  const i1 = i0 + nb;
  const m = n - i1;
  const k2 = 2 * nb;
  for (let q = 0; q < nb; q++) {
    const vq = at(A, (i0 + q) * n + i1);
    const wq = at(pW, q * n + i1);
    for (let r = 0; r < m; r++) {
      const v = load<f64>(at(vq, r));
      const w = load<f64>(at(wq, r));
      store<f64>(at(pP, r * k2 + q), v);
      store<f64>(at(pP, r * k2 + nb + q), w);
      store<f64>(at(pR, r * k2 + q), w);
      store<f64>(at(pR, r * k2 + nb + q), v);
    }
  }
  for (let c0 = 0; c0 < m; c0 += CB) {
    const rows = min(CB, m - c0);
    const cols = m - c0;
    gemm(at(pR, c0 * k2), at(pP, c0 * k2), pC, rows, k2, cols, false, true);
    for (let c = 0; c < rows; c++) subtract(at(A, (i1 + c0 + c) * n + i1 + c0 + c), at(pC, c * cols + c), cols - c);
  }
}

/** The unblocked reduction of the trailing matrix from column i0 (LAPACK dsytd2, lower). */
function unblocked(A: usize, n: i32, i0: i32, e: usize, tau: usize): void {
  const x = pW;
  for (let j = i0; j < n - 1; j++) {
    const col = at(A, j * n);
    const len = n - j - 1;
    const v = at(col, j + 1);
    const t = reflector(v, at(col, j + 2), len - 1);
    const beta = load<f64>(v);
    store<f64>(at(e, j), beta);
    store<f64>(at(tau, j), t);
    if (t == 0) continue;
    store<f64>(v, 1);
    // x = τ A v − ½ τ² (vᵀ A v) v, then the rank-2 update A −= v xᵀ + x vᵀ (dsymv, dsyr2).
    symvLower(at(A, (j + 1) * n + j + 1), n, len, v, x);
    for (let r = 0; r < len; r++) store<f64>(at(x, r), load<f64>(at(x, r)) * t);
    axpy(-0.5 * t * dot(x, v, len), v, x, len);
    for (let c = 0; c < len; c++) {
      const dst = at(A, (j + 1 + c) * n + j + 1 + c);
      axpy(-load<f64>(at(x, c)), at(v, c), dst, len - c);
      axpy(-load<f64>(at(v, c)), at(x, c), dst, len - c);
    }
    store<f64>(v, beta);
  }
}

/**
 * Reduces symmetric A (n×n, lower triangle column-major, overwritten) to tridiagonal T = Qᵀ A Q: d gets T's
 * diagonal, e its off-diagonal (e[j] couples j and j+1), and reflector j (Q = H₀H₁⋯H_{n−2},
 * H_j = I − τ_j v_j v_jᵀ, v_j = e_{j+1} + A(j+2:n, j)) stays below the subdiagonal of column j, τ_j in tau.
 */
export function tridiagonalizeBlocked(A: usize, n: i32, nb: i32, d: usize, e: usize, tau: usize, work: usize): void {
  layout(work, n, nb);
  let i0 = 0;
  for (; n - i0 > NX + nb; i0 += nb) {
    panel(A, n, i0, nb, e, tau);
    trailingUpdate(A, n, i0, nb);
    for (let j = i0; j < i0 + nb; j++) store<f64>(at(A, j * n + j + 1), load<f64>(at(e, j)));
  }
  unblocked(A, n, i0, e, tau);
  for (let j = 0; j < n; j++) store<f64>(at(d, j), load<f64>(at(A, j * n + j)));
  store<f64>(at(tau, n - 1), 0);
}

/**
 * X ← Q X for X (n×ncol, row-major) and Q from tridiagonalizeBlocked, nb reflectors at a time, last block
 * first: H_{j0}⋯H_{j0+kb−1} = I − V T Vᵀ with T upper triangular (dlarft, forward), so the rows below j0
 * become X − V (T (Vᵀ X)), three GEMMs (Vᵀ V, which T is built from, is one too). X is taken in slabs of
 * SW columns, each copied out, transformed by all the blocks while it stays in cache, and copied back.
 */
export function applyReflectorsBlocked(A: usize, n: i32, tau: usize, X: usize, ncol: i32, nb: i32, work: usize): void {
  const reflectors = n - 1;
  if (reflectors <= 0) return;
  layout(work, max(n, ncol), nb);
  // Every block's V (rows j0+1.., unit lower trapezoidal) and T, once, at its offset in pVs and pTs.
  let offset: usize = pVs;
  for (let j0 = 0, b = 0; j0 < reflectors; j0 += nb, b++) {
    const kb = min(nb, reflectors - j0);
    const m = n - j0 - 1;
    const V = offset;
    memory.fill(V, 0, <usize>(m * kb) << 3);
    for (let q = 0; q < kb; q++) {
      store<f64>(at(V, q * kb + q), 1);
      const src = at(A, (j0 + q) * n + j0 + 1);
      for (let r = q + 1; r < m; r++) store<f64>(at(V, r * kb + q), load<f64>(at(src, r)));
    }
    gemm(V, V, pG, kb, m, kb, true, false);
    // T[0:q, q] = −τ_q T[0:q, 0:q] (Vᵀ v_q), column by column.
    const T = at(pTs, b * nb * nb);
    memory.fill(T, 0, <usize>(kb * kb) << 3);
    for (let q = 0; q < kb; q++) {
      const tq = load<f64>(at(tau, j0 + q));
      store<f64>(at(T, q * kb + q), tq);
      for (let i = 0; i < q; i++) {
        let s: f64 = 0;
        for (let l = i; l < q; l++) s += load<f64>(at(T, i * kb + l)) * load<f64>(at(pG, l * kb + q));
        store<f64>(at(T, i * kb + q), -tq * s);
      }
    }
    offset = at(offset, m * kb);
  }
  const blocks = (reflectors + nb - 1) / nb;
  const Y1 = pY;
  const Y2 = at(pY, nb * SW);
  for (let c0 = 0; c0 < ncol; c0 += SW) {
    const w = min(SW, ncol - c0);
    for (let r = 0; r < n; r++) memory.copy(at(pS, r * w), at(X, r * ncol + c0), <usize>w << 3);
    let end = offset;
    for (let b = blocks - 1; b >= 0; b--) {
      const j0 = b * nb;
      const kb = min(nb, reflectors - j0);
      const m = n - j0 - 1;
      const V = end - ((<usize>(m * kb)) << 3);
      end = V;
      const Ss = at(pS, (j0 + 1) * w);
      // Y₁ᵀ = Sᵀ V and Y₂ᵀ = Y₁ᵀ Tᵀ (w×kb), then S −= V Y₂ in row chunks while the product is in cache.
      gemm(Ss, V, Y1, w, m, kb, true, false);
      gemm(Y1, at(pTs, b * nb * nb), Y2, w, kb, kb, false, true);
      for (let r0 = 0; r0 < m; r0 += RB) {
        const rows = min(RB, m - r0);
        gemm(at(V, r0 * kb), Y2, pC, rows, kb, w, false, true);
        subtract(at(Ss, r0 * w), pC, rows * w);
      }
    }
    for (let r = 0; r < n; r++) memory.copy(at(X, r * ncol + c0), at(pS, r * w), <usize>w << 3);
  }
}
