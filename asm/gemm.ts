// WASM SIMD GEMM kernels (AssemblyScript): C (m×n) = op(A) · op(B), row-major, op = identity or
// transpose, in float64 and float32. The structure is the classic one of GotoBLAS/BLIS: pack a
// kc×n panel of op(B) into NR-wide strips and an mc×kc block of op(A) into MR-tall strips, then
// a register-blocked micro-kernel computes each MR×NR tile of C with all its partial sums in
// SIMD registers. Memory is managed by the caller (src/core/kernels/wasm/gemm.ts): every
// pointer below is a byte address it chose in this module's linear memory.
//
// One generic source serves both dtypes: T is f64 (two lanes) or f32 (four lanes), resolved at
// compile time. A tile is MR = 5 rows by two vectors (NR = 4 doubles or 8 floats): 10 accumulators,
// 2 B vectors and 1 broadcast fit the 16 SIMD registers. Measured on one core (n = 1024): 4, 5, 6
// and 8 rows gave 16, 16, 11, 14 GFLOP/s (f64) and 28, 33, 22, 27 (f32); unrolling k hurt. The
// relaxed-SIMD build fuses each multiply-add (WASM SIMD has no FMA otherwise): 23 and 42 GFLOP/s.

const KC: i32 = 256;
const MR: i32 = 5;
const MC: i32 = MR * 24;

@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

@inline function splat<T>(p: usize): v128 {
  return sizeof<T>() == 8 ? v128.load64_splat(p) : v128.load32_splat(p);
}

/** c + a·b: fused where the relaxed-SIMD build runs on hardware with FMA, else a multiply and an add. */
@inline function madd<T>(c: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return sizeof<T>() == 8 ? f64x2.relaxed_madd(a, b, c) : f32x4.relaxed_madd(a, b, c);
  return sizeof<T>() == 8 ? f64x2.add(c, f64x2.mul(a, b)) : f32x4.add(c, f32x4.mul(a, b));
}

@inline function vadd<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 8 ? f64x2.add(a, b) : f32x4.add(a, b);
}

@inline function elem<T>(base: usize, index: i32): usize {
  return base + (<usize>index << (sizeof<T>() == 8 ? 3 : 2));
}

function packA<T>(a: usize, m: i32, k: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    if (transA && ir + MR <= mc) {
      // Aᵀ: the panel's MR values of each step are contiguous; copy them as vectors (the stores overlap).
      let src = elem<T>(a, p0 * m + i0 + ir);
      const step = <usize>m * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        if (sizeof<T>() == 4) {
          v128.store(dst, v128.load(src));
          store<T>(dst + 16, load<T>(src + 16));
        } else {
          v128.store(dst, v128.load(src));
          v128.store(dst + 16, v128.load(src + 16));
          store<T>(dst + 32, load<T>(src + 32));
        }
        dst += <usize>MR * sizeof<T>();
        src += step;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const i = i0 + ir + r;
        let v: T = <T>0;
        if (ir + r < mc) v = transA ? load<T>(elem<T>(a, (p0 + p) * m + i)) : load<T>(elem<T>(a, i * k + p0 + p));
        store<T>(dst, v);
        dst += sizeof<T>();
      }
    }
  }
}

function packB<T>(b: usize, k: i32, n: i32, transB: bool, p0: i32, kc: i32, dst: usize): void {
  const nr = 2 * lanes<T>();
  for (let jr = 0; jr < n; jr += nr) {
    if (!transB && jr + nr <= n) {
      // A whole strip of op(B) = B: each k-row's nr values are contiguous, two vectors.
      let src = elem<T>(b, p0 * n + jr);
      const step = <usize>n * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < nr; c++) {
        const j = jr + c;
        let v: T = <T>0;
        if (j < n) v = transB ? load<T>(elem<T>(b, j * k + p0 + p)) : load<T>(elem<T>(b, (p0 + p) * n + j));
        store<T>(dst, v);
        dst += sizeof<T>();
      }
    }
  }
}

/**
 * One MR×NR tile of C += A·B over kc steps. Row r of the A panel is read at ap + r·aRow, advancing aStep
 * per step: a packed panel interleaves the rows (aRow = one element, aStep = MR elements); rows of a
 * row-major A are read in place (aRow = its row length, aStep = one element), which needs no packing.
 */
