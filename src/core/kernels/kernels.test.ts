// The WASM SIMD GEMM against the TypeScript reference kernel.
import { describe, expect, test } from 'vitest';
import { gemmReference, type GemmArgs } from './matmul-reference.js';
import { kernelInfo, preferPlainSimd } from './index.js';
import { wasmAvailable, wasmGemm } from './wasm/gemm.js';
import { allocate, type DType } from '../dtype.js';

function filled(dtype: DType, n: number, seed: number) {
  const d = allocate(dtype, n);
  for (let i = 0; i < n; i++) d[i] = Math.sin(seed * 1000 + i * 1.7) * 2;
  return d;
}

// This file tests the plain SIMD build (relaxed.test.ts the fused one), on every engine.
preferPlainSimd(true);

describe('gemm: WASM SIMD kernel against the reference', () => {
  test('the WASM kernel loads in Node (the plain SIMD build)', () => {
    expect(wasmAvailable()).toBe(true);
    expect(kernelInfo().fusedMultiplyAdd).toBe(false);
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 4, 4],
    [8, 8, 8],
    [17, 33, 9],
    [96, 256, 8],
    [97, 257, 13],
    [130, 300, 70],
    [5, 600, 3],
  ];
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    test.each(shapes)('m=%i k=%i n=%i, every transpose combination, with offsets', (m, k, n) => {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = filled(dtype, m * k + 3, 1);
          const b = filled(dtype, k * n + 5, 2);
          const base: Omit<GemmArgs, 'c'> = { a, aOffset: 3, b, bOffset: 5, cOffset: 2, m, k, n, transA, transB };
          const ref = allocate(dtype, m * n + 2);
          const out = allocate(dtype, m * n + 2);
          out[0] = 42;
          gemmReference({ ...base, c: ref });
          expect(wasmGemm({ ...base, c: out })).toBe(true);
          expect(out[0]).toBe(42); // nothing before cOffset is touched
          // Summation orders differ; each kernel's error is at most γ_k Σ_p |a_ip b_pj| with
          // γ_k ≈ k·u (Higham, Accuracy and Stability, §3.1), so they differ by at most twice that.
          const absA = Float64Array.from(a, Math.abs);
          const absB = Float64Array.from(b, Math.abs);
          const bound = new Float64Array(m * n + 2);
          gemmReference({ ...base, a: absA, b: absB, c: bound });
          const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
          const gamma = (k * u) / (1 - k * u);
          for (let i = 2; i < m * n + 2; i++) {
            expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(2 * gamma * bound[i]);
          }
        }
      }
    });
  });

  test('float32 results are exactly representable in float32 (single-precision arithmetic)', () => {
    const a = filled('float32', 64 * 64, 3);
    const c = new Float32Array(64 * 64);
    wasmGemm({ a, aOffset: 0, b: a, bOffset: 0, c, cOffset: 0, m: 64, k: 64, n: 64, transA: false, transB: false });
    for (const v of c) expect(Math.fround(v)).toBe(v);
  });

  test('NaN and infinity propagate as in the reference', () => {
    const a = new Float64Array([1, NaN, 3, 4]);
    const b = new Float64Array([Infinity, 0, 1, 1]);
    const c = new Float64Array(4);
    const r = new Float64Array(4);
    const args = { a, aOffset: 0, b, bOffset: 0, cOffset: 0, m: 2, k: 2, n: 2, transA: false, transB: false };
    wasmGemm({ ...args, c });
    gemmReference({ ...args, c: r });
    expect(Array.from(c)).toEqual(Array.from(r));
  });
});
