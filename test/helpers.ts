// Shared test helpers: closeness with a stated tolerance, and central finite differences.
import { expect } from 'vitest';
import { Tensor, tensor, type DType } from '../src/index.js';

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** |a - b| <= atol + rtol·|b| elementwise, with a message naming the worst element. */
export function expectClose(
  actual: ArrayLike<number> | Tensor,
  expected: ArrayLike<number> | Tensor | number[][],
  tol: { rtol?: number; atol?: number } = {},
): void {
  const a = actual instanceof Tensor ? actual.data : actual;
  const b =
    expected instanceof Tensor
      ? expected.data
      : Array.isArray(expected) && Array.isArray(expected[0])
        ? (expected as number[][]).flat(Infinity as 1)
        : (expected as ArrayLike<number>);
  const rtol = tol.rtol ?? 1e-12;
  const atol = tol.atol ?? 0;
  expect(a.length, 'length').toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const ok =
      Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]) ||
      (Number.isNaN(a[i]) && Number.isNaN(b[i])) ||
      a[i] === b[i];
    if (!ok)
      expect.fail(
        `element ${i}: got ${a[i]}, expected ${b[i]} (diff ${Math.abs(a[i] - b[i])}, rtol ${rtol}, atol ${atol})`,
      );
  }
}

/** Central differences of a scalar function: (f(x + h e_i) - f(x - h e_i)) / 2h. */
export function numericalGradient(f: (x: Tensor) => number, x: Tensor, h = 1e-6): Float64Array {
  const base = Float64Array.from(x.data);
  const g = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] += h;
    minus[i] -= h;
    g[i] = (f(tensor(plus, { shape: x.shape })) - f(tensor(minus, { shape: x.shape }))) / (2 * h);
  }
  return g;
}

/** Deterministic test data in [lo, hi] (a fixed quasi-random sequence, no generator needed). */
export function sample(shape: readonly number[], lo: number, hi: number, dtype: DType = 'float64', phase = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from(
    { length: n },
    (_, i) => lo + (hi - lo) * ((0.5 + (i + 1 + phase) * 0.6180339887498949) % 1),
  );
  return tensor(values, { shape, dtype });
}
