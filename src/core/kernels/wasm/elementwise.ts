// Runs the elementwise, reduction and copy kernels of asm/ on resident storage (storage.ts): the
// broadcast becomes a plan of at most three axes, operands that live in ordinary arrays are copied in
// (staged), and the output is written in place. Each function returns false, doing nothing, when it
// cannot run here (no WASM, or no memory to stage into), so the caller runs the reference kernel.
import type { BinaryPrimitive, CompareOp } from '../../primitives.js';
import { broadcastStrides, stridesOf, type Shape } from '../../shape.js';
import { numbersOf, releaseStaged, staged, type Numbers, type Operand, type Storage } from '../../storage.js';
import { wasmRuntime, type SaddleWasm } from './module.js';
import { wasmHeap } from './heap.js';
import { awaitPosted, post, threadsReady, type ThreadKernel } from './threads.js';

/** Elements from which an elementwise op or a reduction is split between two threads (when enabled). */
export const PARALLEL_ELEMENTS = 1 << 16;

export const BINARY_CODES: Record<Exclude<BinaryPrimitive, 'pow'>, number> = { add: 0, sub: 1, mul: 2, div: 3, max: 4 };
export const COMPARE_CODES: Record<CompareOp, number> = { lt: 0, le: 1, gt: 2, ge: 3, eq: 4, ne: 5 };
export const UNARY_CODES = { neg: 0, sqrt: 1, relu: 2 } as const;
export type WasmUnary = keyof typeof UNARY_CODES;

/** The output's axes merged wherever every operand steps through them as through one axis; length-1 axes dropped. */
export function broadcastPlan(outShape: Shape, shapes: readonly Shape[]): { dims: number[]; strides: number[][] } {
  const full = shapes.map((s) => broadcastStrides(s, outShape));
  const dims: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let i = 0; i < outShape.length; i++) {
    const n = outShape[i];
    if (n === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && full.every((s, k) => strides[k][last] === s[i] * n)) {
      dims[last] *= n;
      full.forEach((s, k) => (strides[k][last] = s[i]));
    } else {
      dims.push(n);
      full.forEach((s, k) => strides[k].push(s[i]));
    }
  }
  if (dims.length === 0) return { dims: [1], strides: shapes.map(() => [0]) };
  return { dims, strides };
}

/**
 * Calls a three-axis kernel for each block of a plan (leading axes beyond three are looped here):
 * `call(offsets, n0, n1, n2, strides)` with each operand's element offset and its three strides.
 */
function forEachBlock(
  dims: readonly number[],
  strides: readonly (readonly number[])[],
  call: (offsets: number[], n0: number, n1: number, n2: number, s: number[][]) => void,
): void {
  const r = dims.length;
  const pad = Math.max(0, 3 - r);
  const tail = (k: number) => [...new Array<number>(pad).fill(0), ...strides[k].slice(Math.max(0, r - 3))];
  const [n0, n1, n2] = [...new Array<number>(pad).fill(1), ...dims.slice(Math.max(0, r - 3))];
  const s = strides.map((_, k) => tail(k));
  const lead = Math.max(0, r - 3);
  let blocks = 1;
  for (let i = 0; i < lead; i++) blocks *= dims[i];
  const offsets = strides.map(() => 0);
  const outStrides = stridesOf(dims.slice(0, lead));
  for (let b = 0; b < blocks; b++) {
    let rem = b;
    offsets.fill(0);
    for (let i = 0; i < lead; i++) {
      const idx = Math.floor(rem / outStrides[i]);
      rem -= idx * outStrides[i];
      strides.forEach((st, k) => (offsets[k] += idx * st[i]));
    }
    call(
      offsets.map((o) => o),
      n0,
      n1,
      n2,
      s,
    );
  }
}

function runtime(): SaddleWasm | null {
  return wasmRuntime()?.exports ?? null;
}

const es = (st: Numbers) => (st.dtype === 'float64' ? 8 : 4);

/** The byte address of resident numbers (the caller has checked they are). */
const ptrOf = (o: Numbers): number => (o.block as Storage).ptr;

