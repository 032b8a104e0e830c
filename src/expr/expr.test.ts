import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import { compile, format, parse, ParseError, variablesOf } from './index.js';

function value(text: string, vars: Record<string, number> = {}): number {
  const f = compile(text, { variables: Object.keys(vars) });
  return f.evaluate(Object.values(vars).map((v) => s.tensor(v))).item();
}

describe('parse: precedence as in mathematics and math.js', () => {
  test.each([
    ['-x^2', { x: 3 }, -9],
    ['2^3^2', {}, 512],
    ['2**3**2', {}, 512],
    ['2^-1', {}, 0.5],
    ['-2*3', {}, -6],
    ['2*-3', {}, -6],
    ['1 - 2 - 3', {}, -4],
    ['8/4/2', {}, 1],
    ['(1 + 2) * 3', {}, 9],
    ['-(x - 1)^2 + +x', { x: 4 }, -5],
    ['x*cos(pi*x)', { x: 1 }, -1],
    ['e^1', {}, Math.E],
    ['1.5e2 + .5', {}, 150.5],
    ['(x^2+y-11)^2 + (x+y^2-7)^2', { x: 3, y: 2 }, 0],
  ] as [string, Record<string, number>, number][])('%s', (text, vars, expected) => {
    expect(value(text, vars)).toBeCloseTo(expected, 12);
  });

  test.each([
    '-x^2',
    '(-x)^2',
    '2^3^2',
    '(2^3)^2',
    'a - (b - c)',
    'a - b - c',
    'a / (b * c)',
    '-(-x)',
    'x^-y',
    'max(x, -y) * sin(x + 1)',
  ])('format(parse(%s)) reads back as the same tree', (text) => {
    const once = format(parse(text));
    expect(format(parse(once))).toBe(once);
    const vars = { x: 0.7, y: 1.3, a: 2, b: 3, c: 5 };
    const used = variablesOf(parse(text));
    const pick = Object.fromEntries(used.map((v) => [v, vars[v as keyof typeof vars]]));
    expect(value(once, pick)).toBeCloseTo(value(text, pick), 14);
  });

  test('variables come in order of first appearance; constants and functions are not variables', () => {
    expect(variablesOf(parse('y + x^2 + sin(pi*y) + e'))).toEqual(['y', 'x']);
    expect(variablesOf(parse('constructor + __proto__ + toString'))).toEqual(['constructor', '__proto__', 'toString']);
  });
});

describe('functions', () => {
  const x = 0.37;
  test.each([
    ['sin', Math.sin(x)],
    ['cos', Math.cos(x)],
    ['tan', Math.tan(x)],
    ['exp', Math.exp(x)],
    ['log', Math.log(x)],
    ['sqrt', Math.sqrt(x)],
    ['abs', Math.abs(x)],
    ['tanh', Math.tanh(x)],
    ['sigmoid', 1 / (1 + Math.exp(-x))],
    ['softplus', Math.log1p(Math.exp(x))],
    ['relu', x],
    ['sinh', Math.sinh(x)],
    ['cosh', Math.cosh(x)],
    ['log1p', Math.log1p(x)],
  ])('%s(x) equals Math’s', (name, expected) => {
    expect(value(`${name}(x)`, { x })).toBeCloseTo(expected, 14);
  });

  test('min and max take two arguments', () => {
    expect(value('min(x, 1) + max(x, 1)', { x })).toBeCloseTo(x + 1, 15);
  });
});

describe('parse errors are specific (what, where, how to fix)', () => {
  test.each([
    ['x + 2*cso(x)', /unknown function 'cso' at column 7 \(did you mean cos\?\)/, 7],
    ['(x + 1)*(y - 2', /unbalanced parenthesis at column 9: '\(' is never closed/, 9],
    ['x + 1) * 2', /unbalanced parenthesis at column 6: no '\(' opens it/, 6],
    ['sin(x', /unbalanced parenthesis at column 4: 'sin\(' is never closed/, 4],
    ['2x', /unexpected 'x' at column 2; write '\*' for multiplication/, 2],
    ['x +', /the expression ends early at column 4/, 4],
    ['sin + 1', /'sin' at column 1 is a function; write sin\(\.\.\.\)/, 1],
    ['max(x)', /max takes 2 arguments, got 1 at column 1/, 1],
    ['x $ y', /unexpected character '\$' at column 3/, 3],
    ['pi(2)', /'pi' at column 1 is the constant 3.14159/, 1],
    ['toString(x)', /unknown function 'toString' at column 1/, 1],
    ['   ', /the expression is empty/, 1],
  ])('%s', (text, message, column) => {
    try {
      parse(text);
      expect.fail('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(ParseError);
      expect((err as Error).message).toMatch(message);
      expect((err as ParseError).column).toBe(column);
    }
  });

  test('deep nesting is refused, not a stack overflow', () => {
    expect(() => parse('('.repeat(500) + 'x' + ')'.repeat(500))).toThrow(/nests more than 200 levels/);
  });
});

describe('compile', () => {
  test('evaluates elementwise over a grid in one pass', () => {
    const f = compile('x^2 - y^2');
    const xs = s.tensor([
      [0, 1],
      [2, 3],
    ]);
    const ys = s.tensor([
      [1, 1],
      [1, 1],
    ]);
    expect(f.evaluate([xs, ys]).toArray()).toEqual([
      [-1, 0],
      [3, 8],
    ]);
  });

  test('at(point) is differentiable: gradient and Hessian of the chapter’s examples', () => {
    const f = compile('x*cos(pi*x)');
    const x = 0.3;
    const g = s
      .grad(f.at)(s.tensor([x]))
      .item();
    expect(g).toBeCloseTo(Math.cos(Math.PI * x) - Math.PI * x * Math.sin(Math.PI * x), 14);
    const saddle = compile('x^2 - y^2');
    expect(
      s
        .hessian(saddle.at)(s.tensor([0, 0]))
        .toArray(),
    ).toEqual([
      [2, 0],
      [0, -2],
    ]);
  });

  test('maximize minimises the negative', () => {
    expect(
      compile('x^2', { maximize: true })
        .at(s.tensor([3]))
        .item(),
    ).toBe(-9);
  });

  test('float32 evaluation stays float32 and rounds constants as float32', () => {
    const f = compile('pi * x');
    const out = f.at(s.tensor([1], { dtype: 'float32' }));
    expect(out.dtype).toBe('float32');
    expect(out.item()).toBe(Math.fround(Math.PI));
  });

  test('variables: given order, unused names allowed, missing names refused', () => {
    const f = compile('y - x', { variables: ['x', 'y', 'z'] });
    expect(f.at(s.tensor([1, 5, 9])).item()).toBe(4);
    expect(() => compile('x + y', { variables: ['x'] })).toThrow(/uses 'y', which is not among the variables x/);
    expect(() => f.at(s.tensor([1, 2]))).toThrow(/point vector of length 3 \(x, y, z\)/);
  });

  test('prototype-named variables are plain variables', () => {
    expect(value('constructor + __proto__', { constructor: 1, ['__proto__']: 2 })).toBe(3);
  });
});
