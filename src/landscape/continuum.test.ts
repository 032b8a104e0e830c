// Hostile objectives for the stationary-point search: flat regions, curves of stationary points and
// underflowing gradients end within the work budget and are reported as regions, never as a hang or a
// flood of points; grouping thousands of leftover boxes is near-linear.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { analyze } from './analyze.js';
import { connectedComponents, touches } from './regions.js';
import { stationaryPoints } from './stationary.js';

const box = (...ranges: [number, number][]) => ranges.map(([lo, hi]) => ({ lo, hi }));

describe('stationaryPoints on non-isolated stationary points', () => {
  test.each([
    ['relu(x)', -1, 0],
    ['0*x', -1, 1],
    ['x-x', -1, 1],
    ['relu(-x) + relu(x - 0.5)', 0, 0.5],
  ])(
    '%s: the flat part is one region where the gradient is (numerically) zero, found in few boxes',
    (text, lo, hi) => {
      const r = stationaryPoints(compile(text), box([-1, 1]));
      expect(r.boxesExamined).toBeLessThan(200);
      expect(r.complete).toBe(false);
      const flat = r.unresolved.filter((u) => u.kind === 'flat');
      expect(flat).toHaveLength(1);
      // Exactly [0, 0], also for relu(-x) + relu(x - 0.5): an exact sum of zeros is not rounded outwards.
      expect(flat[0].reason).toMatch(/gradient is identically zero/);
      expect(Math.abs(flat[0].box[0].lo - lo)).toBeLessThan(1e-8);
      expect(Math.abs(flat[0].box[0].hi - hi)).toBeLessThan(1e-8);
      const [vlo, vhi] = flat[0].valueRange as [number, number];
      expect(vlo <= 0 && 0 <= vhi).toBe(true);
    },
    10_000,
  );

  test('exp(x) on [-1000, 1000]: where exp underflows the gradient is numerically zero: one flat region', () => {
    const r = stationaryPoints(compile('exp(x)'), box([-1000, 1000]));
    expect(r.boxesExamined).toBeLessThan(500);
    expect(r.unresolved).toHaveLength(1);
    const [u] = r.unresolved;
    expect(u).toMatchObject({ kind: 'flat', reason: expect.stringMatching(/proved at most 1e-300 in size here/) });
    expect(u.box[0].lo).toBe(-1000);
    // Up to where the enclosure of exp is positive (-745) at the latest; exp(-690) ≈ 3e-300 is not negligible.
    expect(u.box[0].hi).toBeGreaterThan(-750);
    expect(u.box[0].hi).toBeLessThan(-690);
  }, 10_000);

  test('x^2 + 0*y: the line x = 0 is proved a continuum (one point in x for every y), in a few boxes', () => {
    const r = stationaryPoints(compile('x^2 + 0*y'), box([-1, 1], [-1, 1]));
    expect(r.boxesExamined).toBeLessThan(20);
    expect(r.points).toEqual([]);
    expect(r.unresolved).toHaveLength(1);
    const [u] = r.unresolved;
    expect(u.kind).toBe('continuum');
    expect(u.reason).toMatch(
      /does not depend on y here, and for each value of it there is exactly one stationary point in x/,
    );
    expect(u.box[1]).toEqual({ lo: -1, hi: 1 });
    expect(u.box[0].hi - u.box[0].lo).toBeLessThan(1e-12);
  }, 10_000);

  test.each([
    ['x*y^2', box([-1, 1], [-1, 1])],
    ['(x^2 + y^2 - 1)^2', box([-2, 2], [-2, 2])],
  ])(
    '%s: the work budget is spent exactly, and what is left is a few regions, not a flood',
    (text, b) => {
      const r = stationaryPoints(compile(text), b, { maxBoxes: 3000 });
      expect(r.boxesExamined).toBe(3000);
      expect(r.complete).toBe(false);
      expect(r.points.length).toBeLessThan(5);
      expect(r.unresolved.length).toBeLessThanOrEqual(4);
      expect(
        r.unresolved.some((u) => u.kind === 'limit' && /limit of 3000 boxes/.test(u.reason) && u.boxes > 100),
      ).toBe(true);
    },
    10_000,
  );

  test('x*y^2: the leftover set hugs the stationary line y = 0 along its whole length', () => {
    const r = stationaryPoints(compile('x*y^2'), box([-1, 1], [-1, 1]), { maxBoxes: 3000 });
    const [u] = r.unresolved;
    expect(u.box[0]).toEqual({ lo: -1, hi: 1 });
    expect(u.box[1].lo <= 0 && 0 <= u.box[1].hi).toBe(true);
    expect(u.box[1].hi - u.box[1].lo).toBeLessThan(0.05);
    const [vlo, vhi] = u.valueRange as [number, number];
    expect(Math.max(-vlo, vhi)).toBeLessThan(1e-3); // f = x·y² is tiny near the line
  }, 10_000);

  test('analyze x*y^2 with its default budget: the extrema are certified by the bound on the leftover set', () => {
    const r = analyze(compile('x*y^2'), box([-1, 1], [-1, 1]));
    expect(r.boxesExamined).toBeLessThanOrEqual(r.workBudget);
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/could not be resolved \(limit\)/);
    expect(r.globalMinimum).toMatchObject({ value: -1, certified: true, onBoundary: true });
    expect(r.globalMaximum).toMatchObject({ value: 1, certified: true, onBoundary: true });
  }, 20_000);

  test('((x - 1e12)^2 - 1)^2: three stationary points 1 apart near 1e12 are three, not merged into one', () => {
    const r = stationaryPoints(compile('((x - 1e12)^2 - 1)^2'), box([1e12 - 2, 1e12 + 2]));
    expect(r.points.map((p) => p.point.x - 1e12)).toEqual([-1, 0, 1]);
    expect(r.points.map((p) => p.kind)).toEqual(['minimum', 'maximum', 'minimum']);
    expect(r.complete).toBe(true);
  });

  test('a degenerate isolated point is still a point (x^4 + y^2), not a continuum', () => {
    const r = stationaryPoints(compile('x^4 + y^2'), box([-1, 1], [-1, 1]));
    expect(r.points).toHaveLength(1);
    expect(r.unresolved.map((u) => u.kind)).toEqual(['degenerate']);
  });
});