/** Stages every input (or none): resident pointers for the kernel, or null to fall back. */
function pointers(inputs: readonly Numbers[], temps: Storage[]): number[] | null {
  const ptrs: number[] = [];
  for (const st of inputs) {
    const s = staged(st, temps);
    if (s === null) {
      releaseStaged(temps);
      return null;
    }
    ptrs.push(s.ptr);
  }
  return ptrs;
}

/**
 * One block of a three-axis plan, on two threads when it is large: split along the first axis longer than 1
 * (the innermost at a multiple of 16), each thread computing its own elements exactly as one thread would.
 */
function runBlock(
  ex: SaddleWasm,
  kernel: ThreadKernel,
  head: number[],
  ptrs: readonly number[],
  out: number,
  dims: [number, number, number],
  s: readonly number[][],
  size: number,
): void {
  const call = (k: ThreadKernel, p: readonly number[], o: number, d: readonly number[]) => {
    const args = [...head, ...p, o, d[0], d[1], d[2]];
    for (const st of s) args.push(st[0], st[1], st[2]);
    return args;
  };
  const total = dims[0] * dims[1] * dims[2];
  const axis = dims[0] > 1 ? 0 : dims[1] > 1 ? 1 : 2;
  const n = dims[axis];
  const split = axis === 2 ? Math.floor(n / 2 / 16) * 16 : Math.floor(n / 2);
  const fn = ex[kernel] as (...a: number[]) => void;
  if (!threadsReady() || total < PARALLEL_ELEMENTS || split === 0) {
    fn(...call(kernel, ptrs, out, dims));
    return;
  }
  const outStride = axis === 0 ? dims[1] * dims[2] : axis === 1 ? dims[2] : 1;
  const second = [...dims];
  second[axis] = n - split;
  const first = [...dims];
  first[axis] = split;
  post(
    kernel,
    call(
      kernel,
      ptrs.map((p, k) => p + split * s[k][axis] * size),
      out + split * outStride * size,
      second,
    ),
  );
  fn(...call(kernel, ptrs, out, first));
  awaitPosted();
}

/**
 * A broadcasting elementwise kernel of asm/elementwise.ts on resident output: `binary` and `compare` take an op
 * code, `select` none; inputs are staged when ordinary. Large blocks run on two threads.
 */
export function wasmElementwise(
  family: 'binary' | 'compare' | 'select',
  code: number | null,
  inputs: readonly Operand[],
  out: Operand,
): boolean {
  const ex = runtime();
  if (ex === null) return false;
  const temps: Storage[] = [];
  const ptrs = pointers(inputs, temps);
  if (ptrs === null) return false;
  const kernel: ThreadKernel = `${family}${out.dtype === 'float64' ? 64 : 32}`;
  const head = code === null ? [] : [code];
  const { dims, strides } = broadcastPlan(
    out.shape,
    inputs.map((t) => t.shape),
  );
  const size = es(out);
  const outBlock = dims.slice(Math.max(0, dims.length - 3)).reduce((p, d) => p * d, 1);
  let outOffset = 0;
  forEachBlock(dims, strides, (offsets, n0, n1, n2, s) => {
    runBlock(
      ex,
      kernel,
      head,
      ptrs.map((p, k) => p + offsets[k] * size),
      ptrOf(out) + outOffset * size,
      [n0, n1, n2],
      s,
      size,
    );
    outOffset += outBlock;
  });
  releaseStaged(temps);
  return true;
}

export function wasmUnary(op: WasmUnary, x: Numbers, out: Numbers): boolean {
  const ex = runtime();
  if (ex === null) return false;
  const temps: Storage[] = [];
  const ptrs = pointers([x], temps);
  if (ptrs === null) return false;
  const kernel = out.dtype === 'float64' ? 'unary64' : 'unary32';
  const size = es(out);
  const n = out.size;
  if (!threadsReady() || n < PARALLEL_ELEMENTS) ex[kernel](UNARY_CODES[op], ptrs[0], ptrOf(out), n);
  else {
    const split = Math.floor(n / 2 / 16) * 16;
    post(kernel, [UNARY_CODES[op], ptrs[0] + split * size, ptrOf(out) + split * size, n - split]);
    ex[kernel](UNARY_CODES[op], ptrs[0], ptrOf(out), split);
    awaitPosted();
  }
  releaseStaged(temps);
  return true;
}

