// Interval sin and cos stay rigorous for large arguments; enclosures keep overflow; powers follow the
// language's rule in interval and point evaluation alike.
import { describe, expect, test } from 'vitest';
import { scalar } from '../core/index.js';
import { Rng } from '../random/index.js';
import {
  compile,
  differentiate,
  DomainError,
  evaluateInterval,
  format,
  hessianExprs,
  nextUp,
  parse,
  type Interval,
} from './index.js';
import { reduceTurns } from './trig.js';

const enclose = (text: string, box: Interval[]): Interval => {
  const f = compile(text);
  return evaluateInterval(f.expr, f.variables, box);
};

/** Values of the expression at n points of a one-variable box: both ends, then evenly spaced and random ones. */
function samples(text: string, box: Interval, n: number, rng: Rng): number[] {
  const f = compile(text, { variables: ['x'] });
  const xs = [box.lo, box.hi];
  for (let i = 0; i < n; i++) xs.push(box.lo + (box.hi - box.lo) * (i % 2 === 0 ? i / n : rng.float()));
  return xs.filter((x) => x >= box.lo && x <= box.hi).map((x) => f.evaluate([scalar(x)]).item());
}

/** A point of phase `turn` (0.25 = a crest of sin) near x, as exactly as doubles allow. */
function phasePoint(x: number, turn: number): number {
  const { fraction } = reduceTurns(x);
  return x + (turn - fraction) * 2 * Math.PI;
}

describe('reduceTurns', () => {
  test.each([1, -1, Math.PI, 1e12, -7e15, 1e22, 1.7e308, 5e-324])('reduceTurns(%s) gives sin(x) back', (x) => {
    const { fraction } = reduceTurns(x);
    expect(fraction >= 0 && fraction < 1).toBe(true);
    expect(Math.abs(Math.sin(2 * Math.PI * fraction) - Math.sin(x))).toBeLessThan(1e-15);
  });
});

describe('nextUp on the bits', () => {
  test('nextUp(x) is the integer successor of the bit pattern of |x| (predecessor for x < 0)', () => {
    const view = new Float64Array(1);
    const bits = new BigInt64Array(view.buffer);
    const reference = (x: number): number => {
      view[0] = x;
      bits[0] += x > 0 ? 1n : -1n;
      return view[0];
    };
    const rng = new Rng(4);
    const xs = [1, -1, 2 ** 32, -(2 ** -1022), 5e-324, -5e-324, 1.7976931348623157e308, -Infinity, 1 - 2 ** -53];
    for (let i = 0; i < 20000; i++) xs.push((rng.float() - 0.5) * 10 ** (600 * rng.float() - 300));
    for (const x of xs) expect(nextUp(x)).toBe(reference(x));
    expect([nextUp(0), nextUp(Infinity), nextUp(NaN)]).toEqual([5e-324, Infinity, NaN]);
  });
});

describe('interval sin and cos for large arguments', () => {
  const rng = new Rng(2026);
  test.each([
    ['sin(x)', 0.25],
    ['sin(x)', 0.75],
    ['cos(x)', 0],
    ['cos(x)', 0.5],
  ] as [string, number][])('%s reaches ±1 on one-ulp boxes holding its extremum at phase %s turns', (text, turn) => {
    // Before exact reduction, 2π·k in doubles put about 3% of these crests an ulp off, outside the box.
    let inside = 0;
    for (const scale of [1e6, 1e9, 1e12, 1e13, 1e14, 1e15]) {
      for (let i = 0; i < 500; i++) {
        const c = phasePoint(scale * (1 + rng.float()), turn);
        for (const [lo, hi] of [
          [c, nextUp(c)],
          [-nextUp(-c), c],
        ]) {
          const a = reduceTurns(lo);
          const b = reduceTurns(hi);
          const to = Number(b.turns - a.turns) + b.fraction;
          if (![0, 1].some((k) => a.fraction + 1e-14 < turn + k && turn + k < to - 1e-14)) continue;
          inside++;
          const e = enclose(text, [{ lo, hi }]);
          expect(turn === 0.25 || turn === 0 ? e.hi : -e.lo).toBe(1);
        }
      }
    }
    expect(inside).toBeGreaterThan(1000);
  });

  test.each(['sin(x)', 'cos(x)', 'tan(x)'])('%s on random boxes of [1e12, 1e12 + 20] holds every sample', (text) => {
    expect(enclose(text.replace('tan', 'sin'), [{ lo: 1e12, hi: 1e12 + 20 }])).toEqual({ lo: -1, hi: 1 });
    for (let i = 0; i < 300; i++) {
      const lo = 1e12 + 20 * rng.float();
      const box = { lo, hi: lo + (i % 3 === 0 ? 2 ** -12 * (1 + (i % 7)) : 1e-3 + 3 * rng.float()) };
      let e: Interval;
      try {
        e = enclose(text, [box]);
      } catch (err) {
        if (text === 'tan(x)' && err instanceof DomainError) continue;
        throw err;
      }
      for (const v of samples(text, box, 50, rng)) expect(e.lo <= v && v <= e.hi).toBe(true);
    }
  });

  test('tan(x) near a pole at 1e12 is refused', () => {
    const c = phasePoint(1e12, 0.25);
    expect(() => enclose('tan(x)', [{ lo: c - 1e-3, hi: c + 1e-3 }])).toThrow(DomainError);
  });
});

