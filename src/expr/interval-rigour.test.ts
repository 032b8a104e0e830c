// Interval arithmetic at the edges of the doubles: products that underflow, powers that underflow or
// overflow, sums that are exact, and quotients by a divisor that reaches 0 from one side.
import { describe, expect, test } from 'vitest';
import { evaluateInterval, interval, nextDown, nextUp, parse, type Interval } from './index.js';
import { div } from './interval.js';

const enclose = (text: string, box: [number, number][], vars = ['x', 'y'].slice(0, box.length)): Interval =>
  evaluateInterval(
    parse(text),
    vars,
    box.map(([lo, hi]) => interval(lo, hi)),
  );
const inside = (inner: Interval, outer: Interval) => outer.lo <= inner.lo && inner.hi <= outer.hi;

describe('mul under underflow', () => {
  test('mul([0, 1e-200], [0, 1e-200]) reaches above 0: the real product 1e-400 is not 0', () => {
    const r = enclose('x*y', [
      [0, 1e-200],
      [0, 1e-200],
    ]);
    expect(r.lo).toBe(0);
    expect(r.hi).toBeGreaterThan(0);
  });

  test('x*x on a sub-box of [0, 1e-300] stays inside the enclosure on the box, never below 0', () => {
    const whole = enclose('x*x', [[0, 1e-300]]);
    const part = enclose('x*x', [[5e-301, 1e-300]]);
    expect(part.lo).toBe(0);
    expect(inside(part, whole)).toBe(true);
  });

  test('an underflowed product keeps its sign: [-5e-324, 0] for a negative one, never across 0', () => {
    expect(
      enclose('x*y', [
        [1e-200, 2e-200],
        [-2e-200, -1e-200],
      ]),
    ).toEqual({ lo: -Number.MIN_VALUE, hi: 0 });
    expect(
      enclose('x*y', [
        [-2e-200, -1e-200],
        [-2e-200, -1e-200],
      ]),
    ).toEqual({ lo: 0, hi: Number.MIN_VALUE });
  });

  test('a product with an exactly zero factor is exactly 0, even against an unbounded one', () => {
    expect(enclose('0*x', [[-1e308, 1e308]])).toEqual({ lo: 0, hi: 0 });
  });
});

describe('integer powers', () => {
  test('x^2 at x = -1e-200 has lower bound 0 and an upper bound above 0', () => {
    const r = enclose('x^2', [[-1e-200, -1e-200]]);
    expect(r.lo).toBe(0);
    expect(r.hi).toBeGreaterThan(0);
  });

  test('sqrt(x^1000) and sqrt(x^999) at x = 0.1 are defined (the power underflows, it is not negative)', () => {
    expect(enclose('sqrt(x^1000)', [[0.1, 0.1]]).lo).toBe(0);
    expect(enclose('sqrt(x^999)', [[0.05, 0.1]]).lo).toBe(0);
  });

  test('0.1^-1000 is [huge, +∞), not the whole line; x^-1000 on [0.05, 0.1] likewise', () => {
    const r = enclose('0.1^-1000', [], []);
    expect(r.lo).toBeGreaterThan(1e308);
    expect(r.hi).toBe(Infinity);
    expect(enclose('x^-1000', [[0.05, 0.1]]).lo).toBeGreaterThan(1e308);
  });

  test('odd powers keep their sign when they underflow', () => {
    const r = enclose('x^3', [[-1e-200, -1e-201]]);
    expect(r.hi === 0).toBe(true); // -0 or 0: not 5e-324
    expect(r.lo).toBeLessThan(0);
    expect(enclose('x^3', [[1e-201, 1e-200]]).lo).toBe(0);
  });
});

