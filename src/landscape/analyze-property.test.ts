// Seeded random objectives from the grammar: analyze always ends within its work budget, its report is
// JSON without null, and a certified extremum is never beaten at a sampled point of the box.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor } from '../core/index.js';
import { compile } from '../expr/index.js';
import { analyze } from './analyze.js';
import { EXTREMUM_TOLERANCE } from './extrema.js';

const leaf = fc.oneof(fc.constantFrom('x', 'y', 'x', 'y'), fc.integer({ min: -3, max: 3 }).map(String));
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc
      .tuple(fc.constantFrom('sin', 'cos', 'exp', 'abs', 'relu', 'tanh', 'sigmoid', 'softplus'), tie('e'))
      .map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom('max', 'min'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(tie('e'), fc.integer({ min: 2, max: 3 })).map(([a, k]) => `(${a})^${k}`),
  ),
})).e;
const range = fc
  .tuple(fc.integer({ min: -4, max: 3 }), fc.integer({ min: 1, max: 4 }))
  .map(([lo, w]) => ({ lo: lo / 2, hi: (lo + w) / 2 }));

describe('analyze on random expressions (seeded)', () => {
  test('ends within the work budget; JSON-safe; certified extrema are not beaten at sampled points', () => {
    const stats = { inputs: 0, certifiedMin: 0, certifiedMax: 0 };
    fc.assert(
      fc.property(
        expression,
        range,
        range,
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 20,
          maxLength: 20,
        }),
        (text, bx, by, samples) => {
          stats.inputs++;
          const objective = compile(text, { variables: ['x', 'y'] });
          const box = [bx, by];
          const r = analyze(objective, box, { maxBoxes: 600, maxWork: 2400 });
          expect(r.boxesExamined).toBeLessThanOrEqual(r.workBudget);
          expect(JSON.stringify(r)).not.toMatch(/null/);
          const values = samples.map(([s, t]) =>
            objective.at(tensor([bx.lo + s * (bx.hi - bx.lo), by.lo + t * (by.hi - by.lo)])).item(),
          );
          for (const v of values.filter(Number.isFinite)) {
            const slack = (m: number) =>
              EXTREMUM_TOLERANCE * Math.max(1, Math.abs(m)) + 1e-12 * Math.max(1, Math.abs(v));
            if (r.globalMinimum.certified)
              expect(v).toBeGreaterThanOrEqual(r.globalMinimum.value - slack(r.globalMinimum.value));
            if (r.globalMaximum.certified)
              expect(v).toBeLessThanOrEqual(r.globalMaximum.value + slack(r.globalMaximum.value));
          }
          if (r.globalMinimum.certified) stats.certifiedMin++;
          if (r.globalMaximum.certified) stats.certifiedMax++;
        },
      ),
      { seed: 20261202, numRuns: 40 },
    );
    expect(stats.inputs).toBe(40);
    // Most random objectives are smooth enough to certify: a suite that certified nothing would prove nothing.
    expect(stats.certifiedMin).toBeGreaterThan(20);
  }, 120_000);
});