/** The transcendental kernels of asm/math.ts (float32, correctly rounded) and asm/math64.ts (float64, ≤ 1 ulp). */
export const MATH32 = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'sin', 'cos'] as const;
export const MATH64 = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus'] as const;
export type Math32 = (typeof MATH32)[number];

/** Scratch for small ordinary inputs and outputs of the math kernels: 2 × 1024 doubles, kept. */
let mathScratch = -1;
const MATH_SCRATCH = 1024;

/**
 * A transcendental op. It runs in WASM whatever the storage (ordinary operands are copied through its memory),
 * so a result never depends on whether a scope made it resident, or on the tensor's size; large ones on two
 * threads.
 */
export function wasmMath(op: Math32, x: Numbers, out: Numbers): boolean {
  const ex = runtime();
  if (ex === null) return false;
  const n = out.size;
  const size = es(out);
  const kernel = `${op}${size === 8 ? 64 : 32}` as ThreadKernel;
  const run = (xp: number, op2: number, count: number) => {
    if (!threadsReady() || count < PARALLEL_ELEMENTS) return ex[kernel](xp, op2, count);
    const split = Math.floor(count / 2 / 16) * 16;
    post(kernel, [xp + size * split, op2 + size * split, count - split]);
    ex[kernel](xp, op2, split);
    awaitPosted();
  };
  if (out.block !== null && out.block.ptr >= 0) {
    const temps: Storage[] = [];
    const ptrs = pointers([x], temps);
    if (ptrs === null) return false;
    run(ptrs[0], ptrOf(out), n);
    releaseStaged(temps);
    return true;
  }
  const View = size === 8 ? Float64Array : Float32Array;
  const memory = () => (wasmRuntime() as NonNullable<ReturnType<typeof wasmRuntime>>).memory.buffer as ArrayBuffer;
  if (n <= MATH_SCRATCH) {
    if (mathScratch < 0) mathScratch = wasmHeap()?.alloc(16 * MATH_SCRATCH) ?? -1;
    if (mathScratch < 0) return false;
    new View(memory(), mathScratch, n).set(numbersOf(x));
    run(mathScratch, mathScratch + 8 * MATH_SCRATCH, n);
    numbersOf(out).set(new View(memory(), mathScratch + 8 * MATH_SCRATCH, n));
    return true;
  }
  const heap = wasmHeap();
  const ptr = heap?.alloc(2 * size * n) ?? -1;
  if (heap === null || ptr < 0) return false;
  new View(memory(), ptr, n).set(numbersOf(x));
  run(ptr, ptr + size * n, n);
  numbersOf(out).set(new View(memory(), ptr + size * n, n));
  heap.release(ptr, 2 * size * n);
  return true;
}

export function wasmCast(x: Numbers, out: Numbers): boolean {
  const ex = runtime();
  if (ex === null) return false;
  const temps: Storage[] = [];
  const ptrs = pointers([x], temps);
  if (ptrs === null) return false;
  (out.dtype === 'float32' ? ex.castTo32 : ex.castTo64)(ptrs[0], ptrOf(out), out.size);
  releaseStaged(temps);
  return true;
}

/** Scratch for the pairwise sum's eight lanes: 64 bytes for this thread, 64 for the worker. */
let laneBlock = -1;

function lanes(): number {
  if (laneBlock < 0) laneBlock = wasmHeap()?.alloc(128) ?? -1;
  return laneBlock;
}

/** This thread's 64 bytes of lane scratch (−1 when there is no heap). */
export function laneScratch(): number {
  return lanes();
}

/**
 * A reduction over [outer, reduced, inner] of a contiguous input (the caller has moved the reduced axes
 * together); `sum` or `max`. Large sums use both threads: rows are split between them, or a single long
 * row's pairwise tree is split at its top (the same tree, so the same bits).
 */
