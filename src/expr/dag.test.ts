// Derivatives as shared DAGs: their size and the work on them stay linear where trees would explode.
import { describe, expect, test } from 'vitest';
import { tensor } from '../core/index.js';
import {
  compile,
  contains,
  evaluateInterval,
  evaluateIntervals,
  format,
  hessianExprs,
  parse,
  substitute,
} from './index.js';
import { dagSize, mapChildren, type Expr } from './ast.js';
import { ExprBuilder, ExpressionTooLargeError } from './build.js';
import { differentiate } from './differentiate.js';

const nestedMax = (depth: number): string => `${'max('.repeat(depth)}x${', y)'.repeat(depth)}`;

describe('hessianExprs on shared sub-expressions', () => {
  test('hessianExprs(max(max(…(x, y)…), y)) at depth 40 stays small and evaluates in interval arithmetic', () => {
    // Before sharing, depth 20 ran out of memory: each level's derivative mentions both branches twice.
    const expr = parse(nestedMax(40));
    const builder = new ExprBuilder();
    const started = performance.now();
    const H = hessianExprs(expr, ['x', 'y'], builder);
    const enclosures = evaluateIntervals(
      H.flat(),
      ['x', 'y'],
      [
        { lo: 0.5, hi: 1 },
        { lo: 2, hi: 3 },
      ],
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(builder.size).toBeLessThan(40 * 200);
    // y wins every max on this box, so f = y there: its Hessian is 0.
    for (const h of enclosures) expect(h.lo <= 0 && 0 <= h.hi).toBe(true);
    expect(dagSize(H[1][1])).toBeLessThan(40 * 100);
  });

  test('the DAG of d max(…)/dx grows linearly with the depth', () => {
    const sizes = [10, 20, 40].map((d) => dagSize(differentiate(differentiate(parse(nestedMax(d)), 'x'), 'y')));
    expect(sizes[2] - sizes[1]).toBeLessThanOrEqual(2 * (sizes[1] - sizes[0]) + 2);
  });

  test('hessianExprs of a product of 151 factors is built and evaluated within seconds', () => {
    const names = Array.from({ length: 151 }, (_, i) => `x${i}`);
    const expr = parse(names.join('*'));
    const started = performance.now();
    const H = hessianExprs(expr, names.slice(0, 20));
    const box = names.map(() => ({ lo: 0.99, hi: 1.01 }));
    const enclosures = evaluateIntervals(H.flat(), names, box);
    expect(performance.now() - started).toBeLessThan(5000);
    // ∂²/∂x_i∂x_j of the product is the product of the other 149 factors: in [0.99^149, 1.01^149].
    for (const [k, h] of enclosures.entries()) {
      if (Math.floor(k / 20) === k % 20) expect(h).toEqual({ lo: 0, hi: 0 });
      else expect(h.lo <= 0.99 ** 149 && 1.01 ** 149 <= h.hi && h.hi < 1.01 ** 149 * 1.001).toBe(true);
    }
  });

  test('a builder past its node limit throws ExpressionTooLargeError, not an out-of-memory crash', () => {
    const expr = parse('sin(x*y)^3 + exp(x - y)*cos(x*x)');
    expect(() => hessianExprs(expr, ['x', 'y'], new ExprBuilder(20))).toThrow(ExpressionTooLargeError);
    expect(() => hessianExprs(expr, ['x', 'y'], new ExprBuilder(20))).toThrow(/more than 20 distinct sub-expressions/);
  });

  test('the builder shares equal nodes: d(x*y)/dx and d(x*y)/dy of one builder reuse x and y', () => {
    const b = new ExprBuilder();
    const a = b.binary('*', b.call('sin', b.num(2)), b.num(3));
    const c = b.binary('*', b.call('sin', b.num(2)), b.num(3));
    expect(a).toBe(c);
  });

  test('the builder never takes one shape for another: -a is not 1 - a when the number 1 was made first', () => {
    const b = new ExprBuilder();
    const one = b.num(1);
    const s = b.call('sigmoid', one); // the first child the builder keys, so the number 1 gets id 0
    expect(format(b.binary('-', one, s))).toBe('1 - sigmoid(1)');
    expect(format(b.neg(s))).toBe('-sigmoid(1)');
  });

  test('differentiate((-x)^sigmoid(x)) matches central differences (found by scripts/fuzz.mjs, seed 2026)', () => {
    const f = compile('(-x)^sigmoid(x)');
    const d = compile(format(differentiate(parse('(-x)^sigmoid(x)'), 'x')), { variables: ['x'] });
    const value = (o: typeof f, x: number) => o.at(tensor([x])).item();
    const [x, h] = [-3, 1e-5];
    const central = (value(f, x + h) - value(f, x - h)) / (2 * h);
    expect(Math.abs(value(d, x) - central)).toBeLessThan(1e-9);
  });

  test('constants fold only when the double result is exact (0.1 + 0.2 stays a sum)', () => {
    const b = new ExprBuilder();
    expect(b.binary('+', b.num(0.5), b.num(0.25))).toMatchObject({ kind: 'number', value: 0.75 });
    expect(b.binary('+', b.num(0.1), b.num(0.2)).kind).toBe('binary');
    expect(b.binary('*', b.num(0.1), b.num(3)).kind).toBe('binary');
    expect(b.binary('*', b.num(1.5), b.num(4)).kind).toBe('number');
    // x^0.1 differentiated: the exponent 0.1 − 1 is not a double, so it is kept as 0.1 − 1 and enclosed.
    const d = differentiate(parse('x^0.1'), 'x');
    expect(format(d)).toBe('0.1 * x^(0.1 - 1)');
  });
});

describe('ast walkers', () => {
  test('mapChildren returns the node itself when no child changes', () => {
    const e = parse('sin(x) + y*2');
    expect(mapChildren(e, (c) => c)).toBe(e);
    const swapped = mapChildren(e, (c) => (c.kind === 'call' ? parse('z') : c));
    expect(format(swapped)).toBe('z + y * 2');
  });

  test('format(expr, maxLength) cuts a DAG whose text is exponential', () => {
    let e: Expr = parse('x');
    for (let i = 0; i < 60; i++) e = { kind: 'binary', op: '+', left: e, right: e, start: 0, end: 0 };
    const text = format(e, 100);
    expect(text.length).toBe(100);
    expect(text.endsWith('…')).toBe(true);
  });

  test('substitute and evaluateInterval on a 2^60-term DAG finish at once', () => {
    let e: Expr = parse('x');
    for (let i = 0; i < 60; i++) e = { kind: 'binary', op: '*', left: e, right: parse('1'), start: 0, end: 0 };
    let shared: Expr = e;
    for (let i = 0; i < 60; i++) shared = { kind: 'binary', op: '-', left: shared, right: shared, start: 0, end: 0 };
    const enclosure = evaluateInterval(shared, ['x'], [{ lo: 0, hi: 0 }]);
    expect(enclosure.lo <= 0 && 0 <= enclosure.hi && enclosure.hi - enclosure.lo < 1e-300).toBe(true);
    expect(
      compile(substitute(shared, 'x', 2))
        .evaluate([])
        .item(),
    ).toBe(0);
  });

  test.each(['+', '*', '-', '/'])('a chain x%sx… of 5000 terms (the longest input) needs no deep recursion', (op) => {
    const text = `x${`${op}x`.repeat(4999)}`;
    const expr = parse(text);
    const box = [{ lo: 1, hi: 1 + 2 ** -40 }];
    const value = compile(text)
      .evaluate([compile('1').evaluate([])])
      .item();
    expect(contains(evaluateInterval(expr, ['x'], box), value)).toBe(true);
    const h = hessianExprs(expr, ['x'])[0][0];
    expect(Number.isFinite(evaluateInterval(h, ['x'], box).hi) || op === '/').toBe(true);
    expect(format(h, 50).length).toBeLessThanOrEqual(50);
  });
});