describe('overflow gives infinite bounds', () => {
  test.each([
    ['x^2', -1e300, 1e300],
    ['cosh(x)', -1000, 1000],
    ['exp(x)', -1000, 1000],
    ['sinh(x)', -1000, 1000],
    ['x*x', -1e300, 1e300],
    ['x^3', -1e300, 1e300],
    ['softplus(x)^2', -1e308, 1e308],
    ['exp(x)^2', 0, 400],
  ] as [string, number, number][])('%s on [%s, %s] has an upper bound of +Infinity', (text, lo, hi) => {
    const e = enclose(text, [{ lo, hi }]);
    expect(e.hi).toBe(Infinity);
    for (const v of samples(text, { lo, hi }, 100, new Rng(3))) expect(e.lo <= v && v <= e.hi).toBe(true);
  });
});

describe('the power rule', () => {
  test('x^(sigmoid(100)) on x = -0.9:0.33 is x (the exponent is exactly 1 in floating point)', () => {
    const e = enclose('x^(sigmoid(100))', [{ lo: -0.9, hi: 0.33 }]);
    expect(e.lo).toBeLessThanOrEqual(-0.9);
    expect(e.hi).toBeGreaterThanOrEqual(0.33);
    expect(e.hi - e.lo).toBeLessThan(1.23 + 1e-12);
    expect(
      compile('x^(sigmoid(100))')
        .evaluate([scalar(-0.5)])
        .item(),
    ).toBe(-0.5);
    // Its derivatives follow the same rule: d/dx x^1 = 1, and the second derivative 0 is enclosed on the box.
    const d = differentiate(parse('x^(sigmoid(100))'), 'x');
    expect(format(d)).toBe('1');
    const h = hessianExprs(parse('x^(3/3*2)'), ['x'])[0][0];
    expect(evaluateInterval(h, ['x'], [{ lo: -0.9, hi: 0.33 }])).toEqual({ lo: 2, hi: 2 });
  });

  test.each(['x^(4/2)', 'x^(3*1)', 'x^(-1-1)', 'x^(2^2)'])('%s is an integer power for a negative base too', (text) => {
    const box = { lo: -3, hi: -0.5 };
    const e = enclose(text, [box]);
    for (const v of samples(text, box, 50, new Rng(5))) expect(e.lo <= v && v <= e.hi).toBe(true);
  });

  test('interval and point evaluation agree: undefined exactly where point evaluation is NaN', () => {
    const rng = new Rng(9);
    for (const text of ['x^0.5', 'x^y', 'x^(y*0)', 'x^(1/3)', 'x^(-0.5)', 'x^(sin(1))']) {
      const f = compile(text, { variables: ['x', 'y'] });
      for (let t = 0; t < 100; t++) {
        const x = -2 + 4 * rng.float();
        const y = Math.round(-3 + 6 * rng.float()); // integers: a varying exponent still needs x >= 0
        const v = f.evaluate([scalar(x), scalar(y)]).item();
        let flagged = false;
        try {
          evaluateInterval(
            f.expr,
            ['x', 'y'],
            [
              { lo: x, hi: x },
              { lo: y, hi: y },
            ],
          );
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          flagged = true;
        }
        if (Number.isNaN(v)) expect(flagged).toBe(true);
        if (flagged) expect(Number.isFinite(v)).toBe(x === 0 && !Number.isNaN(v));
      }
    }
    expect(() =>
      evaluateInterval(
        parse('x^y'),
        ['x', 'y'],
        [
          { lo: -2, hi: -1 },
          { lo: 2, hi: 2 },
        ],
      ),
    ).toThrow(/an exponent that varies needs a base >= 0/);
  });
});
