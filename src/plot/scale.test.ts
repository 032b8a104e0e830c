// Scales over any domain: the tick loop must end (t += step never advances once step < ulp(t)), and ticks must be
// finite, strictly increasing, few and inside the domain, for ranges flat, one ulp wide, ±1e308 or non-finite.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { extent, linearScale, MAX_TICKS, niceTicks } from './scale.js';

/** The next double above v (v finite). */
function nextUp(v: number): number {
  if (v === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, v > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** Doubles with the awkward ones over-represented: NaN, ±Infinity, ±0, subnormals, ±MAX_VALUE. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, Number.MIN_VALUE),
  fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, 1e308, -1e308),
  fc.double({ min: -10, max: 10, noNaN: true }),
);
/** Domains: any pair, a flat one, one ulp wide, a few ulps wide. */
const domain = fc.oneof(
  fc.tuple(anyDouble, anyDouble),
  anyDouble.map((a) => [a, a] as [number, number]),
  fc.double({ noNaN: true, noDefaultInfinity: true, max: 1e308 }).map((a) => [a, nextUp(a)] as [number, number]),
  fc.tuple(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 64 })).map(([a, k]) => {
    let b = a;
    for (let i = 0; i < k; i++) b = nextUp(b);
    return [a, b] as [number, number];
  }),
);

function checkScale([a, b]: [number, number], count: number): void {
  const s = linearScale([a, b], [50, 500], count);
  const { ticks } = s;
  expect(ticks.length).toBeGreaterThan(0);
  expect(ticks.length).toBeLessThanOrEqual(MAX_TICKS);
  for (const t of ticks) expect(Number.isFinite(t)).toBe(true);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
  if (Number.isFinite(a) && Number.isFinite(b) && a !== b) {
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(Math.min(a, b));
      expect(t).toBeLessThanOrEqual(Math.max(a, b));
    }
    // The ends of the domain land on the ends of the range (to a pixel's hundredth).
    expect(Math.abs(s(a) - 50)).toBeLessThan(0.01);
    expect(Math.abs(s(b) - 500)).toBeLessThan(0.01);
  }
  const labels = ticks.map((t) => s.format(t));
  expect(new Set(labels).size).toBe(labels.length);
  for (const l of labels) expect(l).not.toMatch(/NaN|Infinity/);
  for (const v of [a, b, 0, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, ...ticks]) {
    if (Number.isFinite(v)) expect(Number.isFinite(s(v))).toBe(true);
  }
}

describe('linearScale', () => {
  test.each([
    ['one ulp wide at 1', [1, 1.0000000000000002]],
    ['the curve of 1 + x·1e-16 on [0, 3]', [1, 1 + 3e-16]],
    ['flat at 1e300', [1e300, 1e300]],
    ['flat at the largest double', [Number.MAX_VALUE, Number.MAX_VALUE]],
    ['±1e308 (the span overflows)', [-1e308, 1e308]],
    ['±MAX_VALUE', [-Number.MAX_VALUE, Number.MAX_VALUE]],
    ['NaN to 1', [NaN, 1]],
    ['−Infinity to Infinity', [-Infinity, Infinity]],
    ['reversed', [3, -2]],
    ['subnormal', [0, 4 * Number.MIN_VALUE]],
  ] as [string, [number, number]][])('linearScale(%s) ends with finite, increasing ticks inside the domain', (_, d) => {
    checkScale(d, 6);
  });

  test('linearScale over random domains and tick counts (property, seeded): finite, increasing, few, inside', () => {
    let inputs = 0;
    fc.assert(
      fc.property(domain, fc.integer({ min: -3, max: 500 }), (d, count) => {
        inputs++;
        checkScale(d, count);
      }),
      { seed: 1201, numRuns: 3000 },
    );
    expect(inputs).toBeGreaterThanOrEqual(3000);
  });

  test('linearScale keeps the nice ticks of ordinary domains (0.3 is a tick of [0, 0.3], labelled as d3 would)', () => {
    const s = linearScale([0, 0.3], [0, 100]);
    expect(s.ticks.map(s.format)).toEqual(['0', '0.05', '0.1', '0.15', '0.2', '0.25', '0.3']);
    expect(linearScale([-1, 1], [0, 1]).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
    // Steps finer than 0.01 get the digits they need, not two decimals that merge neighbours.
    const fine = linearScale([0, 0.012], [0, 1]);
    expect(fine.ticks.map(fine.format)).toEqual(['0', '0.005', '0.01']);
  });

  test('niceTicks gives the two ends when the step is finer than the doubles there', () => {
    expect(niceTicks(1, 1.0000000000000002, 6)).toEqual([1, 1.0000000000000002]);
    const s = linearScale([1, 1.0000000000000002], [0, 1]);
    expect(s.ticks.map(s.format)).toEqual(['1', '1.0000000000000002']);
  });

  test('extent skips non-finite values and is linear in the number of values (no spread into arguments)', () => {
    expect(extent([NaN, 3, -Infinity, -2, Infinity])).toEqual([-2, 3]);
    expect(extent([NaN])).toEqual([0, 1]);
    const many = Float64Array.from({ length: 2_000_000 }, (_, i) => i);
    expect(extent(Array.from(many))).toEqual([0, 1_999_999]);
  });
});