describe('connectedComponents', () => {
  test('20 000 boxes in a row are one component, found in well under a second', () => {
    const boxes = Array.from({ length: 20_000 }, (_, i) => box([i, i + 1], [0, 1]));
    const started = performance.now();
    expect(connectedComponents(boxes)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('agrees with comparing every pair, on random sub-boxes of a grid (seeded)', () => {
    const cellBox = fc
      .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 3 }))
      .map(([i, j, s]) => box([i / 4, (i + s) / 4], [j / 4, (j + 1) / 4]));
    fc.assert(
      fc.property(fc.array(cellBox, { minLength: 1, maxLength: 40 }), (boxes) => {
        const got = connectedComponents(boxes);
        const label = new Array<number>(boxes.length);
        got.forEach((g, k) => g.forEach((i) => (label[i] = k)));
        for (let a = 0; a < boxes.length; a++) {
          for (let b = 0; b < boxes.length; b++) {
            if (touches(boxes[a], boxes[b])) expect(label[a]).toBe(label[b]);
          }
        }
        // Each component is connected: a search from its first box through touching boxes reaches all of it.
        for (const g of got) {
          const seen = new Set([g[0]]);
          const stack = [g[0]];
          while (stack.length) {
            const a = stack.pop() as number;
            for (const b of g)
              if (!seen.has(b) && touches(boxes[a], boxes[b])) {
                seen.add(b);
                stack.push(b);
              }
          }
          expect(seen.size).toBe(g.length);
        }
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});
