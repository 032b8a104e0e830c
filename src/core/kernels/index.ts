// The kernel interface: every primitive's concrete evaluation goes through here, on storage (storage.ts).
// The TypeScript kernels are the reference; where the output is resident in WASM memory the WASM SIMD
// kernels run instead, in place, and tests compare the two. Outputs in ordinary arrays (no scope owns
// them) use the reference kernels, except large matrix products, which copy through WASM memory.
import type { Data } from '../dtype.js';
import type { BinaryPrimitive, CompareOp, UnaryPrimitive } from '../primitives.js';
import { shapeSize, stridesOf, type Shape } from '../shape.js';
import { isResident, numbersOf, scratchBlock, type Numbers, type Operand, type Storage } from '../storage.js';
import * as R from './elementwise.js';
import * as L from './layout.js';
import { gemmReference, type GemmArgs } from './matmul-reference.js';
import * as W from './wasm/elementwise.js';
import { wasmGemm, wasmGemmResident } from './wasm/gemm.js';
import { wasmHeap } from './wasm/heap.js';
import { wasmRuntime } from './wasm/module.js';
import { wasmTridiagonalize } from './wasm/symmetric.js';

export { UNARY_FUNCTIONS, BINARY_FUNCTIONS, COMPARE_FUNCTIONS, forEachBroadcast } from './elementwise.js';
export { stridedCopy, pairwiseSum } from './layout.js';
export {
  enableThreads,
  serveGemm,
  threadsEnabled,
  threadsReady,
  type GemmWorkerInit,
  type ThreadOptions,
} from './wasm/threads.js';
export { gemmReference, type GemmArgs };

/** Below this many multiply-adds the reference loop beats copying ordinary arrays into WASM memory. */
const WASM_GEMM_THRESHOLD = 4096;

let useWasm = true;

/** Turns the WASM kernels off (true) or back on, e.g. to compare against the reference. */
export function setReferenceKernels(reference: boolean): void {
  useWasm = !reference;
}

/** Whether the WASM kernels are on (setReferenceKernels). */
export function wasmKernelsOn(): boolean {
  return useWasm;
}

export { preferPlainSimd } from './wasm/module.js';

export interface KernelInfo {
  wasm: boolean;
  active: 'wasm' | 'reference';
  /** Whether the GEMM fuses multiply-adds (the relaxed-SIMD build). */
  fusedMultiplyAdd: boolean;
  /** Whether WASM memory is shared (resident tensors never move; a second thread can join). */
  sharedMemory: boolean;
}

export function kernelInfo(): KernelInfo {
  const rt = wasmRuntime();
  return {
    wasm: rt !== null,
    active: rt !== null && useWasm ? 'wasm' : 'reference',
    fusedMultiplyAdd: rt?.relaxed ?? false,
    sharedMemory: rt?.shared ?? false,
  };
}

/** Whether to run the WASM kernel for this output. */
const wasmFor = (out: Numbers): boolean => useWasm && isResident(out);

const WASM_UNARY: Partial<Record<UnaryPrimitive, W.WasmUnary>> = { neg: 'neg', sqrt: 'sqrt', relu: 'relu' };

const MATH: Record<'float32' | 'float64', readonly string[]> = { float32: W.MATH32, float64: W.MATH64 };
const isMath = (op: UnaryPrimitive, dtype: 'float32' | 'float64'): op is W.Math32 => MATH[dtype].includes(op);

export function unary(op: UnaryPrimitive, x: Numbers, out: Numbers): void {
  // Transcendentals run in WASM for resident and ordinary storage alike, so a result never depends on the path:
  // float32 correctly rounded (the reference, Math in float64 rounded once, differs in 99 of 2^32 inputs),
  // float64 within 1 ulp (Math: within 2.2).
  if (useWasm && isMath(op, out.dtype) && W.wasmMath(op, x, out)) return;
  const w = WASM_UNARY[op];
  if (w !== undefined && wasmFor(out) && W.wasmUnary(w, x, out)) return;
  R.unary(op, numbersOf(x), numbersOf(out));
}

export function binary(op: BinaryPrimitive, a: Operand, b: Operand, out: Operand): void {
  if (wasmFor(out) && op !== 'pow' && W.wasmElementwise('binary', W.BINARY_CODES[op], [a, b], out)) return;
  R.binary(op, numbersOf(a), a.shape, numbersOf(b), b.shape, out.shape, numbersOf(out));
}

