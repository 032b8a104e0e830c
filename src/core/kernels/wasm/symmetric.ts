// Runs the WASM SIMD Householder tridiagonalisation (asm/symmetric.ts) on copies in linear memory.
import { wasmHeap } from './heap.js';
import { wasmRuntime } from './module.js';

/**
 * Reduces the symmetric n×n W (row-major) to tridiagonal form, leaving the Householder vectors in
 * W, their scales in d and the off-diagonal in e (as src/linalg/eigh.ts's tridiagonalize).
 * Returns false (and does nothing) when WASM is unavailable.
 */
export function wasmTridiagonalize(W: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  const rt = wasmRuntime();
  const heap = wasmHeap();
  if (rt === null || heap === null) return false;
  const align = (x: number) => Math.ceil(x / 64) * 64;
  const bytes = align(n * n * 8) + 2 * align(n * 8);
  const pW = heap.alloc(bytes);
  if (pW < 0) return false;
  const pd = pW + align(n * n * 8);
  const pe = pd + align(n * 8);
  new Float64Array(rt.memory.buffer, pW, n * n).set(W);
  rt.exports.tridiagonalize(pW, n, pd, pe);
  const after = rt.memory.buffer;
  W.set(new Float64Array(after, pW, n * n));
  d.set(new Float64Array(after, pd, n));
  e.set(new Float64Array(after, pe, n));
  heap.release(pW, bytes);
  return true;
}
