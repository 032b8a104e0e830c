// Derivatives, property-based: reverse mode and the symbolic derivative against central differences on random
// smooth expressions; Hessians symmetric to rounding on random expressions of the whole language; a NaN
// sub-expression never ends in a finite value or a finite derive() report.
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { pointCaseArb, poisonedCaseArb, powCaseArb, smoothCaseArb } from './arbitraries.js';
import { checkGradient, checkHessianSymmetry, checkNaNPropagation, holds } from './checks.js';

describe('derivatives (property-based, seeded)', () => {
  test('grad and differentiate of smooth expressions equal central differences', () => {
    fc.assert(
      fc.property(smoothCaseArb, (c) => holds(checkGradient(c))),
      { seed: 1401, numRuns: 600 },
    );
  });

  test('hessian and differentiate∘differentiate are symmetric to rounding, every function of the language', () => {
    fc.assert(
      fc.property(pointCaseArb({ maxDepth: 3 }), (c) => holds(checkHessianSymmetry(c))),
      { seed: 1402, numRuns: 400 },
    );
  });

  test('hessian of u^v is symmetric to rounding, at points with zero and integer coordinates', () => {
    fc.assert(
      fc.property(powCaseArb, (c) => holds(checkHessianSymmetry(c))),
      { seed: 1404, numRuns: 300 },
    );
  });

  test('a NaN sub-expression makes the value NaN and derive() report the point undefined', () => {
    fc.assert(
      fc.property(poisonedCaseArb, (c) => holds(checkNaNPropagation(c))),
      { seed: 1403, numRuns: 400 },
    );
  });
});
