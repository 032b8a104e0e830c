import { describe, expect, test } from 'vitest';
import { linspace } from './index.js';

describe('linspace', () => {
  test('linspace(-1.7e308, 1.7e308, 5): a span that overflows still gives a finite, even grid', () => {
    const xs = Array.from(linspace(-1.7e308, 1.7e308, 5).data);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(xs[0]).toBe(-1.7e308);
    expect(xs[2]).toBe(0);
    expect(xs[4]).toBe(1.7e308);
    expect(xs[1]).toBeCloseTo(-8.5e307, -295);
  });

  test('linspace(0, 1e308, 100): span·i would overflow; the grid is finite, increasing and ends at stop', () => {
    const xs = Array.from(linspace(0, 1e308, 100).data);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1])).toBe(true);
    expect(xs[99]).toBe(1e308);
  });

  test('linspace(-MAX_VALUE, MAX_VALUE, 3) and ordinary ranges', () => {
    expect(Array.from(linspace(-Number.MAX_VALUE, Number.MAX_VALUE, 3).data)).toEqual([
      -Number.MAX_VALUE,
      0,
      Number.MAX_VALUE,
    ]);
    expect(Array.from(linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  test('linspace refuses a start or stop that is not finite', () => {
    expect(() => linspace(0, Infinity, 3)).toThrow(/start and stop must be finite/);
    expect(() => linspace(NaN, 1, 3)).toThrow(/finite/);
  });
});
