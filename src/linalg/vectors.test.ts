import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hypot, maxAbs, maxOf, minOf } from './vectors.js';

// Small enough that the spread still works, so the builtins are the reference; doubles of every magnitude, with
// NaN, ±∞ and -0 among them.
const vectors = fc.array(fc.double(), { maxLength: 200 });

describe('vector reductions', () => {
  test('maxOf, minOf and hypot give exactly what Math.max, Math.min and Math.hypot give', () => {
    fc.assert(
      fc.property(vectors, fc.double(), (v, init) => {
        expect(Object.is(maxOf(v), Math.max(...v))).toBe(true);
        expect(Object.is(minOf(v), Math.min(...v))).toBe(true);
        expect(Object.is(maxOf(v, init), Math.max(init, ...v))).toBe(true);
        expect(Object.is(minOf(v, init), Math.min(init, ...v))).toBe(true);
        expect(Object.is(maxAbs(v), Math.max(0, ...v.map(Math.abs)))).toBe(true);
        expect(Object.is(hypot(v), Math.hypot(...v))).toBe(true);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  test('hypot keeps every bit of Math.hypot on long vectors of ordinary, huge and tiny entries', () => {
    for (const scale of [1, 1e300, 1e-300]) {
      const v = Array.from({ length: 50_000 }, (_, i) => Math.sin(i * 1.37) * scale);
      expect(hypot(v)).toBe(Math.hypot(...v));
    }
  });

  test('they take 10^6 elements, where the spread overflows the stack', () => {
    const n = 1_000_000;
    const v = Float64Array.from({ length: n }, (_, i) => (i % 1000) - 500);
    expect(() => Math.max(...v)).toThrow(RangeError);
    expect(maxOf(v)).toBe(499);
    expect(minOf(v)).toBe(-500);
    expect(maxAbs(v)).toBe(500);
    // Σ over 1000 residues k-500 of k², repeated n/1000 times.
    let exact = 0;
    for (let k = -500; k < 500; k++) exact += k * k;
    expect(hypot(v)).toBeCloseTo(Math.sqrt(exact * (n / 1000)), 6);
  });

  test('hypot of 10^6 values of 1e300: no spread into arguments, no overflow (the norm regression.ts uses)', () => {
    const v = new Float64Array(1_000_000).fill(1e300);
    expect(Math.abs(hypot(v) / 1e303 - 1)).toBeLessThan(1e-12);
    expect(hypot([3, 4])).toBe(5);
  });
});
