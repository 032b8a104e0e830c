// Runs the WASM SIMD Householder tridiagonalisation (asm/symmetric.ts).
import { BASE, align, ensureMemory, wasm } from './module.js';

/**
 * Reduces the symmetric n×n W (row-major) to tridiagonal form, leaving the Householder vectors in
 * W, their scales in d and the off-diagonal in e (as src/linalg/eigh.ts's tridiagonalize).
 * Returns false (and does nothing) when WASM is unavailable.
 */
export function wasmTridiagonalize(W: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  const ex = wasm();
  if (ex === null) return false;
  const pW = BASE;
  const pd = align(pW + n * n * 8);
  const pe = align(pd + n * 8);
  const buffer = ensureMemory(ex, pe + n * 8);
  new Float64Array(buffer, pW, n * n).set(W);
  ex.tridiagonalize(pW, n, pd, pe);
  W.set(new Float64Array(buffer, pW, n * n));
  d.set(new Float64Array(buffer, pd, n));
  e.set(new Float64Array(buffer, pe, n));
  return true;
}
