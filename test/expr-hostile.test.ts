// Seeded property tests of the expression language as a hostile user would drive it: random text for
// the parser, random expressions of the grammar for interval enclosures, derivatives and Hessians.
// Each property states what must hold for every input; fast-check shrinks a failure to a small case.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as s from '../src/core/index.js';
import {
  compile,
  DomainError,
  evaluateIntervals,
  ExpressionTooLargeError,
  format,
  FUNCTIONS,
  hessianExprs,
  locateNonFinite,
  parse,
  ParseError,
  type Interval,
} from '../src/expr/index.js';

const SEED = 20261202;
const VARIABLES = ['x', 'y'];

/** Random expressions of the language's grammar, as text (every function, operator and leaf kind). */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y', 'pi', 'e'),
    fc.constantFrom(0, 1, 2, 3, 0.5, 1e-3, 100).map(String),
    fc.tuple(tie('e')).map(([a]) => `-(${a})`),
    fc.tuple(fc.constantFrom('+', '-', '*', '/', '^'), tie('e'), tie('e')).map(([op, a, b]) => `(${a}) ${op} (${b})`),
    fc
      .tuple(fc.constantFrom(...Object.keys(FUNCTIONS)), tie('e'), tie('e'))
      .map(([f, a, b]) => (FUNCTIONS[f as keyof typeof FUNCTIONS] === 2 ? `${f}(${a}, ${b})` : `${f}(${a})`)),
  ),
})).e;

// Special points (0, ±1) as often as random ones: kinks, 0^0 and x^0 live there.
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const coordinate = fc.oneof(fc.constantFrom(0, 1, -1, 2.816), fc.double({ min: -3, max: 3, noNaN: true }));
const box = fc
  .array(fc.tuple(coordinate, fc.double({ min: 0, max: 2, noNaN: true })), { minLength: 2, maxLength: 2 })
  .map((pairs) => pairs.map(([lo, w]) => ({ lo, hi: lo + w })));

function valueAt(text: string, point: readonly number[], dtype: s.DType = 'float64'): number {
  return compile(text, { variables: VARIABLES })
    .evaluate(point.map((v) => s.scalar(v, dtype)))
    .item();
}

describe('parse on hostile text', () => {
  test('parse(any string) returns an expression or throws ParseError, never anything else', () => {
    const alphabet = fc.constantFrom(...'xy019.e+-*/^(),  sinmaxlog_**E'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: alphabet, maxLength: 40 })), (text) => {
        try {
          parse(text);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          expect(err.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('format(parse(t)) parses back to the same text, for every expression of the grammar', () => {
    fc.assert(
      fc.property(expression, (text) => {
        const once = format(parse(text));
        expect(format(parse(once))).toBe(once);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('a number literal that overflows is a ParseError naming its column', () => {
    expect(() => parse('x + 1e400')).toThrow(/the number 1e400 at column 5 is too large for float64/);
  });
});

describe('interval enclosures on random expressions and boxes', () => {
  test('every sampled value lies in the enclosure; a sampled NaN means the box was flagged or unbounded', () => {
    fc.assert(
      fc.property(expression, box, fc.array(fc.tuple(unit, unit), { minLength: 1, maxLength: 8 }), (text, X, ts) => {
        const f = compile(text, { variables: VARIABLES });
        let enclosure: Interval | null = null;
        try {
          enclosure = evaluateIntervals([f.expr], VARIABLES, X)[0];
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
        }
        if (enclosure === null) return;
        expect(enclosure.lo <= enclosure.hi).toBe(true);
        const corners = [[0, 0], [0, 1], [1, 0], [1, 1], ...ts];
        for (const [a, b] of corners) {
          const p = [X[0].lo + a * (X[0].hi - X[0].lo), X[1].lo + b * (X[1].hi - X[1].lo)];
          const v = valueAt(text, p);
          // A NaN inside the box must have been flagged (DomainError), unless floating point made it: a part
          // overflowed or hit a pole (x^-3 at 5e-324, 1/0), where intervals carry an unbounded enclosure on.
          if (Number.isNaN(v)) {
            const cause = locateNonFinite(f.expr, VARIABLES, p);
            const unbounded = enclosure.lo === -Infinity || enclosure.hi === Infinity;
            expect(unbounded || Math.abs(cause?.value ?? 0) === Infinity).toBe(true);
          } else expect(enclosure.lo <= v && v <= enclosure.hi).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});

describe('derivatives on random expressions', () => {
  const point = fc.tuple(coordinate, coordinate);

  test('every finite Hessian of a power whose exponent is 0 at the point is symmetric (y^x at x = 0)', () => {
    fc.assert(
      fc.property(expression, fc.constantFrom(1, 2, -1, 0.5), coordinate, (base, c, x) => {
        const f = compile(`(${base})^(${c}*y)`, { variables: VARIABLES });
        const H = s.hessian(f.at)(s.tensor([x, 0])).data;
        if (!H.every(Number.isFinite)) return;
        expect(Math.abs(H[1] - H[2])).toBeLessThanOrEqual(1e-9 * Math.max(1, ...Array.from(H, Math.abs)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('every finite Hessian is symmetric to rounding', () => {
    fc.assert(
      fc.property(expression, point, (text, p) => {
        const f = compile(text, { variables: VARIABLES });
        const H = s.hessian(f.at)(s.tensor(p)).data;
        if (!H.every(Number.isFinite)) return;
        const scale = Math.max(1, ...Array.from(H, Math.abs));
        expect(Math.abs(H[1] - H[2])).toBeLessThanOrEqual(1e-9 * scale);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  test('symbolic Hessians agree with autodiff where both are finite, and are built within the node limit', () => {
    fc.assert(
      fc.property(expression, point, (text, p) => {
        const f = compile(text, { variables: VARIABLES });
        let H: ReturnType<typeof hessianExprs>;
        try {
          H = hessianExprs(f.expr, VARIABLES);
        } catch (err) {
          if (err instanceof ExpressionTooLargeError) return;
          throw err;
        }
        const auto = s.hessian(f.at)(s.tensor(p)).data;
        H.flat().forEach((h, k) => {
          const symbolic = compile(h, { variables: VARIABLES }).at(s.tensor(p)).item();
          if (!Number.isFinite(symbolic) || !Number.isFinite(auto[k])) return;
          // Kinks (abs, relu, max, min) are where the two conventions may differ; away from them they agree.
          if (/abs|relu|max|min/.test(text)) return;
          expect(Math.abs(symbolic - auto[k])).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(auto[k])));
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('relu, max, min, abs, ^0 of an undefined value are undefined (NaN never turns into a number)', () => {
    const wrappers = fc.constantFrom('relu(U)', 'max(U, F)', 'min(F, U)', 'abs(U)', 'U*0', 'U^0', 'max(U, U)');
    fc.assert(
      fc.property(expression, point, wrappers, (text, p, wrap) => {
        const inner = valueAt(text, p);
        if (!Number.isNaN(inner)) return;
        const outer = wrap.replaceAll('U', `(${text})`).replaceAll('F', '1');
        expect(valueAt(outer, p)).toBeNaN();
        if (Number.isNaN(valueAt(text, p, 'float32'))) expect(valueAt(outer, p, 'float32')).toBeNaN();
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});
