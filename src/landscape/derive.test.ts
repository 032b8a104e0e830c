import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { derive } from './derive.js';

describe('derive', () => {
  test('x^2 - y^2 at the origin: zero gradient, Hessian diag(2, -2), eigenvalues -2 and 2', () => {
    const d = derive(compile('x^2 - y^2'), [0, 0]);
    expect(d.value).toBe(0);
    expect(d.gradient).toEqual({ x: 0, y: 0 });
    expect(d.hessian).toEqual([[2, 0], [0, -2]]);
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
    expect(() => derive(compile('y + log(x)'), [0, -1])).toThrow(/undefined at y=0, x=-1: log\(x\) \(column 5\) is NaN there/);
    expect(() => derive(compile('1/x'), [0])).toThrow(/1 \/ x \(column 1\) is Infinity there/);
    expect(() => derive(compile('sqrt(x)'), [0])).toThrow(/not differentiable at this point|sqrt/);
  });
});
