// The relaxed-SIMD (fused multiply-add) GEMM build against the reference. V8 must accept relaxed
// SIMD before the first kernel compiles: on Node 20 that is a flag, set here (this file runs in
// its own process).
import { setFlagsFromString } from 'node:v8';
import { describe, expect, test } from 'vitest';
import { gemmReference, kernelInfo } from './index.js';
import { wasmGemm } from './wasm/gemm.js';
import { allocate, type DType } from '../dtype.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

describe('gemm: relaxed-SIMD build', () => {
  test('is chosen where the engine accepts it', () => {
    expect(kernelInfo().fusedMultiplyAdd).toBe(true);
  });

  test.each(['float64', 'float32'] as const)(
    '%s: within γ_k Σ|a||b| of the reference on edge and interior tiles',
    (dtype: DType) => {
      for (const [m, k, n] of [
        [7, 9, 5],
        [130, 300, 70],
        [64, 513, 33],
      ]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = allocate(dtype, m * k);
            const b = allocate(dtype, k * n);
            for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 1.3);
            for (let i = 0; i < b.length; i++) b[i] = Math.cos(i * 0.7);
            const base = { a, aOffset: 0, b, bOffset: 0, cOffset: 0, m, k, n, transA, transB };
            const ref = allocate(dtype, m * n);
            const out = allocate(dtype, m * n);
            gemmReference({ ...base, c: ref });
            expect(wasmGemm({ ...base, c: out })).toBe(true);
            const bound = new Float64Array(m * n);
            gemmReference({ ...base, a: Float64Array.from(a, Math.abs), b: Float64Array.from(b, Math.abs), c: bound });
            const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
            const gamma = (k * u) / (1 - k * u);
            for (let i = 0; i < m * n; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(2 * gamma * bound[i]);
          }
        }
      }
    },
  );
});