function kernel<T>(ap: usize, aRow: usize, aStep: usize, bp: usize, kc: i32, c: usize, ldc: i32, rows: i32,
  cols: i32, scratch: usize): void {
  const zero = i64x2.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero, c40 = zero, c41 = zero;
  const es = sizeof<T>();
  const a2 = aRow * 2;
  const a3 = aRow * 3;
  const a4 = aRow * 4;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = splat<T>(ap);
    c00 = madd<T>(c00, a, b0);
    c01 = madd<T>(c01, a, b1);
    a = splat<T>(ap + aRow);
    c10 = madd<T>(c10, a, b0);
    c11 = madd<T>(c11, a, b1);
    a = splat<T>(ap + a2);
    c20 = madd<T>(c20, a, b0);
    c21 = madd<T>(c21, a, b1);
    a = splat<T>(ap + a3);
    c30 = madd<T>(c30, a, b0);
    c31 = madd<T>(c31, a, b1);
    a = splat<T>(ap + a4);
    c40 = madd<T>(c40, a, b0);
    c41 = madd<T>(c41, a, b1);
    ap += aStep;
    bp += 32;
  }
  const ld: usize = <usize>ldc * es;
  const nr = 2 * lanes<T>();
  if (rows == MR && cols == nr) {
    let r = c;
    v128.store(r, vadd<T>(v128.load(r), c00)); v128.store(r, vadd<T>(v128.load(r, 16), c01), 16); r += ld;
    v128.store(r, vadd<T>(v128.load(r), c10)); v128.store(r, vadd<T>(v128.load(r, 16), c11), 16); r += ld;
    v128.store(r, vadd<T>(v128.load(r), c20)); v128.store(r, vadd<T>(v128.load(r, 16), c21), 16); r += ld;
    v128.store(r, vadd<T>(v128.load(r), c30)); v128.store(r, vadd<T>(v128.load(r, 16), c31), 16); r += ld;
    v128.store(r, vadd<T>(v128.load(r), c40)); v128.store(r, vadd<T>(v128.load(r, 16), c41), 16);
    return;
  }
  // An edge tile: spill the accumulators and add only the valid part.
  v128.store(scratch, c00); v128.store(scratch, c01, 16);
  v128.store(scratch, c10, 32); v128.store(scratch, c11, 48);
  v128.store(scratch, c20, 64); v128.store(scratch, c21, 80);
  v128.store(scratch, c30, 96); v128.store(scratch, c31, 112);
  v128.store(scratch, c40, 128); v128.store(scratch, c41, 144);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const dst = c + <usize>i * ld + <usize>j * es;
      store<T>(dst, load<T>(dst) + load<T>(elem<T>(scratch, i * nr + j)));
    }
  }
}

/** Rows [rowStart, rowEnd) of C: two threads split C by rows, each with its own packing buffers. */
function gemm<T>(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool,
  packAPtr: usize, packBPtr: usize, scratch: usize, rowStart: i32, rowEnd: i32): void {
  const es = sizeof<T>();
  const nr = 2 * lanes<T>();
  memory.fill(elem<T>(c, rowStart * n), 0, <usize>((rowEnd - rowStart) * n) * es);
  // Equal k-blocks of at most KC: a short last block would spend its time loading and storing C.
  const blocks = (k + KC - 1) / KC;
  const KB = (k + blocks - 1) / blocks;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const kc = min(KB, k - p0);
    packB<T>(b, k, n, transB, p0, kc, packBPtr);
    for (let i0 = rowStart; i0 < rowEnd; i0 += MC) {
      const mc = min(MC, rowEnd - i0);
      // op(A) = A is read in place, whole micro-panels of rows at a time; only a last partial panel, and
      // Aᵀ (whose rows are strided), are packed.
      const direct = transA ? 0 : (mc / MR) * MR;
      if (direct < mc) packA<T>(a, m, k, transA, i0 + direct, p0, mc - direct, kc, packAPtr);
      for (let jr = 0; jr < n; jr += nr) {
        const bp = packBPtr + <usize>(jr * kc) * es;
        const cols = min(nr, n - jr);
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const cp = elem<T>(c, (i0 + ir) * n + jr);
          if (ir < direct) {
            const ap = elem<T>(a, (i0 + ir) * k + p0);
            kernel<T>(ap, <usize>k * es, es, bp, kc, cp, n, rows, cols, scratch);
          } else {
            const ap = packAPtr + <usize>((ir - direct) * kc) * es;
            kernel<T>(ap, es, <usize>MR * es, bp, kc, cp, n, rows, cols, scratch);
          }
        }
      }
    }
  }
}

/** C = op(A)·op(B) in float64. packA holds MC×KC doubles, packB KC×ceil(n/4)·4; scratch 20. */
export function gemm64(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool,
  packA: usize, packB: usize, scratch: usize, rowStart: i32, rowEnd: i32): void {
  gemm<f64>(a, b, c, m, k, n, transA, transB, packA, packB, scratch, rowStart, rowEnd);
}

/** C = op(A)·op(B) in float32. packA holds MC×KC floats, packB KC×ceil(n/8)·8; scratch 40. */
export function gemm32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool,
  packA: usize, packB: usize, scratch: usize, rowStart: i32, rowEnd: i32): void {
  gemm<f32>(a, b, c, m, k, n, transA, transB, packA, packB, scratch, rowStart, rowEnd);
}

/** Sizes the caller needs for the packing buffers (in elements). */
export const BLOCK_KC: i32 = KC;
export const BLOCK_MC: i32 = MC;
