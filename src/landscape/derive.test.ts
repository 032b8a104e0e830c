import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { derive } from './derive.js';

describe('derive', () => {
  test('x^2 - y^2 at the origin: zero gradient, Hessian diag(2, -2), eigenvalues -2 and 2', () => {
    const d = derive(compile('x^2 - y^2'), [0, 0]);
    expect(d.value).toBe(0);
    expect(d.gradient).toEqual({ x: 0, y: 0 });
    expect(d.hessian).toEqual([
      [2, 0],
      [0, -2],
    ]);
    expect(d.eigenvalues).toEqual([-2, 2]);
  });

  test('Rosenbrock at (-1.2, 1) matches the closed forms', () => {
    const d = derive(compile('(1 - x)^2 + 100*(y - x^2)^2'), [-1.2, 1]);
    const [x, y] = [-1.2, 1];
    expect(d.value).toBeCloseTo((1 - x) ** 2 + 100 * (y - x * x) ** 2, 12);
    expect(d.gradient.x).toBeCloseTo(-2 * (1 - x) - 400 * x * (y - x * x), 10);
    expect(d.gradient.y).toBeCloseTo(200 * (y - x * x), 10);
    expect(d.hessian[0][0]).toBeCloseTo(1200 * x * x - 400 * y + 2, 10);
    expect(d.hessian[0][1]).toBeCloseTo(-400 * x, 10);
    expect(d.hessian[1][1]).toBe(200);
  });

  test('float32: values are float32 numbers and agree with float64 to single precision', () => {
    const f = compile('x*cos(pi*x) + exp(-y^2)');
    const d32 = derive(f, [0.3, 0.7], { dtype: 'float32' });
    const d64 = derive(f, [0.3, 0.7]);
    expect(d32.dtype).toBe('float32');
    expect(Math.fround(d32.value)).toBe(d32.value);
    expect(Math.fround(d32.gradient.x)).toBe(d32.gradient.x);
    expect(Math.abs(d32.value - d64.value)).toBeLessThan(1e-6);
    expect(Math.abs(d32.hessian[0][0] - d64.hessian[0][0])).toBeLessThan(1e-4 * Math.abs(d64.hessian[0][0]));
  });

  test('maximize negates value, gradient and Hessian', () => {
    const d = derive(compile('x^3', { maximize: true }), [2]);
    expect([d.value, d.gradient.x, d.hessian[0][0]]).toEqual([-8, -12, -12]);
  });

  test('an undefined point names the sub-expression and its column, never a silent NaN', () => {
    expect(() => derive(compile('y + log(x)'), [0, -1])).toThrow(
      /undefined at y=0, x=-1: log\(x\) \(column 5\) is NaN there/,
    );
    expect(() => derive(compile('1/x'), [0])).toThrow(/1 \/ x \(column 1\) is Infinity there/);
    expect(() => derive(compile('sqrt(x)'), [0])).toThrow(/not differentiable at this point|sqrt/);
  });

  test.each([
    ['relu(log(x))', [-1], /undefined at x=-1: log\(x\) \(column 6\) is NaN there \(log of a negative number\)/],
    ['max(sqrt(x), 1)', [-4], /sqrt\(x\) \(column 5\) is NaN there \(square root of a negative number\)/],
    ['abs(min(log(x), 0))', [-2], /log\(x\) \(column 9\) is NaN there \(log of a negative number\)/],
    ['x^y', [-2, 2], /x\^y \(column 1\) is NaN there \(a negative base with an exponent that varies\)/],
    ['exp(x) - exp(x)', [800], /exp\(x\) \(column 1\) is Infinity there \(overflow/],
    ['1/x + 1', [0], /1 \/ x \(column 1\) is Infinity there \(division by zero\)/],
  ] as [string, number[], RegExp][])('derive(%s) at an undefined point names its innermost undefined part', (...c) => {
    const [text, point, message] = c;
    expect(() => derive(compile(text), point)).toThrow(message);
  });

  test.each([
    ['sqrt(x)', [0], /sqrt\(x\) \(column 1\) is not differentiable at this point \(a first derivative of it is Inf/],
    ['y + abs(x)^0.5', [1, 0], /abs\(x\)\^0\.5 \(column 5\) is not differentiable/],
    ['x^1.5 + 1', [0], /x\^1\.5 \(column 1\) is not differentiable at this point \(a second derivative of it/],
  ] as [string, number[], RegExp][])('derive(%s) where a derivative is not finite names the part', (...c) => {
    const [text, point, message] = c;
    expect(() => derive(compile(text), point)).toThrow(message);
  });

  test('float32: an overflow is located in float32 (exp(100) is finite in float64)', () => {
    const f = compile('exp(x) + 1');
    expect(() => derive(f, [100], { dtype: 'float32' })).toThrow(/exp\(x\) \(column 1\) is Infinity/);
  });

  test.each([[710], [-710], [709.5], [1e-10], [-0.3], [0]])('sinh and cosh at %s are finite as the true value', (x) => {
    for (const [text, fn, dfn] of [
      ['sinh(x)', Math.sinh, Math.cosh],
      ['cosh(x)', Math.cosh, Math.sinh],
    ] as const) {
      const d = derive(compile(text), [x]);
      const close = (a: number, b: number) =>
        expect(Math.abs(a - b)).toBeLessThanOrEqual(4e-16 * Math.max(Math.abs(b), 1e-300));
      close(d.value, fn(x));
      close(d.gradient.x, dfn(x));
      close(d.hessian[0][0], fn(x));
    }
  });

  test('y^x at x = 0 has a symmetric Hessian with the mixed partial 1/y', () => {
    const d = derive(compile('y^x'), [2.816, 0]);
    expect(d.hessian[0][1]).toBe(d.hessian[1][0]);
    expect(d.hessian[0][1]).toBeCloseTo(1 / 2.816, 14);
    expect(d.hessian[1][1]).toBeCloseTo(Math.log(2.816) ** 2, 14);
  });
});