export function wasmReduce(
  kind: 'sum' | 'max',
  x: Numbers,
  out: Numbers,
  outer: number,
  reduced: number,
  inner: number,
): boolean {
  const ex = runtime();
  if (ex === null || lanes() < 0) return false;
  const temps: Storage[] = [];
  const ptrs = pointers([x], temps);
  if (ptrs === null) return false;
  const f64 = out.dtype === 'float64';
  const size = es(out);
  const parallel = threadsReady() && outer * reduced * inner >= PARALLEL_ELEMENTS;
  if (kind === 'max') (f64 ? ex.max64 : ex.max32)(ptrs[0], ptrOf(out), outer, reduced, inner);
  else if (parallel && outer >= 2) {
    const split = Math.floor(outer / 2);
    const kernel = f64 ? 'sum64' : 'sum32';
    const rowBytes = reduced * inner * size;
    post(kernel, [
      ptrs[0] + split * rowBytes,
      ptrOf(out) + split * inner * size,
      outer - split,
      reduced,
      inner,
      lanes() + 64,
    ]);
    ex[kernel](ptrs[0], ptrOf(out), split, reduced, inner, lanes());
    awaitPosted();
  } else if (parallel && inner === 1 && reduced > 128) {
    // pairwise(n) = pairwise(half) + pairwise(n − half) at the top of the tree, as asm/reduce.ts splits it.
    const half = (reduced >> 1) & ~7;
    post(f64 ? 'pairwise64' : 'pairwise32', [ptrs[0] + half * size, reduced - half, lanes() + 64]);
    const left = (f64 ? ex.pairwise64 : ex.pairwise32)(ptrs[0], half, lanes());
    const total = left + awaitPosted();
    numbersOf(out)[0] = f64 ? total : Math.fround(total);
  } else (f64 ? ex.sum64 : ex.sum32)(ptrs[0], ptrOf(out), outer, reduced, inner, lanes());
  releaseStaged(temps);
  return true;
}

/**
 * Copies x (shape `shape`, contiguous) into out: element i of a block of `shape` goes from
 * x[srcOffset + i·srcStrides] to out[dstOffset + i·dstStrides] (element strides; the destination's
 * innermost stride must be 1, the source's may be anything, 0 included).
 */
export function wasmCopy(
  x: Numbers,
  srcOffset: number,
  srcStrides: readonly number[],
  out: Numbers,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: Shape,
): boolean {
  const ex = runtime();
  if (ex === null) return false;
  if (shape.some((d) => d === 0)) return true;
  const temps: Storage[] = [];
  const ptrs = pointers([x], temps);
  if (ptrs === null) return false;
  const size = es(out);
  // Merge axes where both sides step as through one, then run three axes at a time.
  const dims: number[] = [];
  const ss: number[] = [];
  const ds: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && ss[last] === srcStrides[i] * shape[i] && ds[last] === dstStrides[i] * shape[i]) {
      dims[last] *= shape[i];
      ss[last] = srcStrides[i];
      ds[last] = dstStrides[i];
    } else {
      dims.push(shape[i]);
      ss.push(srcStrides[i]);
      ds.push(dstStrides[i]);
    }
  }
  // The kernel writes runs along the last axis contiguously: end with a destination stride of 1.
  if (dims.length === 0 || ds[ds.length - 1] !== 1) {
    dims.push(1);
    ss.push(0);
    ds.push(1);
  }
  forEachBlock(dims, [ss, ds], (offsets, n0, n1, n2, s) => {
    ex.copy3(
      size,
      ptrs[0] + (srcOffset + offsets[0]) * size,
      ptrOf(out) + (dstOffset + offsets[1]) * size,
      n0,
      n1,
      n2,
      s[0][0],
      s[0][1],
      s[0][2],
      s[1][0],
      s[1][1],
    );
  });
  releaseStaged(temps);
  return true;
}

/** out = xᵀ for each of `batch` row-major rows × cols matrices. */
export function wasmTranspose2(x: Numbers, out: Numbers, batch: number, rows: number, cols: number): boolean {
  const ex = runtime();
  if (ex === null) return false;
  const temps: Storage[] = [];
  const ptrs = pointers([x], temps);
  if (ptrs === null) return false;
  const size = es(out);
  for (let b = 0; b < batch; b++) {
    ex.transpose2(size, ptrs[0] + b * rows * cols * size, ptrOf(out) + b * rows * cols * size, rows, cols);
  }
  releaseStaged(temps);
  return true;
}
