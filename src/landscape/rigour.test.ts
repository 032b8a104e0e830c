// What the interval fixes buy the analysis: a minimum next to a pole certified, a flat piece proved flat.
import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { analyze } from './analyze.js';
import { stationaryPoints } from './stationary.js';

describe('analyze with one-sided poles and exact flat pieces', () => {
  test('analyze(1/x^2 on [-1, 2]) certifies the minimum 1/4 at x = 2; the maximum (the pole) is not', () => {
    const r = analyze(compile('1/x^2'), [{ lo: -1, hi: 2 }]);
    expect(r.globalMinimum).toMatchObject({ value: 0.25, point: { x: 2 }, certified: true });
    expect(r.globalMaximum.certified).toBe(false);
    expect(r.globalMaximum.reason).toMatch(/no finite upper bound/);
  });

  test('analyze(-1/x^2 on [-2, 1]) certifies the maximum -1/4 at x = -2 (the mirrored pole)', () => {
    const r = analyze(compile('-1/x^2'), [{ lo: -2, hi: 1 }]);
    expect(r.globalMaximum).toMatchObject({ value: -0.25, point: { x: -2 }, certified: true });
    expect(r.globalMinimum.certified).toBe(false);
  });

  test('stationaryPoints(relu(-x) + relu(x - 0.5)): the gradient is exactly 0 between the kinks, f exactly 0', () => {
    const r = stationaryPoints(compile('relu(-x) + relu(x - 0.5)'), [{ lo: -1, hi: 1 }]);
    const flat = r.unresolved.filter((u) => u.kind === 'flat');
    expect(flat).toHaveLength(1);
    expect(flat[0].reason).toMatch(/identically zero/);
    expect(flat[0].valueRange).toEqual([0, 0]);
    expect(flat[0].box[0].lo).toBeLessThan(0.01);
    expect(flat[0].box[0].hi).toBeGreaterThan(0.49);
  });
});
