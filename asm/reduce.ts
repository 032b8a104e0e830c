// WASM SIMD kernels for reductions and data movement over tensors resident in linear memory.
//
// A reduction sees its input as [outer, reduced, inner] (the caller moves non-adjacent reduced axes
// together first). With inner = 1 each row is summed pairwise in the fixed order that the TypeScript
// reference (src/core/kernels/layout.ts, pairwiseSum) also follows, so both give the same bits:
// blocks of at most 128 elements, split at (n >> 1) & ~7 above that; within a block eight
// accumulators take the elements i ≡ j (mod 8) in turn, then combine as ((a0+a4)+(a2+a6)) +
// ((a1+a5)+(a3+a7)). Eight lanes are two float32 vectors or four float64 vectors. With inner > 1 the
// rows are added one after another, vectorised along the inner axis, exactly as the reference does.

@inline function isF64<T>(): bool {
  return sizeof<T>() == 8;
}

@inline function at<T>(p: usize, i: i32): usize {
  return p + (<usize>i << (isF64<T>() ? 3 : 2));
}

const LEAF: i32 = 128;

/** x, or x·x (rounded) when squaring: the terms of a sum of squares, added in the same order as a sum. */
@inline function term<T>(v: v128, square: bool): v128 {
  if (!square) return v;
  return isF64<T>() ? f64x2.mul(v, v) : f32x4.mul(v, v);
}

@inline function sterm<T>(v: T, square: bool): T {
  return square ? <T>(v * v) : v;
}

/** The eight partial sums of a block spilled to scratch (8 lanes), with the block's tail added. */
@inline function blockSum<T>(x: usize, n: i32, lane: usize, square: bool): T {
  let i = 0;
  if (isF64<T>()) {
    let v0 = f64x2.splat(0), v1 = f64x2.splat(0), v2 = f64x2.splat(0), v3 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      v0 = f64x2.add(v0, term<T>(v128.load(at<T>(x, i)), square));
      v1 = f64x2.add(v1, term<T>(v128.load(at<T>(x, i + 2)), square));
      v2 = f64x2.add(v2, term<T>(v128.load(at<T>(x, i + 4)), square));
      v3 = f64x2.add(v3, term<T>(v128.load(at<T>(x, i + 6)), square));
    }
    v128.store(lane, v0);
    v128.store(lane, v1, 16);
    v128.store(lane, v2, 32);
    v128.store(lane, v3, 48);
  } else {
    let v0 = f32x4.splat(0), v1 = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      v0 = f32x4.add(v0, term<T>(v128.load(at<T>(x, i)), square));
      v1 = f32x4.add(v1, term<T>(v128.load(at<T>(x, i + 4)), square));
    }
    v128.store(lane, v0);
    v128.store(lane, v1, 16);
  }
  for (let j = 0; i < n; i++, j++) {
    store<T>(at<T>(lane, j), load<T>(at<T>(lane, j)) + sterm<T>(load<T>(at<T>(x, i)), square));
  }
  const t0 = load<T>(at<T>(lane, 0)) + load<T>(at<T>(lane, 4));
  const t1 = load<T>(at<T>(lane, 1)) + load<T>(at<T>(lane, 5));
  const t2 = load<T>(at<T>(lane, 2)) + load<T>(at<T>(lane, 6));
  const t3 = load<T>(at<T>(lane, 3)) + load<T>(at<T>(lane, 7));
  return <T>(<T>(t0 + t2) + <T>(t1 + t3));
}

function pairwise<T>(x: usize, n: i32, lane: usize): T {
  if (n <= LEAF) return blockSum<T>(x, n, lane, false);
  const half = (n >> 1) & ~7;
  return <T>(pairwise<T>(x, half, lane) + pairwise<T>(at<T>(x, half), n - half, lane));
}

/** Σ x², exactly as the pairwise sum of the rounded squares (sum(mul(x, x))) in one pass. */
function pairwiseSquares<T>(x: usize, n: i32, lane: usize): T {
  if (n <= LEAF) return blockSum<T>(x, n, lane, true);
  const half = (n >> 1) & ~7;
  return <T>(pairwiseSquares<T>(x, half, lane) + pairwiseSquares<T>(at<T>(x, half), n - half, lane));
}

