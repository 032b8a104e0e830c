// Runs the WASM SIMD GEMM on copies of the operands in the module's linear memory; with a worker
// thread enabled (threads.ts), a large product is split by rows of C between the two threads.
import type { GemmArgs } from '../matmul-reference.js';
import { BASE, align, ensureMemory, wasmRuntime } from './module.js';
import { awaitGemm, postGemm, threadRuntime } from './threads.js';

export { wasmAvailable } from './module.js';

/** Multiply-adds below which a second thread costs more than it saves (measured: ~0.1 ms hand-over). */
const PARALLEL_THRESHOLD = 96 * 96 * 96;

/** Runs the WASM GEMM; returns false (and does nothing) when WASM is unavailable. */
export function wasmGemm(args: GemmArgs): boolean {
  const threaded = threadRuntime();
  const rt = threaded ?? wasmRuntime();
  if (rt === null) return false;
  const ex = rt.exports;
  const { a, aOffset, b, bOffset, c, cOffset, m, k, n, transA, transB } = args;
  const single = c instanceof Float32Array;
  const es = single ? 4 : 8;
  const nr = single ? 8 : 4;
  const kc = Math.min(k, ex.BLOCK_KC.value as number);
  const mc = ex.BLOCK_MC.value as number;
  const packABytes = (mc + 8) * kc * es;
  const packBBytes = kc * Math.ceil(n / nr) * nr * es;
  // Packing buffers for this thread and (when split) the worker's; then A, B and C.
  const pa = BASE;
  const pb = align(pa + packABytes);
  const ps = align(pb + packBBytes);
  const pa2 = align(ps + 64 * es);
  const pb2 = align(pa2 + packABytes);
  const ps2 = align(pb2 + packBBytes);
  const pA = align(ps2 + 64 * es);
  const pB = align(pA + m * k * es);
  const pC = align(pB + k * n * es);
  const buffer = ensureMemory(rt, pC + m * n * es) as ArrayBuffer; // or a SharedArrayBuffer: typed arrays take both
  const View = single ? Float32Array : Float64Array;
  new View(buffer, pA, m * k).set(a.subarray(aOffset, aOffset + m * k));
  new View(buffer, pB, k * n).set(b.subarray(bOffset, bOffset + k * n));
  const kernel = single ? ex.gemm32 : ex.gemm64;
  const common = [pA, pB, pC, m, k, n, transA ? 1 : 0, transB ? 1 : 0];
  if (threaded !== null && m * n * k >= PARALLEL_THRESHOLD && m >= 16) {
    const split = Math.round(m / 2 / 5) * 5; // a multiple of the micro-kernel's 5 rows
    postGemm([single ? 32 : 64, ...common, pa2, pb2, ps2, split, m]);
    kernel(...common, pa, pb, ps, 0, split);
    awaitGemm();
  } else {
    kernel(...common, pa, pb, ps, 0, m);
  }
  c.set(new View(rt.memory.buffer as ArrayBuffer, pC, m * n), cOffset);
  return true;
}
