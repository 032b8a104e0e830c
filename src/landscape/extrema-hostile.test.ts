// Global extrema that must be found or marked uncertified: every face visited once, kinks and poles,
// overflow, and a report whose JSON holds only the numbers it documents.
import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { analyze } from './analyze.js';
import { convexity } from './convexity.js';
import { EXTREMUM_TOLERANCE, globalExtrema } from './extrema.js';

const box = (...ranges: [number, number][]) => ranges.map(([lo, hi]) => ({ lo, hi }));
const cube = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => ({ lo, hi }));
const sumOfSquares = (n: number) => Array.from({ length: n }, (_, i) => `x${i}^2`).join(' + ');

describe('globalExtrema visits each face of the box once', () => {
  test('x0² + … + x7² on [-1, 2]⁸: 3⁸ faces, each visited once; minimum 0 inside, maximum 32 at the corner', () => {
    const e = globalExtrema(compile(sumOfSquares(8)), cube(8, -1, 2));
    expect(e.faces.total).toBe(3 ** 8);
    expect(e.faces.searched + e.faces.bounded + 2 ** 8).toBe(3 ** 8); // the corners are evaluated, not searched
    expect(e.minimum).toMatchObject({ value: 0, onBoundary: false, certified: true });
    expect(e.maximum).toMatchObject({ value: 32, onBoundary: true, certified: true });
    expect(Object.values(e.maximum.point)).toEqual(Array(8).fill(2));
    expect(e.boxesExamined).toBeLessThan(10_000);
  }, 20_000);

  test('with too small a work budget the answer is uncertified, says why, and bounds what was not searched', () => {
    const e = globalExtrema(compile(sumOfSquares(8)), cube(8, -1, 2), { maxWork: 50 });
    expect(e.boxesExamined).toBe(50);
    expect(e.certified).toBe(false);
    for (const side of [e.minimum, e.maximum]) {
      expect(side.certified).toBe(false);
      expect(side.reason).toMatch(/the work budget of 50 boxes ran out after 50 of 6561 faces/);
    }
    expect(e.minimum.bound).toBeLessThanOrEqual(0);
    expect(e.maximum.bound).toBeGreaterThanOrEqual(32);
  }, 20_000);
});

describe('kinks and poles: found, or the extremum is marked uncertified', () => {
  test.each([
    ['abs(x)', box([-1, 1]), [0], 1],
    ['relu(x)', box([-1, 1]), undefined, 1],
    ['abs(x - 0.3) + abs(y + 0.2)', box([-1, 1], [-1, 1]), [0.3, -0.2], 2.5],
    ['max(x, -x)', box([-2, 1]), [0], 2],
    ['-abs(x)', box([-1, 1]), undefined, undefined],
  ])(
    '%s: the extrema at the kink are found and certified by the interval bound',
    (text, b, argmin, max) => {
      const e = globalExtrema(compile(text), b);
      expect(e.minimum.certified && e.maximum.certified).toBe(true);
      for (const side of [e.minimum, e.maximum]) {
        expect(Math.abs(side.value - (side.bound as number))).toBeLessThanOrEqual(
          EXTREMUM_TOLERANCE * Math.max(1, Math.abs(side.value)),
        );
      }
      if (argmin) e.minimum.coordinates.forEach((c, i) => expect(Math.abs(c - argmin[i])).toBeLessThan(1e-8));
      if (argmin) expect(Math.abs(e.minimum.value)).toBeLessThan(1e-8);
      if (max !== undefined) expect(e.maximum.value).toBe(max);
      if (text === '-abs(x)') expect(Math.abs(e.maximum.value)).toBeLessThan(1e-8);
    },
    10_000,
  );

  test.each([
    ['1/x', box([-1, 1]), 'lower', 'upper'],
    ['1/cos(x)', box([0.1, 3]), 'lower', 'upper'],
    // The minimum (1/4 at x = 2) is certified: 1/[0, ε] encloses as [1/ε, ∞), which bounds it.
    ['1/x^2', box([-1, 2]), null, 'upper'],
  ])(
    '%s has a pole in the box: the extremum it makes unbounded is not certified, and says where',
    (text, b, low, high) => {
      const e = globalExtrema(compile(text), b);
      for (const [side, name] of [
        [e.minimum, low],
        [e.maximum, high],
      ] as const) {
        if (name === null) {
          expect(side.certified).toBe(true);
          continue;
        }
        expect(side.certified).toBe(false);
        expect(side.bound).toBeUndefined();
        expect(side.reason).toMatch(new RegExp(`f has no finite ${name} bound where the search could not resolve it`));
      }
    },
    10_000,
  );

  test('1/cos(x) on [0.1, 3]: the reason names the region around π/2', () => {
    const e = globalExtrema(compile('1/cos(x)'), box([0.1, 3]));
    const m = /x ∈ \[([^,]+), ([^\]]+)\]/.exec(e.minimum.reason as string);
    expect(m).not.toBeNull();
    expect(Number(m![1]) <= Math.PI / 2 && Math.PI / 2 <= Number(m![2])).toBe(true);
  });
});