function sum<T>(x: usize, out: usize, outer: i32, reduced: i32, inner: i32, lane: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<T>(at<T>(out, o), pairwise<T>(at<T>(x, o * reduced), reduced, lane));
    return;
  }
  const L = 16 / sizeof<T>();
  for (let o = 0; o < outer; o++) {
    const dst = at<T>(out, o * inner);
    memory.fill(dst, 0, <usize>inner * sizeof<T>());
    for (let r = 0; r < reduced; r++) {
      const src = at<T>(x, (o * reduced + r) * inner);
      let i = 0;
      if (isF64<T>()) {
        for (; i + L <= inner; i += L) {
          v128.store(at<T>(dst, i), f64x2.add(v128.load(at<T>(dst, i)), v128.load(at<T>(src, i))));
        }
      } else {
        for (; i + L <= inner; i += L) {
          v128.store(at<T>(dst, i), f32x4.add(v128.load(at<T>(dst, i)), v128.load(at<T>(src, i))));
        }
      }
      for (; i < inner; i++) store<T>(at<T>(dst, i), load<T>(at<T>(dst, i)) + load<T>(at<T>(src, i)));
    }
  }
}

/** Sums of rows; `lane` is 64 bytes of scratch. */
export function sum32(x: usize, out: usize, outer: i32, reduced: i32, inner: i32, lane: usize): void {
  sum<f32>(x, out, outer, reduced, inner, lane);
}

export function sum64(x: usize, out: usize, outer: i32, reduced: i32, inner: i32, lane: usize): void {
  sum<f64>(x, out, outer, reduced, inner, lane);
}

/** The pairwise sum of n contiguous values (one row), for callers that split a long sum across threads. */
export function pairwise32(x: usize, n: i32, lane: usize): f32 {
  return pairwise<f32>(x, n, lane);
}

export function pairwise64(x: usize, n: i32, lane: usize): f64 {
  return pairwise<f64>(x, n, lane);
}

export function squares32(x: usize, n: i32, lane: usize): f32 {
  return pairwiseSquares<f32>(x, n, lane);
}

export function squares64(x: usize, n: i32, lane: usize): f64 {
  return pairwiseSquares<f64>(x, n, lane);
}

/** 1 when every one of n values is finite, else 0 (x − x is 0 for finite x, NaN for ±∞ and NaN). */
export function finite32(x: usize, n: i32): i32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at<f32>(x, i));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2);
  s += f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const v = load<f32>(at<f32>(x, i));
    s += v - v;
  }
  return s == 0 ? 1 : 0;
}

export function finite64(x: usize, n: i32): i32 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(at<f64>(x, i));
    acc = f64x2.add(acc, f64x2.sub(v, v));
  }
  let s: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const v = load<f64>(at<f64>(x, i));
    s += v - v;
  }
  return s == 0 ? 1 : 0;
}

// ---- maximum: the reference keeps the first of equal values (v > m) and sticks at the first NaN ----

@inline function vmax<T>(m: v128, v: v128): v128 {
  if (isF64<T>()) return v128.bitselect(v, m, v128.or(f64x2.gt(v, m), f64x2.ne(v, v)));
  return v128.bitselect(v, m, v128.or(f32x4.gt(v, m), f32x4.ne(v, v)));
}

@inline function smax<T>(m: T, v: T): T {
  return v > m || v != v ? v : m;
}

/** The maximum of one contiguous row, the first NaN if any, and the sign of the first zero at a zero maximum. */
function rowMax<T>(x: usize, n: i32): T {
  const L = 16 / sizeof<T>();
  let i = 0;
  let m: T = <T>-Infinity;
  if (n >= 4 * L) {
    let v = isF64<T>() ? f64x2.splat(-Infinity) : f32x4.splat(-Infinity);
    for (; i + L <= n; i += L) v = vmax<T>(v, v128.load(at<T>(x, i)));
    if (isF64<T>()) {
      m = smax<T>(smax<T>(m, <T>f64x2.extract_lane(v, 0)), <T>f64x2.extract_lane(v, 1));
    } else {
      m = smax<T>(smax<T>(m, <T>f32x4.extract_lane(v, 0)), <T>f32x4.extract_lane(v, 1));
      m = smax<T>(smax<T>(m, <T>f32x4.extract_lane(v, 2)), <T>f32x4.extract_lane(v, 3));
    }
  }
  for (; i < n; i++) m = smax<T>(m, load<T>(at<T>(x, i)));
  if (m != m) {
    for (let k = 0; k < n; k++) {
      const v = load<T>(at<T>(x, k));
      if (v != v) return v;
    }
  }
  if (m == 0) {
    // Lanes may have met +0 and −0 in another order than the reference's scan: take the first zero.
    for (let k = 0; k < n; k++) {
      const v = load<T>(at<T>(x, k));
      if (v == 0) return v;
    }
  }
  return m;
}

