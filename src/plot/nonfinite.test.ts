// Figures of data with holes: NaN and ±Infinity anywhere in the input (grid, values, traces, marked points) are
// left out and counted, never written into the SVG, and huge finite values (±1e308) do not overflow into it.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { contourPlot, heatmapPlot, linePlot, undrawnOf, wireframePlot } from './index.js';

const hostile = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-320, 0) },
  { weight: 1, arbitrary: fc.double() },
);
const vector = (min: number, max: number) => fc.array(hostile, { minLength: min, maxLength: max });
const grid = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })).chain(([nx, ny]) =>
  fc.record({
    x: fc.array(hostile, { minLength: nx, maxLength: nx }),
    y: fc.array(hostile, { minLength: ny, maxLength: ny }),
    z: fc.array(fc.array(hostile, { minLength: nx, maxLength: nx }), { minLength: ny, maxLength: ny }),
  }),
);
const point = fc.record({ x: hostile, y: hostile, z: hostile, label: fc.constant('p'), kind: fc.constant('saddle') });

/** No number the SVG grammar cannot read. */
function expectDrawable(svg: string): void {
  expect(svg).toMatch(/^<svg /);
  expect(svg).not.toMatch(/NaN|Infinity/);
}

/** Milliseconds one figure of at most 7×7 cells or 30 points may take. */
const BUDGET_MS = 1000;
const counts = { inputs: 0, crashes: 0, hangs: 0, nonFinite: 0 };
/** Runs one figure, counting crashes and NaN/Infinity in the output for the report, then asserting neither. */
function draw(make: () => string): string {
  counts.inputs++;
  let svg: string;
  const started = performance.now();
  try {
    svg = make();
  } catch (err) {
    counts.crashes++;
    throw err;
  }
  const ms = performance.now() - started;
  if (ms > BUDGET_MS) counts.hangs++;
  expect(ms).toBeLessThan(BUDGET_MS);
  if (/NaN|Infinity/.test(svg)) counts.nonFinite++;
  expectDrawable(svg);
  return svg;
}

describe('figures of non-finite data (property-based, seeded)', () => {
  test('linePlot(x, y with NaN/±Infinity, traces, annotations) writes no NaN or Infinity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }).chain((n) => fc.tuple(vector(n, n), vector(n, n))),
        fc.array(fc.tuple(vector(0, 10), vector(0, 10)), { maxLength: 3 }),
        fc.array(point, { maxLength: 3 }),
        fc.constantFrom('curve', 'all') as fc.Arbitrary<'curve' | 'all'>,
        ([x, y], traces, annotations, yRange) => {
          draw(() => linePlot({ x, y, traces: traces.map(([tx, ty]) => ({ x: tx, y: ty })), annotations, yRange }));
        },
      ),
      { seed: 1211, numRuns: 800 },
    );
  });

  test('contourPlot(grid with holes, paths, points) writes no NaN or Infinity', () => {
    fc.assert(
      fc.property(
        grid,
        fc.array(fc.tuple(vector(0, 8), vector(0, 8)), { maxLength: 2 }),
        fc.array(point, { maxLength: 3 }),
        ({ x, y, z }, paths, points) => {
          draw(() => contourPlot({ x, y, z, paths: paths.map(([px, py]) => ({ x: px, y: py })), points, levels: 5 }));
        },
      ),
      { seed: 1212, numRuns: 800 },
    );
  });

  test('wireframePlot(grid with holes, points) writes no NaN or Infinity', () => {
    fc.assert(
      fc.property(grid, fc.array(point, { maxLength: 3 }), ({ x, y, z }, points) => {
        draw(() => wireframePlot({ x, y, z, points }));
      }),
      { seed: 1213, numRuns: 800 },
    );
  });

  test('heatmapPlot(cell centres with holes, points) writes no NaN or Infinity', () => {
    fc.assert(
      fc.property(grid, fc.array(point, { maxLength: 3 }), ({ x, y, z }, points) => {
        const cells = z.map((row) => row.map((v) => (v > 0 ? 'minimum' : 'saddle')));
        draw(() => heatmapPlot({ x, y, cells, colours: { minimum: '#1b7837', saddle: '#2166ac' }, points }));
      }),
      { seed: 1214, numRuns: 800 },
    );
    // The tally of all four properties, for the record (a failure above stops before this line).
    expect(counts).toEqual({ inputs: counts.inputs, crashes: 0, hangs: 0, nonFinite: 0 });
    const { inputs, crashes, hangs, nonFinite } = counts;
    console.info(`figures property run: ${inputs} inputs, ${crashes} crashes, ${hangs} hangs, ${nonFinite} with NaN`);
  });
});

describe('figures say what they left out', () => {
  const xs = [-1, -0.5, 0, 0.5, 1];
  test('wireframePlot(x² − y² on ±1e300) skips the overflowing cells and notes "n of m cells …"', () => {
    const big = xs.map((v) => v * 1e300);
    const z = big.map((y) => big.map((x) => x * x - y * y));
    const svg = wireframePlot({ x: big, y: big, z });
    expectDrawable(svg);
    // Only the centre (0, 0) is finite: 24 of 25 cells are NaN or ±Infinity.
    expect(undrawnOf(svg)).toEqual({ skipped: 24, total: 25 });
    expect(svg).toContain('>24 of 25 cells undefined or infinite, not drawn</text>');
  });

  test('contourPlot(log(x·y) on a box where x·y < 0) draws no level and says so', () => {
    const z = xs.map((y) => xs.map((x) => Math.log(-2 - x) + Math.log(y + 2)));
    const svg = contourPlot({ x: xs.map((v) => -3 + v), y: xs, z });
    expectDrawable(svg);
    expect(undrawnOf(svg)).toEqual({ skipped: 25, total: 25 });
    expect(svg).not.toMatch(/<path /);
  });

  test('linePlot(log(x) on [−1, 1]) breaks the curve, counts the points left out; a whole curve has no note', () => {
    const x = Array.from({ length: 11 }, (_, i) => -1 + i / 5);
    const svg = linePlot({ x, y: x.map(Math.log) });
    // x = −1, −0.8, …, −0.2 (NaN) and 0 (−Infinity).
    expect(undrawnOf(svg)).toEqual({ skipped: 6, total: 11 });
    expect(svg).toContain('>6 of 11 points undefined or infinite, not drawn</text>');
    const whole = linePlot({ x, y: x.map((v) => v * v) });
    expect(undrawnOf(whole)).toBeNull();
    expect(whole).not.toContain('not drawn');
  });

  test('linePlot of values near ±1e308 keeps its axis labels finite', () => {
    const x = [0, 1, 2];
    const svg = linePlot({ x, y: [-1.7e308, 0, 1.7e308] });
    expectDrawable(svg);
    expect(undrawnOf(svg)).toBeNull();
  });
});
