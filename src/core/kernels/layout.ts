// Reference kernels for reductions and data movement (transpose, slice, pad, concat).
import type { Data } from '../dtype.js';
import { broadcastStrides, stridesOf, type Shape } from '../shape.js';

/**
 * Copies an n-d block: element at multi-index i goes from src[srcOffset + i·srcStrides]
 * to dst[dstOffset + i·dstStrides]. The innermost axis is a tight loop.
 */
export function stridedCopy(
  src: Data,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Data,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: Shape,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  for (const d of shape) if (d === 0) return;
  const inner = shape[rank - 1];
  const ss = srcStrides[rank - 1];
  const ds = dstStrides[rank - 1];
  const counter = new Int32Array(rank);
  let s = srcOffset;
  let d = dstOffset;
  for (;;) {
    if (ss === 1 && ds === 1) {
      for (let i = 0; i < inner; i++) dst[d + i] = src[s + i];
    } else {
      for (let i = 0; i < inner; i++) dst[d + i * ds] = src[s + i * ss];
    }
    let ax = rank - 2;
    for (; ax >= 0; ax--) {
      counter[ax]++;
      s += srcStrides[ax];
      d += dstStrides[ax];
      if (counter[ax] < shape[ax]) break;
      s -= srcStrides[ax] * shape[ax];
      d -= dstStrides[ax] * shape[ax];
      counter[ax] = 0;
    }
    if (ax < 0) return;
  }
}

export function transpose(x: Data, shape: Shape, perm: readonly number[], out: Data): void {
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  if (perm.length === 2 && perm[0] === 1) {
    // Blocked 2-D transpose: both reads and writes stay within cache lines.
    const [r, c] = shape;
    const B = 32;
    for (let i0 = 0; i0 < r; i0 += B) {
      for (let j0 = 0; j0 < c; j0 += B) {
        const iEnd = Math.min(i0 + B, r);
        const jEnd = Math.min(j0 + B, c);
        for (let i = i0; i < iEnd; i++) for (let j = j0; j < jEnd; j++) out[j * r + i] = x[i * c + j];
      }
    }
    return;
  }
  stridedCopy(
    x,
    0,
    perm.map((p) => strides[p]),
    out,
    0,
    stridesOf(outShape),
    outShape,
  );
}

export function slice(x: Data, shape: Shape, starts: readonly number[], ends: readonly number[], out: Data): void {
  const strides = stridesOf(shape);
  const outShape = starts.map((s, i) => ends[i] - s);
  let offset = 0;
  for (let i = 0; i < shape.length; i++) offset += starts[i] * strides[i];
  stridedCopy(x, offset, strides, out, 0, stridesOf(outShape), outShape);
}

/** Writes x into out (already zero) at the given offsets: the transpose of slice, and concat's step. */
export function place(x: Data, shape: Shape, outShape: Shape, starts: readonly number[], out: Data): void {
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (let i = 0; i < outShape.length; i++) offset += starts[i] * outStrides[i];
  stridedCopy(x, 0, stridesOf(shape), out, offset, outStrides, shape);
}

/**
 * Sums n numbers pairwise (as numpy does: error grows like log n rather than n), in the fixed order the
 * WASM SIMD kernel (asm/reduce.ts) also follows, so both give the same bits: blocks of at most 128, split
 * at (n >> 1) & ~7 above that; within a block eight accumulators take the elements i ≡ j (mod 8) in turn
 * and combine as ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)). float32 rounds at every addition.
 */
export function pairwiseSum(x: Data, start: number, n: number, single: boolean): number {
  if (n <= 128) {
    const a = [0, 0, 0, 0, 0, 0, 0, 0];
    if (single) for (let i = 0; i < n; i++) a[i & 7] = Math.fround(a[i & 7] + x[start + i]);
    else for (let i = 0; i < n; i++) a[i & 7] += x[start + i];
    if (!single) return a[0] + a[4] + (a[2] + a[6]) + (a[1] + a[5] + (a[3] + a[7]));
    const f = Math.fround;
    return f(f(f(a[0] + a[4]) + f(a[2] + a[6])) + f(f(a[1] + a[5]) + f(a[3] + a[7])));
  }
  const half = (n >> 1) & ~7;
  const s = pairwiseSum(x, start, half, single) + pairwiseSum(x, start + half, n - half, single);
  return single ? Math.fround(s) : s;
}

/** Σ x² in exactly the additions of pairwiseSum over the rounded squares (sum(mul(x, x)), in one pass). */
export function pairwiseSquares(x: Data, start: number, n: number, single: boolean): number {
  if (n <= 128) {
    const a = [0, 0, 0, 0, 0, 0, 0, 0];
    const f = Math.fround;
    if (single) for (let i = 0; i < n; i++) a[i & 7] = f(a[i & 7] + f(x[start + i] * x[start + i]));
    else for (let i = 0; i < n; i++) a[i & 7] += x[start + i] * x[start + i];
    if (!single) return a[0] + a[4] + (a[2] + a[6]) + (a[1] + a[5] + (a[3] + a[7]));
    return f(f(f(a[0] + a[4]) + f(a[2] + a[6])) + f(f(a[1] + a[5]) + f(a[3] + a[7])));
  }
  const half = (n >> 1) & ~7;
  const s = pairwiseSquares(x, start, half, single) + pairwiseSquares(x, start + half, n - half, single);
  return single ? Math.fround(s) : s;
}

