// The acceptance cases and standard test functions with several minima and saddles.
import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { stationaryPoints } from './stationary.js';

const box = (...ranges: [number, number][]) => ranges.map(([lo, hi]) => ({ lo, hi }));

describe('stationaryPoints', () => {
  test('x·cos(πx) on [-1, 2]: exactly three, certified, complete; local min, local max, global min', () => {
    const r = stationaryPoints(compile('x*cos(pi*x)'), box([-1, 2]));
    expect(r.complete).toBe(true);
    expect(r.points.map((p) => p.kind)).toEqual(['minimum', 'maximum', 'minimum']);
    expect(r.points.every((p) => p.certified && p.test === 'second-order')).toBe(true);
    const xs = r.points.map((p) => p.point.x);
    [-0.273852686800736, 0.273852686800736, 1.090408221946721].forEach((x, i) =>
      expect(Math.abs(xs[i] - x)).toBeLessThan(1e-12),
    );
    // Each certified enclosure contains its point.
    r.points.forEach((p) => expect(p.enclosure[0].lo <= p.point.x && p.point.x <= p.enclosure[0].hi).toBe(true));
  });

  test('x² − y²: one saddle at the origin with eigenvalues −2 and 2', () => {
    const r = stationaryPoints(compile('x^2 - y^2'), box([-1, 1], [-1, 1]));
    expect(r.complete).toBe(true);
    expect(r.points).toHaveLength(1);
    expect(r.points[0]).toMatchObject({ point: { x: 0, y: 0 }, kind: 'saddle', eigenvalues: [-2, 2], certified: true });
  });

  test.each([
    ['x^3', box([-2, 2]), 'saddle'],
    ['x^4', box([-2, 2]), 'minimum'],
    ['-x^4', box([-2, 2]), 'maximum'],
    ['x^4 + y^2', box([-1, 1], [-1, 1]), 'minimum'],
    ['x^3 - 3*x*y^2', box([-1, 1], [-1, 1]), 'saddle'],
    ['x^4 - y^2', box([-1, 1], [-1, 1]), 'saddle'],
  ] as const)(
    '%s: a degenerate point at 0, decided by the higher-order test, reported as not certified',
    (text, b, kind) => {
      const r = stationaryPoints(compile(text), b);
      expect(r.points).toHaveLength(1);
      const p = r.points[0];
      expect(p.kind).toBe(kind);
      expect(p.certified).toBe(false);
      expect(p.coordinates.every((c) => Math.abs(c) < 1e-6)).toBe(true);
      expect(p.test).toBe('higher-order'); // a zero eigenvalue: second order cannot decide
      expect(r.complete).toBe(false);
      expect(r.unresolved[0]).toMatchObject({
        kind: 'degenerate',
        reason: expect.stringMatching(/degenerate stationary point/),
      });
    },
  );

  test('Rosenbrock: one minimum, at (1, 1), certified, complete', () => {
    const r = stationaryPoints(compile('(1 - x)^2 + 100*(y - x^2)^2'), box([-2, 2], [-1, 3]));
    expect(r.complete).toBe(true);
    expect(r.points).toHaveLength(1);
    const p = r.points[0];
    expect(p.kind).toBe('minimum');
    expect(p.certified).toBe(true);
    expect(Math.abs(p.point.x - 1)).toBeLessThan(1e-12);
    expect(Math.abs(p.point.y - 1)).toBeLessThan(1e-12);
  });

  test('Himmelblau on [-5, 5]²: 4 minima (value 0), 4 saddles, 1 maximum, all certified', () => {
    const r = stationaryPoints(compile('(x^2+y-11)^2 + (x+y^2-7)^2'), box([-5, 5], [-5, 5]));
    expect(r.complete).toBe(true);
    const count = (k: string) => r.points.filter((p) => p.kind === k).length;
    expect([count('minimum'), count('saddle'), count('maximum')]).toEqual([4, 4, 1]);
    expect(r.points.every((p) => p.certified)).toBe(true);
    const minima = r.points.filter((p) => p.kind === 'minimum');
    for (const [x, y] of [
      [3, 2],
      [-2.805118086952745, 3.131312518250573],
      [-3.779310253377747, -3.28318599128617],
      [3.584428340330492, -1.848126526964404],
    ]) {
      expect(
        minima.some(
          (p) => Math.abs(p.point.x - x) < 1e-9 && Math.abs(p.point.y - y) < 1e-9 && Math.abs(p.value) < 1e-12,
        ),
      ).toBe(true);
    }
    const max = r.points.find((p) => p.kind === 'maximum')!;
    expect(max.point.x).toBeCloseTo(-0.270845, 5);
    expect(max.point.y).toBeCloseTo(-0.923039, 5);
  });

  const camelTitle =
    'six-hump camel on [-2, 2]×[-1, 1]: 6 minima, 7 saddles, 2 ' +
    'maxima; global minima ±(0.0898, −0.7126) at −1.0316284534898774';
  test(camelTitle, () => {
    const r = stationaryPoints(compile('(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2'), box([-2, 2], [-1, 1]));
    expect(r.complete).toBe(true);
    const count = (k: string) => r.points.filter((p) => p.kind === k).length;
    expect([count('minimum'), count('saddle'), count('maximum')]).toEqual([6, 7, 2]);
    const best = r.points
      .filter((p) => p.kind === 'minimum')
      .sort((a, b) => a.value - b.value)
      .slice(0, 2);
    for (const p of best) {
      expect(p.value).toBeCloseTo(-1.0316284534898774, 12);
      expect(Math.abs(Math.abs(p.point.x) - 0.0898420131003181)).toBeLessThan(1e-10);
      expect(Math.abs(Math.abs(p.point.y) - 0.7126564030207397)).toBeLessThan(1e-10);
    }
  });

  test('a function with no stationary point in the box: none, and complete', () => {
    const r = stationaryPoints(compile('x + y^2'), box([-1, 1], [-1, 1]));
    expect(r.points).toEqual([]);
    expect(r.complete).toBe(true);
  });

  test('the work is bounded: with too few boxes allowed the answer says it is incomplete', () => {
    const r = stationaryPoints(compile('sin(5*x)*cos(5*y)'), box([-3, 3], [-3, 3]), { maxBoxes: 50 });
    expect(r.complete).toBe(false);
    expect(r.boxesExamined).toBe(50);
    expect(r.unresolved.some((u) => /limit of 50 boxes/.test(u.reason))).toBe(true);
  });

  test('where the function is undefined, the region is reported with the reason, not a crash', () => {
    const r = stationaryPoints(compile('x - log(x)'), box([-1, 2]));
    const min = r.points.find((p) => p.kind === 'minimum' && p.certified);
    expect(min?.point.x).toBeCloseTo(1, 12);
    expect(r.points).toHaveLength(1);
    // One merged region, ending at 0, not thousands of boxes; and the answer says it is incomplete.
    expect(r.unresolved).toHaveLength(1);
    expect(r.unresolved[0]).toMatchObject({ kind: 'undefined', reason: 'log is undefined for x <= 0' });
    expect(r.unresolved[0].box[0].lo).toBe(-1);
    expect(r.unresolved[0].box[0].hi).toBeLessThan(1e-8);
    expect(r.complete).toBe(false);
    expect(r.boxesExamined).toBeLessThan(500);
  });
});
