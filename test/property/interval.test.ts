// evaluateInterval, property-based: over random expressions of the whole language and random boxes (tiny,
// huge, one ulp wide, around 0 and 1e12), the enclosure holds every finite point value at the corners and at
// sampled points, never has a NaN bound, and shrinks with the box.
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { enclosureCaseArb } from './arbitraries.js';
import { checkEnclosure, holds } from './checks.js';

describe('evaluateInterval (property-based, seeded)', () => {
  test('evaluateInterval(f, box) contains f at every sampled point of the box, one variable', () => {
    fc.assert(
      fc.property(enclosureCaseArb(['x']), (c) => holds(checkEnclosure(c))),
      { seed: 1301, numRuns: 1500 },
    );
  });

  test('evaluateInterval(f, box) contains f at every sampled point and shrinks with the box, x and y', () => {
    fc.assert(
      fc.property(enclosureCaseArb(['x', 'y']), (c) => holds(checkEnclosure(c))),
      { seed: 1302, numRuns: 1500 },
    );
  });

  test('evaluateInterval(f, box) over three variables', () => {
    fc.assert(
      fc.property(enclosureCaseArb(['x', 'y', 'z']), (c) => holds(checkEnclosure(c))),
      { seed: 1303, numRuns: 500 },
    );
  });
});
