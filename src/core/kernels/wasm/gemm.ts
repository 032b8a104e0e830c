// Runs the WASM SIMD GEMM on copies of the operands in the module's linear memory.
import type { GemmArgs } from '../matmul-reference.js';
import { BASE, align, ensureMemory, wasm } from './module.js';

export { wasmAvailable } from './module.js';

/** Runs the WASM GEMM; returns false (and does nothing) when WASM is unavailable. */
export function wasmGemm(args: GemmArgs): boolean {
  const ex = wasm();
  if (ex === null) return false;
  const { a, aOffset, b, bOffset, c, cOffset, m, k, n, transA, transB } = args;
  const single = c instanceof Float32Array;
  const es = single ? 4 : 8;
  const nr = single ? 8 : 4;
  const kc = Math.min(k, ex.BLOCK_KC.value as number);
  const mc = ex.BLOCK_MC.value as number;
  const pa = BASE;
  const pb = align(pa + (mc + 8) * kc * es);
  const ps = align(pb + kc * Math.ceil(n / nr) * nr * es);
  const pA = align(ps + 64 * es);
  const pB = align(pA + m * k * es);
  const pC = align(pB + k * n * es);
  const buffer = ensureMemory(ex, pC + m * n * es);
  const View = single ? Float32Array : Float64Array;
  new View(buffer, pA, m * k).set(a.subarray(aOffset, aOffset + m * k));
  new View(buffer, pB, k * n).set(b.subarray(bOffset, bOffset + k * n));
  (single ? ex.gemm32 : ex.gemm64)(pA, pB, pC, m, k, n, transA ? 1 : 0, transB ? 1 : 0, pa, pb, ps);
  c.set(new View(buffer, pC, m * n), cOffset);
  return true;
}
