// WASM SIMD GEMM kernels (AssemblyScript): C (m×n) = op(A) · op(B), row-major, op = identity or
// transpose, in float64 and float32. The structure is the classic one of GotoBLAS/BLIS: pack a
// kc×n panel of op(B) into NR-wide strips and an mc×kc block of op(A) into MR-tall strips, then
// a register-blocked micro-kernel computes each MR×NR tile of C with all its partial sums in
// SIMD registers. Memory is managed by the caller (src/core/kernels/wasm/gemm.ts): every
// pointer below is a byte address it chose in this module's linear memory.

const KC: i32 = 256;
const MC: i32 = 120;

// ---------------------------------------------------------------- float64: MR = 5, NR = 4
// 10 accumulators + 2 B vectors + 1 broadcast: fits the 16 SIMD registers; MR = 6 spills, MR = 4
// issues more loop overhead per flop (measured on one core: 4, 5, 6, 8 rows gave 16, 16-16, 11, 14 GFLOP/s).
const MR64: i32 = 5;
const NR64: i32 = 4;

function packA64(a: usize, m: i32, k: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR64) {
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR64; r++) {
        const i = i0 + ir + r;
        let v: f64 = 0;
        if (ir + r < mc) v = transA ? load<f64>(a + (<usize>((p0 + p) * m + i) << 3)) : load<f64>(a + (<usize>(i * k + p0 + p) << 3));
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

function packB64(b: usize, k: i32, n: i32, transB: bool, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < n; jr += NR64) {
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < NR64; c++) {
        const j = jr + c;
        let v: f64 = 0;
        if (j < n) v = transB ? load<f64>(b + (<usize>(j * k + p0 + p) << 3)) : load<f64>(b + (<usize>((p0 + p) * n + j) << 3));
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

function kernel64(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, rows: i32, cols: i32, scratch: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let c40 = f64x2.splat(0), c41 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a: v128;
    a = v128.load64_splat(ap, 0);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 32);
    c40 = f64x2.add(c40, f64x2.mul(a, b0));
    c41 = f64x2.add(c41, f64x2.mul(a, b1));
    ap += 40;
    bp += 32;
  }
  const ld: usize = <usize>ldc << 3;
  if (rows == MR64 && cols == NR64) {
    let r = c;
    v128.store(r, f64x2.add(v128.load(r), c00)); v128.store(r, f64x2.add(v128.load(r, 16), c01), 16); r += ld;
    v128.store(r, f64x2.add(v128.load(r), c10)); v128.store(r, f64x2.add(v128.load(r, 16), c11), 16); r += ld;
    v128.store(r, f64x2.add(v128.load(r), c20)); v128.store(r, f64x2.add(v128.load(r, 16), c21), 16); r += ld;
    v128.store(r, f64x2.add(v128.load(r), c30)); v128.store(r, f64x2.add(v128.load(r, 16), c31), 16); r += ld;
    v128.store(r, f64x2.add(v128.load(r), c40)); v128.store(r, f64x2.add(v128.load(r, 16), c41), 16); r += ld;
    return;
  }
  v128.store(scratch, c00, 0); v128.store(scratch, c01, 16);
  v128.store(scratch, c10, 32); v128.store(scratch, c11, 48);
  v128.store(scratch, c20, 64); v128.store(scratch, c21, 80);
  v128.store(scratch, c30, 96); v128.store(scratch, c31, 112);
  v128.store(scratch, c40, 128); v128.store(scratch, c41, 144);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const dst = c + <usize>i * ld + (<usize>j << 3);
      store<f64>(dst, load<f64>(dst) + load<f64>(scratch + (<usize>(i * NR64 + j) << 3)));
    }
  }
}

/** C = op(A)·op(B) in float64. packA holds (MC + MR)×KC, packB KC×ceil(n/4)·4 doubles; scratch 20 doubles. */
export function gemm64(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool,
  packA: usize, packB: usize, scratch: usize): void {
  memory.fill(c, 0, <usize>(m * n) << 3);
  // Equal k-blocks of at most KC: a short last block would spend its time loading and storing C.
  const blocks = (k + KC - 1) / KC;
  const KB = (k + blocks - 1) / blocks;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const kc = min(KB, k - p0);
    packB64(b, k, n, transB, p0, kc, packB);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0);
      packA64(a, m, k, transA, i0, p0, mc, kc, packA);
      for (let jr = 0; jr < n; jr += NR64) {
        const bp = packB + (<usize>(jr * kc) << 3);
        const cols = min(NR64, n - jr);
        for (let ir = 0; ir < mc; ir += MR64) {
          const ap = packA + (<usize>(ir * kc) << 3);
          const rows = min(MR64, mc - ir);
          kernel64(ap, bp, kc, c + (<usize>((i0 + ir) * n + jr) << 3), n, rows, cols, scratch);
        }
      }
    }
  }
}

