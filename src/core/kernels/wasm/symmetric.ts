// Runs the WASM SIMD Householder tridiagonalisation (asm/symmetric.ts).
import { BASE, align, ensureMemory, wasmRuntime } from './module.js';
import { threadRuntime } from './threads.js';

/**
 * Reduces the symmetric n×n W (row-major) to tridiagonal form, leaving the Householder vectors in
 * W, their scales in d and the off-diagonal in e (as src/linalg/eigh.ts's tridiagonalize).
 * Returns false (and does nothing) when WASM is unavailable.
 */
export function wasmTridiagonalize(W: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  const rt = threadRuntime() ?? wasmRuntime();
  if (rt === null) return false;
  const pW = BASE;
  const pd = align(pW + n * n * 8);
  const pe = align(pd + n * 8);
  const buffer = ensureMemory(rt, pe + n * 8);
  new Float64Array(buffer, pW, n * n).set(W);
  rt.exports.tridiagonalize(pW, n, pd, pe);
  const after = rt.memory.buffer;
  W.set(new Float64Array(after, pW, n * n));
  d.set(new Float64Array(after, pd, n));
  e.set(new Float64Array(after, pe, n));
  return true;
}