export function compare(op: CompareOp, a: Operand, b: Operand, out: Operand): void {
  if (wasmFor(out) && W.wasmElementwise('compare', W.COMPARE_CODES[op], [a, b], out)) return;
  R.compare(op, numbersOf(a), a.shape, numbersOf(b), b.shape, out.shape, numbersOf(out));
}

export function select(c: Operand, a: Operand, b: Operand, out: Operand): void {
  if (wasmFor(out) && W.wasmElementwise('select', null, [c, a, b], out)) return;
  R.select(numbersOf(c), c.shape, numbersOf(a), a.shape, numbersOf(b), b.shape, out.shape, numbersOf(out));
}

export function cast(x: Numbers, out: Numbers): void {
  if (wasmFor(out) && W.wasmCast(x, out)) return;
  R.cast(numbersOf(x), numbersOf(out));
}

/** Moves the reduced axes last (into resident scratch) when they are not one contiguous run. */
function reductionRun(
  x: Numbers,
  shape: Shape,
  axes: readonly number[],
): { input: Numbers; run: [number, number, number]; scratch: Storage | null } | null {
  const run = L.contiguousRun(shape, axes);
  if (run !== null) return { input: x, run, scratch: null };
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const scratch = scratchBlock(x.dtype, x.size);
  if (scratch === null) return null;
  transpose(x, shape, perm, scratch);
  const moved = perm.map((p) => shape[p]);
  const movedRun = L.contiguousRun(
    moved,
    axes.map((_, i) => kept.length + i),
  ) as [number, number, number];
  return { input: scratch, run: movedRun, scratch };
}

function reduce(kind: 'sum' | 'max', x: Numbers, shape: Shape, axes: readonly number[], out: Numbers): void {
  // A large resident input reduces in WASM even into a small ordinary output (a bias gradient, a loss).
  const viaScratch = !isResident(out) && isResident(x) && x.size >= 4 * out.size;
  if (useWasm && (isResident(out) || viaScratch)) {
    const target = viaScratch ? scratchBlock(out.dtype, out.size) : out;
    const view = target === null ? null : reductionRun(x, shape, axes);
    if (target !== null && view !== null) {
      const ok = W.wasmReduce(kind, view.input, target, view.run[0], view.run[1], view.run[2]);
      view.scratch?.release();
      if (target !== out) numbersOf(out).set(numbersOf(target));
      if (target !== out) (target as Storage).release();
      if (ok) return;
    } else if (target !== null && target !== out) (target as Storage).release();
  }
  (kind === 'sum' ? L.sum : L.reduceMax)(numbersOf(x), shape, axes, numbersOf(out));
}

export function sum(x: Numbers, shape: Shape, axes: readonly number[], out: Numbers): void {
  reduce('sum', x, shape, axes, out);
}

export function reduceMax(x: Numbers, shape: Shape, axes: readonly number[], out: Numbers): void {
  reduce('max', x, shape, axes, out);
}

/** A strided block copy (see layout.ts's stridedCopy). */
function copy(
  x: Numbers,
  srcOffset: number,
  srcStrides: readonly number[],
  out: Numbers,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: Shape,
): void {
  if (wasmFor(out) && W.wasmCopy(x, srcOffset, srcStrides, out, dstOffset, dstStrides, shape)) return;
  L.stridedCopy(numbersOf(x), srcOffset, srcStrides, numbersOf(out), dstOffset, dstStrides, shape);
}

export function broadcastTo(x: Numbers, shape: Shape, target: Shape, out: Numbers): void {
  if (wasmFor(out)) {
    const strides = L.broadcastStridesOf(shape, target);
    copy(x, 0, strides, out, 0, stridesOf(target), target);
    return;
  }
  R.broadcastTo(numbersOf(x), shape, target, numbersOf(out));
}

export function transpose(x: Numbers, shape: Shape, perm: readonly number[], out: Numbers): void {
  if (wasmFor(out)) {
    const r = shape.length;
    const lastTwo =
      r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && perm.slice(0, -2).every((p, i) => p === i);
    const batch = shapeSize(shape.slice(0, -2));
    if (lastTwo && W.wasmTranspose2(x, out, batch, shape[r - 2], shape[r - 1])) return;
    const strides = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]);
    copy(
      x,
      0,
      perm.map((p) => strides[p]),
      out,
      0,
      stridesOf(outShape),
      outShape,
    );
    return;
  }
  L.transpose(numbersOf(x), shape, perm, numbersOf(out));
}

