import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { convexity } from './convexity.js';
import { globalExtrema } from './extrema.js';

const box = (...ranges: [number, number][]) => ranges.map(([lo, hi]) => ({ lo, hi }));

describe('globalExtrema (boundary included)', () => {
  test('x·cos(πx) on [-1, 2]: global minimum inside at 1.0904, maximum on the boundary at x = 2', () => {
    const e = globalExtrema(compile('x*cos(pi*x)'), box([-1, 2]));
    expect(e.certified).toBe(true);
    expect(e.minimum.point.x).toBeCloseTo(1.090408221946721, 12);
    expect(e.minimum.onBoundary).toBe(false);
    expect(e.maximum).toMatchObject({ point: { x: 2 }, value: 2, onBoundary: true });
  });

  test('x² − y² on [-1, 1]²: the saddle is neither; the extremes are on the edges (value ∓1)', () => {
    const e = globalExtrema(compile('x^2 - y^2'), box([-1, 1], [-1, 1]));
    expect(e.minimum.value).toBe(-1);
    expect(e.maximum.value).toBe(1);
    expect(e.minimum.onBoundary && e.maximum.onBoundary).toBe(true);
    expect(Math.abs(e.minimum.point.y)).toBe(1);
  });

  test('Himmelblau on [-5, 5]²: minimum 0 inside, maximum 890 at the corner (5, 5)', () => {
    const e = globalExtrema(compile('(x^2+y-11)^2 + (x+y^2-7)^2'), box([-5, 5], [-5, 5]));
    expect(e.minimum.value).toBeCloseTo(0, 12);
    expect(e.minimum.onBoundary).toBe(false);
    expect(e.maximum).toMatchObject({ point: { x: 5, y: 5 }, value: 890, onBoundary: true });
  });

  test('maximisation as minimisation: the negative of the objective swaps the two', () => {
    const e = globalExtrema(compile('x*cos(pi*x)', { maximize: true }), box([-1, 2]));
    expect(e.minimum.point.x).toBe(2);
    expect(e.minimum.value).toBe(-2);
  });
});

describe('convexity on a box', () => {
  test.each([
    ['x^2 + y^2', box([-1, 2], [-3, 1])],
    ['exp(x) + (x - y)^2', box([-1, 1], [-1, 1])],
    ['softplus(x) + y^4', box([-2, 2], [-2, 2])],
  ])('%s is proved convex', (text, b) => {
    expect(convexity(compile(text), b)).toEqual({ verdict: 'convex' });
  });

  test.each([
    ['x*cos(pi*x)', box([-1, 2])],
    ['x^2 - y^2', box([-1, 1], [-1, 1])],
    ['(1 - x)^2 + 100*(y - x^2)^2', box([-2, 2], [-1, 3])],
  ])('%s is proved not convex, with a witness of negative curvature', (text, b) => {
    const c = convexity(compile(text), b);
    expect(c.verdict).toBe('not convex');
    if (c.verdict === 'not convex') expect(c.witness.eigenvalue).toBeLessThan(0);
  });

  test('x·cos(πx) is convex on [0.8, 1.4] around its global minimum, and not on [0.6, 1.4] (f″(0.6) < 0)', () => {
    expect(convexity(compile('x*cos(pi*x)'), box([0.8, 1.4])).verdict).toBe('convex');
    expect(convexity(compile('x*cos(pi*x)'), box([0.6, 1.4])).verdict).toBe('not convex');
  });

  test('undefined somewhere in the box: undecided, saying why', () => {
    const c = convexity(compile('-log(x)'), box([-1, 1]));
    expect(c).toEqual({ verdict: 'undecided', reason: expect.stringMatching(/log is undefined for x <= 0/) });
  });
});
