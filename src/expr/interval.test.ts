// Interval enclosures and symbolic derivatives, checked against point evaluation and autodiff.
import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import { Rng } from '../random/index.js';
import {
  compile,
  contains,
  differentiate,
  DomainError,
  evaluateInterval,
  format,
  gradientExprs,
  hessianExprs,
  interval,
  nextDown,
  nextUp,
  parse,
  type Interval,
} from './index.js';

const EXPRESSIONS = [
  'x*cos(pi*x)',
  'x^2 - y^2',
  '(x^2+y-11)^2 + (x+y^2-7)^2',
  '(1 - x)^2 + 100*(y - x^2)^2',
  'x^3 - 3*x*y^2',
  'sin(x)*exp(-y^2) + tanh(x*y)',
  'sigmoid(x - y) + softplus(y) - log1p(x^2)',
  'sqrt(x^2 + 1) / cosh(y)',
  'sinh(x) + tan(0.3*y) + x^-2',
  'abs(x - 0.3) + relu(y) + max(x, y) - min(x, 2*y)',
  'x^y',
  'e^x * x^4 - 2^x',
];

describe('differentiate', () => {
  test.each(EXPRESSIONS)('symbolic gradient and Hessian of %s equal autodiff', (text) => {
    const f = compile(text);
    const vars = f.variables;
    const grad = gradientExprs(f.expr, vars).map((g) => compile(g, { variables: vars }));
    const hess = hessianExprs(f.expr, vars).map((row) => row.map((h) => compile(h, { variables: vars })));
    const rng = new Rng(7);
    for (let trial = 0; trial < 5; trial++) {
      const point = vars.map(() => 0.2 + 1.3 * rng.float()); // positive, away from kinks at 0
      const x = s.tensor(point);
      const at = (c: ReturnType<typeof compile>) => c.at(x).item();
      const g = s.grad(f.at)(x).data;
      const H = s.hessian(f.at)(x).data;
      grad.forEach((gi, i) => expect(Math.abs(at(gi) - g[i])).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(g[i]))));
      hess.forEach((row, i) =>
        row.forEach((hij, j) => {
          const ref = H[i * vars.length + j];
          expect(Math.abs(at(hij) - ref)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(ref)));
        }),
      );
    }
  });

  test('derivatives are simplified', () => {
    expect(format(differentiate(parse('x^2'), 'x'))).toBe('2 * x');
    expect(format(differentiate(parse('3*x + y'), 'x'))).toBe('3');
    expect(format(differentiate(parse('sin(y)'), 'x'))).toBe('0');
    expect(format(differentiate(parse('exp(2*x)'), 'x'))).toBe('exp(2 * x) * 2');
  });
});

describe('interval arithmetic', () => {
  test.each(EXPRESSIONS)('the enclosure of %s over random boxes contains every sampled value', (text) => {
    const f = compile(text);
    const rng = new Rng(11);
    for (let trial = 0; trial < 30; trial++) {
      const box: Interval[] = f.variables.map(() => {
        const a = 0.1 + 2 * rng.float();
        const w = rng.float() * (trial % 3 === 0 ? 1e-6 : 0.8);
        return interval(a, a + w);
      });
      let enclosure: Interval;
      try {
        enclosure = evaluateInterval(f.expr, f.variables, box);
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        continue;
      }
      for (let k = 0; k < 40; k++) {
        const point = box.map((b) => (k === 0 ? b.lo : k === 1 ? b.hi : b.lo + (b.hi - b.lo) * rng.float()));
        const v = f.evaluate(point.map((p) => s.tensor(p))).item();
        if (Number.isFinite(v))
          expect(contains(enclosure, v), `${text} at ${point} = ${v} outside [${enclosure.lo}, ${enclosure.hi}]`).toBe(
            true,
          );
      }
    }
  });

  test('bounds are rounded outward: [0.1] + [0.2] contains the real sum of the two doubles', () => {
    const r = evaluateInterval(parse('x + y'), ['x', 'y'], [interval(0.1), interval(0.2)]);
    // The exact real sum 0.3000000000000000166… lies strictly between 0.3 and 0.30000000000000004.
    expect(r.lo).toBeLessThanOrEqual(0.3);
    expect(r.hi).toBeGreaterThanOrEqual(0.30000000000000004);
    const pi = evaluateInterval(parse('pi'), [], []);
    expect(pi.lo).toBeLessThan(Math.PI);
    expect(pi.hi).toBeGreaterThan(Math.PI);
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextUp(-0)).toBe(Number.MIN_VALUE);
  });

  test('sin and cos reach ±1 exactly where the interval contains a crest or trough', () => {
    expect(evaluateInterval(parse('sin(x)'), ['x'], [interval(1, 2)]).hi).toBe(1);
    expect(evaluateInterval(parse('cos(x)'), ['x'], [interval(3, 3.5)]).lo).toBe(-1);
    const narrow = evaluateInterval(parse('sin(x)'), ['x'], [interval(0.1, 0.2)]);
    expect(narrow.lo).toBeLessThanOrEqual(Math.sin(0.1));
    expect(narrow.hi).toBeLessThan(0.2);
  });

  test('even powers of intervals straddling zero start at zero; division by an interval with zero is unbounded', () => {
    expect(evaluateInterval(parse('x^2'), ['x'], [interval(-1, 2)])).toEqual({ lo: 0, hi: nextUp(nextUp(4)) });
    expect(evaluateInterval(parse('1/x'), ['x'], [interval(-1, 2)])).toEqual({ lo: -Infinity, hi: Infinity });
  });

  test('a function outside its domain somewhere in the box is a DomainError naming the argument', () => {
    expect(() => evaluateInterval(parse('log(x)'), ['x'], [interval(-1, 2)])).toThrow(/log is undefined for x <= 0/);
    expect(() => evaluateInterval(parse('sqrt(x - 1)'), ['x'], [interval(0, 2)])).toThrow(
      /sqrt is undefined for x - 1 < 0/,
    );
    let error: unknown = null;
    try {
      evaluateInterval(parse('y + log1p(x)'), ['y', 'x'], [interval(0, 1), interval(-2, 0)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).column).toBe(11);
  });
});