describe('overflow is never certified', () => {
  test.each([
    ['x^2', box([-1e300, 1e300])],
    ['cosh(x)', box([-1000, 1000])],
    ['exp(x)', box([-1000, 1000])],
  ])(
    '%s: the maximum overflows, so it is not certified and has no bound; the minimum is',
    (text, b) => {
      const e = globalExtrema(compile(text), b);
      expect(e.maximum.certified).toBe(false);
      expect(e.maximum.bound).toBeUndefined();
      expect(e.maximum.reason).toMatch(/f is Infinity at x = (-?1e\+300|-?1000) \(overflows there/);
      expect(e.minimum.certified).toBe(true);
      expect(e.certified).toBe(false);
    },
    10_000,
  );

  test('-(x^2) maximised on ±1e300: the overflow is on the minimum side of the negated objective', () => {
    const e = globalExtrema(compile('x^2', { maximize: true }), box([-1e300, 1e300]));
    expect(e.minimum.certified).toBe(false);
    expect(e.minimum.reason).toMatch(/f is -Infinity/);
    expect(e.maximum).toMatchObject({ value: -0, certified: true });
  });
});

describe('analyze: every output is a documented number or absent, never null', () => {
  test.each([
    ['relu(x)', box([-1, 1])],
    ['abs(x)', box([-1, 1])],
    ['1/x', box([-1, 1])],
    ['x^2', box([-1e300, 1e300])],
    ['cosh(x)', box([-1000, 1000])],
    ['1/cos(x)', box([0.1, 3])],
    ['exp(x)', box([-1000, 1000])],
    ['x*y^2', box([-1, 1], [-1, 1])],
    ['0*x + 0*y', box([-1, 1], [-1, 1])],
    ['log(x)', box([-1, 2])],
  ])(
    '%s: the report survives a JSON round trip unchanged',
    (text, b) => {
      const r = analyze(compile(text), b, { maxBoxes: 4000 });
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(JSON.stringify(r)).not.toMatch(/null/);
      for (const side of [r.globalMinimum, r.globalMaximum])
        if (!side.certified) expect(side.reason).toEqual(expect.any(String));
    },
    20_000,
  );

  test('an uncertified extremum says so in the report; an undefined region makes both uncertified', () => {
    const r = analyze(compile('log(x) + x'), box([-1, 2]));
    expect(r.unresolved.some((u) => u.kind === 'undefined')).toBe(true);
    expect(r.globalMinimum.certified).toBe(false);
    expect(r.extremaCertified).toBe(false);
  });
});

describe('rigorous enclosures for large arguments', () => {
  // Depends on interval sin/cos being rigorous for large arguments (src/expr/interval.ts).
  test('sin(x) on [1e12, 1e12 + 20]: all six stationary points, certified, and the list is complete', () => {
    const r = analyze(compile('sin(x)'), box([1e12, 1e12 + 20]));
    expect(r.stationaryPoints).toHaveLength(6);
    expect(r.stationaryPoints.every((p) => p.certified && Math.abs(Math.abs(p.value) - 1) < 1e-9)).toBe(true);
    expect(r.stationaryPoints.map((p) => p.kind)).toEqual(
      r.stationaryPoints[0].kind === 'minimum'
        ? ['minimum', 'maximum', 'minimum', 'maximum', 'minimum', 'maximum']
        : ['maximum', 'minimum', 'maximum', 'minimum', 'maximum', 'minimum'],
    );
    const xs = r.stationaryPoints.map((p) => p.point.x);
    xs.slice(1).forEach((x, i) => expect(Math.abs(x - xs[i] - Math.PI)).toBeLessThan(1e-3));
    expect(r.complete).toBe(true);
  }, 20_000);
});

describe('convexity of a maximised objective', () => {
  test('x^4 maximised is -x^4, concave: not convex (the proof was run on x^4 itself)', () => {
    const c = convexity(compile('x^4', { maximize: true }), box([-1, 1]));
    expect(c.verdict).toBe('not convex');
    expect(convexity(compile('-x^4', { maximize: true }), box([-1, 1])).verdict).toBe('convex');
  });
});