export function slice(
  x: Numbers,
  shape: Shape,
  starts: readonly number[],
  ends: readonly number[],
  out: Numbers,
): void {
  const strides = stridesOf(shape);
  const outShape = starts.map((s, i) => ends[i] - s);
  let offset = 0;
  for (let i = 0; i < shape.length; i++) offset += starts[i] * strides[i];
  copy(x, offset, strides, out, 0, stridesOf(outShape), outShape);
}

/** Writes x into out (already zero) at the given offsets: the transpose of slice, and concat's step. */
export function place(x: Numbers, shape: Shape, outShape: Shape, starts: readonly number[], out: Numbers): void {
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (let i = 0; i < outShape.length; i++) offset += starts[i] * outStrides[i];
  copy(x, 0, stridesOf(shape), out, offset, outStrides, shape);
}

/** softmax along an axis (on the storage's own memory, resident or not: no copies). */
export function softmax(x: Numbers, shape: Shape, axis: number, out: Numbers): void {
  L.softmax(numbersOf(x), shape, axis, numbersOf(out));
}

/** Per-example softmax cross-entropy along an axis. */
export function crossEntropy(z: Numbers, y: Numbers, shape: Shape, axis: number, out: Numbers): void {
  L.crossEntropy(numbersOf(z), numbersOf(y), shape, axis, numbersOf(out));
}

/** Σ x², bit-identical to sum(mul(x, x)) (the same pairwise additions), in one pass and no temporary. */
export function sumOfSquares(x: Numbers): number {
  const rt = wasmRuntime();
  if (useWasm && rt !== null && isResident(x)) {
    const ptr = (x.block as Storage).ptr;
    const lane = W.laneScratch();
    if (lane >= 0) return (x.dtype === 'float64' ? rt.exports.squares64 : rt.exports.squares32)(ptr, x.size, lane);
  }
  return x.size === 0 ? 0 : L.pairwiseSquares(numbersOf(x), 0, x.size, x.dtype === 'float32');
}

/** Whether every number is finite (one pass; no temporary). */
export function allFiniteNumbers(x: Numbers): boolean {
  const rt = wasmRuntime();
  if (useWasm && rt !== null && isResident(x))
    return (x.dtype === 'float64' ? rt.exports.finite64 : rt.exports.finite32)((x.block as Storage).ptr, x.size) === 1;
  const d = numbersOf(x);
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}

/** C = op(A)·op(B) on storage, each operand at an element offset. */
export function gemmStorage(
  a: Numbers,
  aOffset: number,
  b: Numbers,
  bOffset: number,
  c: Numbers,
  cOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // The same threshold as for ordinary arrays, so a product gives the same bits inside a scope and outside.
  const large = m * n * k >= WASM_GEMM_THRESHOLD;
  if (
    large &&
    useWasm &&
    isResident(c) &&
    wasmGemmResident({ a, aOffset, b, bOffset, c, cOffset, m, k, n, transA, transB })
  )
    return;
  gemm({ a: numbersOf(a), aOffset, b: numbersOf(b), bOffset, c: numbersOf(c), cOffset, m, k, n, transA, transB });
}

/** C = op(A)·op(B) on ordinary arrays (the WASM kernel for large products, copying through its memory). */
export function gemm(args: GemmArgs): void {
  if (useWasm && args.m * args.n * args.k >= WASM_GEMM_THRESHOLD && wasmGemm(args)) return;
  gemmReference(args);
}

/**
 * Householder tridiagonalisation (the WASM SIMD kernel); false when only the reference
 * (src/linalg/eigh.ts) can run, so the caller uses it.
 */
export function tridiagonalizeKernel(W: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  return useWasm && n >= 8 && wasmTridiagonalize(W, n, d, e);
}

export type { Data };

/**
 * Runs `body` on a block of at least `bytes` bytes of the WASM module's linear memory (from the heap), given
 * the block's address, the module's exports and its memory; the block is the caller's until `body` returns.
 * For kernels that keep their operands in linear memory across many GEMM calls (src/linalg/wasm-kernels.ts).
 * Null, and `body` not run, when only the reference kernels can run or there is no room.
 */
export function withWasmMemory<T>(
  bytes: number,
  body: (ptr: number, exports: Record<string, unknown>, memory: WebAssembly.Memory) => T,
): T | null {
  const rt = useWasm ? wasmRuntime() : null;
  const heap = wasmHeap();
  if (rt === null || heap === null) return null;
  const ptr = heap.alloc(bytes);
  if (ptr < 0) return null;
  try {
    return body(ptr, rt.exports as unknown as Record<string, unknown>, rt.memory);
  } finally {
    heap.release(ptr, bytes);
  }
}