describe('exact sums stay exact', () => {
  test('0 + 0 is [0, 0] and relu(-x) + relu(x - 0.5) is exactly 0 on [0.1, 0.4]', () => {
    expect(
      enclose('x + y', [
        [0, 0],
        [0, 0],
      ]),
    ).toEqual({ lo: 0, hi: 0 });
    expect(enclose('relu(-x) + relu(x - 0.5)', [[0.1, 0.4]])).toEqual({ lo: 0, hi: 0 });
    expect(
      enclose('x - y', [
        [3, 3],
        [1, 1],
      ]),
    ).toEqual({ lo: 2, hi: 2 });
  });

  test('an inexact sum is widened only on the side its rounding went', () => {
    // 1 + 2^-60 rounds down to 1: 1 is a lower bound, the upper bound moves one ulp up.
    expect(
      enclose('x + y', [
        [1, 1],
        [2 ** -60, 2 ** -60],
      ]),
    ).toEqual({ lo: 1, hi: nextUp(1) });
    // 1 - 2^-60 rounds up to 1: the lower bound moves one ulp down.
    expect(
      enclose('x - y', [
        [1, 1],
        [2 ** -60, 2 ** -60],
      ]),
    ).toEqual({ lo: nextDown(1), hi: 1 });
  });

  test('a sum that overflows has an infinite bound, not a dropped one', () => {
    expect(
      enclose('x + y', [
        [1e308, 1e308],
        [1e308, 1e308],
      ]),
    ).toEqual({ lo: Number.MAX_VALUE, hi: Infinity });
  });
});

describe('div by a divisor reaching 0', () => {
  test('div(a, [0, b]) with a > 0 is [a.lo/b, +∞); mirrored cases alike', () => {
    const r = div(interval(1, 2), interval(0, 2));
    expect(r.lo).toBeLessThanOrEqual(0.5);
    expect(r.lo).toBeGreaterThan(0.49);
    expect(r.hi).toBe(Infinity);
    expect(div(interval(-2, -1), interval(0, 2))).toMatchObject({ lo: -Infinity });
    expect(div(interval(-2, -1), interval(0, 2)).hi).toBeGreaterThanOrEqual(-0.5);
    expect(div(interval(1, 2), interval(-2, 0))).toMatchObject({ lo: -Infinity });
    expect(div(interval(1, 2), interval(-2, 0)).hi).toBeGreaterThanOrEqual(-0.5);
    expect(div(interval(-2, -1), interval(-2, 0))).toMatchObject({ hi: Infinity });
  });

  test('a divisor bound of -0 is a point where a/x = -∞, as point evaluation gives (fuzz seed 99)', () => {
    expect(div(interval(1, 2), { lo: -0, hi: 2 })).toEqual({ lo: -Infinity, hi: Infinity });
    expect(div(interval(1, 2), { lo: -2, hi: 0 })).toEqual({ lo: -Infinity, hi: Infinity });
    expect(div(interval(1, 2), { lo: -2, hi: -0 }).hi).toBeLessThan(0);
    const r = evaluateInterval(parse('relu(1.7976931348623157e308/x)'), ['x'], [{ lo: -0, hi: 2.4e-122 }]);
    expect(r.lo).toBeLessThanOrEqual(0);
  });

  test('a numerator containing 0 (0/0 at a kink), or a divisor straddling 0, gives the whole line', () => {
    const entire = { lo: -Infinity, hi: Infinity };
    expect(div(interval(0, 1), interval(0, 2))).toEqual(entire);
    expect(div(interval(-1, 1), interval(-2, 0))).toEqual(entire);
    expect(div(interval(1, 2), interval(-1, 1))).toEqual(entire);
  });

  test('1/x^2 on [-1, 2] is bounded below by 1/4, and a sub-box at the pole stays inside', () => {
    const whole = enclose('1/x^2', [[-1, 2]]);
    expect(whole.lo).toBeLessThanOrEqual(0.25);
    expect(whole.lo).toBeGreaterThan(0.2499);
    expect(inside(enclose('1/x^2', [[0, 0]]), whole)).toBe(true);
    expect(
      inside(
        enclose('1/y', [
          [0, 0],
          [0, 0],
        ]),
        enclose('1/y', [
          [0, 0],
          [0, 1e-300],
        ]),
      ),
    ).toBe(true);
  });
});