// ---------------------------------------------------------------- float32: MR = 5, NR = 8
// (measured: 4, 5, 6, 8 rows gave 28, 33, 22, 27 GFLOP/s at n = 1024 on one core)
const MR32: i32 = 5;
const NR32: i32 = 8;

function packA32(a: usize, m: i32, k: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR32) {
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR32; r++) {
        const i = i0 + ir + r;
        let v: f32 = 0;
        if (ir + r < mc) v = transA ? load<f32>(a + (<usize>((p0 + p) * m + i) << 2)) : load<f32>(a + (<usize>(i * k + p0 + p) << 2));
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

function packB32(b: usize, k: i32, n: i32, transB: bool, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < n; jr += NR32) {
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < NR32; c++) {
        const j = jr + c;
        let v: f32 = 0;
        if (j < n) v = transB ? load<f32>(b + (<usize>(j * k + p0 + p) << 2)) : load<f32>(b + (<usize>((p0 + p) * n + j) << 2));
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

function kernel32(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, rows: i32, cols: i32, scratch: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a: v128;
    a = v128.load32_splat(ap, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0));
    c41 = f32x4.add(c41, f32x4.mul(a, b1));
    ap += 20;
    bp += 32;
  }
  const ld: usize = <usize>ldc << 2;
  if (rows == MR32 && cols == NR32) {
    let r = c;
    v128.store(r, f32x4.add(v128.load(r), c00)); v128.store(r, f32x4.add(v128.load(r, 16), c01), 16); r += ld;
    v128.store(r, f32x4.add(v128.load(r), c10)); v128.store(r, f32x4.add(v128.load(r, 16), c11), 16); r += ld;
    v128.store(r, f32x4.add(v128.load(r), c20)); v128.store(r, f32x4.add(v128.load(r, 16), c21), 16); r += ld;
    v128.store(r, f32x4.add(v128.load(r), c30)); v128.store(r, f32x4.add(v128.load(r, 16), c31), 16); r += ld;
    v128.store(r, f32x4.add(v128.load(r), c40)); v128.store(r, f32x4.add(v128.load(r, 16), c41), 16); r += ld;
    return;
  }
  v128.store(scratch, c00, 0); v128.store(scratch, c01, 16);
  v128.store(scratch, c10, 32); v128.store(scratch, c11, 48);
  v128.store(scratch, c20, 64); v128.store(scratch, c21, 80);
  v128.store(scratch, c30, 96); v128.store(scratch, c31, 112);
  v128.store(scratch, c40, 128); v128.store(scratch, c41, 144);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const dst = c + <usize>i * ld + (<usize>j << 2);
      store<f32>(dst, load<f32>(dst) + load<f32>(scratch + (<usize>(i * NR32 + j) << 2)));
    }
  }
}

/** C = op(A)·op(B) in float32. packA holds (MC + MR)×KC, packB KC×ceil(n/8)·8 floats; scratch 40 floats. */
export function gemm32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool,
  packA: usize, packB: usize, scratch: usize): void {
  memory.fill(c, 0, <usize>(m * n) << 2);
  // Equal k-blocks of at most KC: a short last block would spend its time loading and storing C.
  const blocks = (k + KC - 1) / KC;
  const KB = (k + blocks - 1) / blocks;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const kc = min(KB, k - p0);
    packB32(b, k, n, transB, p0, kc, packB);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0);
      packA32(a, m, k, transA, i0, p0, mc, kc, packA);
      for (let jr = 0; jr < n; jr += NR32) {
        const bp = packB + (<usize>(jr * kc) << 2);
        const cols = min(NR32, n - jr);
        for (let ir = 0; ir < mc; ir += MR32) {
          const ap = packA + (<usize>(ir * kc) << 2);
          const rows = min(MR32, mc - ir);
          kernel32(ap, bp, kc, c + (<usize>((i0 + ir) * n + jr) << 2), n, rows, cols, scratch);
        }
      }
    }
  }
}

/** Sizes the caller needs for the packing buffers (in elements). */
export const BLOCK_KC: i32 = KC;
export const BLOCK_MC: i32 = MC;
