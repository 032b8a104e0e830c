import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { analyze } from './analyze.js';

describe('analyze', () => {
  test('one report: points, completeness, extrema with the boundary, convexity', () => {
    const r = analyze(compile('x^2 - y^2'), [
      { lo: -1, hi: 1 },
      { lo: -1, hi: 2 },
    ]);
    expect(r.stationaryPoints).toHaveLength(1);
    expect(r.stationaryPoints[0]).toMatchObject({ kind: 'saddle', certified: true, eigenvalues: [-2, 2] });
    expect(r.complete).toBe(true);
    expect(r.globalMinimum).toMatchObject({ point: { y: 2 }, value: -4, onBoundary: true });
    expect(r.globalMaximum.value).toBe(1);
    expect(r.extremaCertified).toBe(true);
    expect(r.convexity.verdict).toBe('not convex');
    expect(r.box).toEqual({ x: [-1, 1], y: [-1, 2] });
  });
});
