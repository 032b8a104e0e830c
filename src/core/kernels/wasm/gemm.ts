// Runs the WASM SIMD GEMM (asm/gemm.ts) on resident storage, in place; operands in ordinary arrays are
// copied in first. With a worker thread enabled (threads.ts), a large product is split by rows of C
// between the two threads, each with its own packing buffers.
import type { GemmArgs } from '../matmul-reference.js';
import { releaseStaged, scratchBlock, staged, type Numbers, type Storage } from '../../storage.js';
import { wasmHeap } from './heap.js';
import { wasmRuntime } from './module.js';
import { awaitPosted, post, threadRuntime } from './threads.js';

export { wasmAvailable } from './module.js';

/** Multiply-adds below which a second thread costs more than it saves (measured: ~0.1 ms hand-over). */
const PARALLEL_THRESHOLD = 96 * 96 * 96;

/** Packing buffers (two sets: this thread's and the worker's), kept and grown as products need. */
let packs = { bytes: 0, base: -1 };

function packBuffers(packABytes: number, packBBytes: number, es: number): number[] | null {
  const heap = wasmHeap();
  if (heap === null) return null;
  const align = (x: number) => Math.ceil(x / 64) * 64;
  const one = align(packABytes) + align(packBBytes) + align(64 * es);
  if (packs.bytes < 2 * one) {
    if (packs.base >= 0) heap.release(packs.base, packs.bytes);
    const base = heap.alloc(2 * one);
    packs = base < 0 ? { bytes: 0, base: -1 } : { bytes: 2 * one, base };
    if (base < 0) return null;
  }
  const pa = packs.base;
  const pb = pa + align(packABytes);
  const ps = pb + align(packBBytes);
  return [pa, pb, ps, pa + one, pb + one, ps + one];
}

export interface GemmOperands {
  a: Numbers;
  aOffset: number;
  b: Numbers;
  bOffset: number;
  /** Resident. */
  c: Numbers;
  cOffset: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  /** Keep staged copies of ordinary operands for the scope (false for throwaway wrappers). */
  cacheStaged?: boolean;
}

/** C = op(A)·op(B) into resident C; false (nothing done) when WASM or memory is unavailable. */
export function wasmGemmResident(args: GemmOperands): boolean {
  const rt = wasmRuntime();
  const cBlock = args.c.block;
  if (rt === null || cBlock === null || cBlock.ptr < 0) return false;
  const threaded = threadRuntime();
  const ex = rt.exports;
  const { aOffset, bOffset, c, cOffset, m, k, n, transA, transB } = args;
  const single = c.dtype === 'float32';
  const es = single ? 4 : 8;
  const nr = single ? 8 : 4;
  const kc = Math.min(k, ex.BLOCK_KC.value as number);
  const mc = ex.BLOCK_MC.value as number;
  const buffers = packBuffers((mc + 8) * kc * es, kc * Math.ceil(n / nr) * nr * es, es);
  if (buffers === null) return false;
  const temps: Storage[] = [];
  const cache = args.cacheStaged ?? true;
  const a = staged(args.a, temps, cache);
  const b = a === null ? null : staged(args.b, temps, cache);
  if (a === null || b === null) {
    releaseStaged(temps);
    return false;
  }
  const [pa, pb, ps, pa2, pb2, ps2] = buffers;
  const kernel = single ? ex.gemm32 : ex.gemm64;
  const common = [a.ptr + aOffset * es, b.ptr + bOffset * es, cBlock.ptr + cOffset * es, m, k, n, +transA, +transB];
  if (threaded !== null && m * n * k >= PARALLEL_THRESHOLD && m >= 16) {
    const split = Math.round(m / 2 / 5) * 5; // a multiple of the micro-kernel's 5 rows
    post(single ? 'gemm32' : 'gemm64', [...common, pa2, pb2, ps2, split, m]);
    kernel(...common, pa, pb, ps, 0, split);
    awaitPosted();
  } else {
    kernel(...common, pa, pb, ps, 0, m);
  }
  releaseStaged(temps);
  return true;
}

/** The WASM GEMM on ordinary arrays (copied in and out); returns false when WASM is unavailable. */
export function wasmGemm(args: GemmArgs): boolean {
  const { a, aOffset, b, bOffset, c, cOffset, m, k, n } = args;
  const dtype = c instanceof Float32Array ? 'float32' : 'float64';
  const out = scratchBlock(dtype, m * n);
  if (out === null) return false;
  const ordinary = (array: Float32Array | Float64Array): Numbers => ({ dtype, size: array.length, array, block: null });
  const ok = wasmGemmResident({
    ...args,
    a: ordinary(a.subarray(aOffset, aOffset + m * k)),
    aOffset: 0,
    b: ordinary(b.subarray(bOffset, bOffset + k * n)),
    bOffset: 0,
    c: out,
    cOffset: 0,
    cacheStaged: false,
  });
  if (ok) c.set(out.data, cOffset);
  out.release();
  return ok;
}