function reduceMax<T>(x: usize, out: usize, outer: i32, reduced: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<T>(at<T>(out, o), rowMax<T>(at<T>(x, o * reduced), reduced));
    return;
  }
  const L = 16 / sizeof<T>();
  for (let o = 0; o < outer; o++) {
    const dst = at<T>(out, o * inner);
    for (let i = 0; i < inner; i++) store<T>(at<T>(dst, i), <T>-Infinity);
    for (let r = 0; r < reduced; r++) {
      const src = at<T>(x, (o * reduced + r) * inner);
      let i = 0;
      for (; i + L <= inner; i += L) v128.store(at<T>(dst, i), vmax<T>(v128.load(at<T>(dst, i)), v128.load(at<T>(src, i))));
      for (; i < inner; i++) store<T>(at<T>(dst, i), smax<T>(load<T>(at<T>(dst, i)), load<T>(at<T>(src, i))));
    }
  }
}

export function max32(x: usize, out: usize, outer: i32, reduced: i32, inner: i32): void {
  reduceMax<f32>(x, out, outer, reduced, inner);
}

export function max64(x: usize, out: usize, outer: i32, reduced: i32, inner: i32): void {
  reduceMax<f64>(x, out, outer, reduced, inner);
}

// ---- data movement (element size es = 4 or 8 bytes) ----

/**
 * A strided copy of a block of at most three axes: element (i0, i1, i2) goes from
 * src[i0·s0 + i1·s1 + i2·s2] to dst[i0·d0 + i1·d1 + i2], strides in elements. Contiguous runs are
 * memory.copy; a run of one repeated value (s2 = 0) is a fill.
 */
export function copy3(
  es: i32, src: usize, dst: usize, n0: i32, n1: i32, n2: i32,
  s0: i32, s1: i32, s2: i32, d0: i32, d1: i32,
): void {
  const shift: usize = es == 8 ? 3 : 2;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const from = src + (<usize>(i0 * s0 + i1 * s1) << shift);
      const to = dst + (<usize>(i0 * d0 + i1 * d1) << shift);
      if (s2 == 1) {
        memory.copy(to, from, <usize>n2 << shift);
      } else if (es == 8) {
        if (s2 == 0) {
          const v = load<f64>(from);
          for (let i = 0; i < n2; i++) store<f64>(to + (<usize>i << 3), v);
        } else {
          for (let i = 0; i < n2; i++) store<f64>(to + (<usize>i << 3), load<f64>(from + (<usize>(i * s2) << 3)));
        }
      } else {
        if (s2 == 0) {
          const v = load<f32>(from);
          for (let i = 0; i < n2; i++) store<f32>(to + (<usize>i << 2), v);
        } else {
          for (let i = 0; i < n2; i++) store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>(i * s2) << 2)));
        }
      }
    }
  }
}

/** out (cols × rows) = xᵀ for a row-major rows × cols block, in 32×32 tiles so reads and writes stay in cache. */
export function transpose2(es: i32, x: usize, out: usize, rows: i32, cols: i32): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const iEnd = min(i0 + B, rows);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const jEnd = min(j0 + B, cols);
      if (es == 8) {
        for (let i = i0; i < iEnd; i++) {
          for (let j = j0; j < jEnd; j++) store<f64>(at<f64>(out, j * rows + i), load<f64>(at<f64>(x, i * cols + j)));
        }
      } else {
        for (let i = i0; i < iEnd; i++) {
          for (let j = j0; j < jEnd; j++) store<f32>(at<f32>(out, j * rows + i), load<f32>(at<f32>(x, i * cols + j)));
        }
      }
    }
  }
}