/**
 * Splits the axes of `shape` into a contiguous [outer, reduced, inner] view when the reduced
 * axes are one contiguous run; returns null otherwise.
 */
export function contiguousRun(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  let outer = 1;
  let reduced = 1;
  let inner = 1;
  for (let i = 0; i < shape.length; i++) {
    if (axes.length > 0 && i < axes[0]) outer *= shape[i];
    else if (axes.length > 0 && i <= axes[axes.length - 1]) reduced *= shape[i];
    else inner *= shape[i];
  }
  if (axes.length === 0) return [outer * inner, 1, 1];
  return [outer, reduced, inner];
}

/** Moves the reduced axes last (a copy), so every reduction is a contiguous run. */
function reducedLast(x: Data, shape: Shape, axes: readonly number[]): { data: Data; shape: number[]; axes: number[] } {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const out = new (x.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(x.length);
  transpose(x, shape, perm, out);
  return { data: out, shape: perm.map((p) => shape[p]), axes: axes.map((_, i) => kept.length + i) };
}

/** x viewed as [outer, reduced, inner] (moving the reduced axes last first when they are not one run). */
function reductionView(x: Data, shape: Shape, axes: readonly number[]): { data: Data; run: [number, number, number] } {
  const run = contiguousRun(shape, axes);
  if (run !== null) return { data: x, run };
  const moved = reducedLast(x, shape, axes);
  return { data: moved.data, run: contiguousRun(moved.shape, moved.axes) as [number, number, number] };
}

export function sum(input: Data, shape: Shape, axes: readonly number[], out: Data): void {
  const { data: x, run } = reductionView(input, shape, axes);
  const [outer, reduced, inner] = run;
  const single = x instanceof Float32Array;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = pairwiseSum(x, o * reduced, reduced, single);
    return;
  }
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let r = 0; r < reduced; r++) {
      const src = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) out[base + i] += x[src + i];
    }
  }
}

export function reduceMax(input: Data, shape: Shape, axes: readonly number[], out: Data): void {
  const { data: x, run } = reductionView(input, shape, axes);
  const [outer, reduced, inner] = run;
  out.fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let r = 0; r < reduced; r++) {
      const src = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[src + i];
        const m = out[base + i];
        if (v > m || v !== v) out[base + i] = v;
        else if (m !== m) out[base + i] = m;
      }
    }
  }
}

/** Element strides of x (shape) read as the broadcast target shape: 0 along broadcast axes. */
export function broadcastStridesOf(shape: Shape, target: Shape): number[] {
  return broadcastStrides(shape, target);
}

/** Visits each row along `axis` of `shape`: (first element's offset, stride, length). */
function forEachRow(shape: Shape, axis: number, visit: (start: number, stride: number, n: number) => void): void {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape[axis];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) visit(o * n * inner + i, inner, n);
}

/** The shift that keeps exp from overflowing: the row's maximum when finite, else 0 (an all −∞ row stays −∞). */
function rowShift(x: Data, start: number, stride: number, n: number): number {
  let m = -Infinity;
  for (let c = 0; c < n; c++) {
    const v = x[start + c * stride];
    if (v > m || v !== v) m = v;
  }
  return m - m === 0 ? m : 0;
}

/** softmax along an axis, computed in float64 and rounded once to the output's dtype. */
export function softmax(x: Data, shape: Shape, axis: number, out: Data): void {
  forEachRow(shape, axis, (start, stride, n) => {
    const shift = rowShift(x, start, stride, n);
    let total = 0;
    for (let c = 0; c < n; c++) total += Math.exp(x[start + c * stride] - shift);
    for (let c = 0; c < n; c++) out[start + c * stride] = Math.exp(x[start + c * stride] - shift) / total;
  });
}

/** −Σ_c y_c (z_c − logsumexp z) per row along an axis, computed in float64 and rounded once. */
export function crossEntropy(z: Data, y: Data, shape: Shape, axis: number, out: Data): void {
  let row = 0;
  forEachRow(shape, axis, (start, stride, n) => {
    const shift = rowShift(z, start, stride, n);
    let total = 0;
    for (let c = 0; c < n; c++) total += Math.exp(z[start + c * stride] - shift);
    const lse = shift + Math.log(total);
    let loss = 0;
    for (let c = 0; c < n; c++) loss += y[start + c * stride] * (z[start + c * stride] - lse);
    out[row++] = -loss;
  });
}
