import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import type { Tensor } from '../core/index.js';
import { backtracking, bfgs, lbfgs, minimize, strongWolfe } from './index.js';

const at = (p: Tensor, i: number) => s.reshape(s.slice(p, [i], [i + 1]), []);
const rosen = (p: Tensor) =>
  s.add(s.pow(s.sub(1, at(p, 0)), 2), s.mul(100, s.pow(s.sub(at(p, 1), s.pow(at(p, 0), 2)), 2)));

describe('line searches', () => {
  // φ(α) = (α − 2)² − 4 along a descent direction: φ(0) = 0, φ'(0) = −4.
  const phi = (a: number): [number, number] => [(a - 2) ** 2 - 4, 2 * (a - 2)];

  test('strongWolfe returns a step meeting both strong Wolfe conditions', () => {
    for (const init of [0.01, 1, 10]) {
      const a = strongWolfe(phi, 0, -4, { init, c1: 1e-4, c2: 0.1 });
      const [v, dv] = phi(a);
      expect(v).toBeLessThanOrEqual(1e-4 * a * -4);
      expect(Math.abs(dv)).toBeLessThanOrEqual(0.1 * 4);
    }
  });

  test('backtracking returns the first halving meeting Armijo', () => {
    const a = backtracking((x) => phi(x)[0], 0, -4, { init: 8 });
    expect(a).toBe(2); // 8 and 4 fail (φ = 32, 0), 2 passes
  });

  test('strongWolfe refuses an ascent direction', () => {
    expect(() => strongWolfe(phi, 0, 4)).toThrow(/not a descent direction/);
  });
});

describe('BFGS and L-BFGS', () => {
  test.each([
    ['bfgs', bfgs],
    ['lbfgs', lbfgs],
  ] as const)('%s solves Rosenbrock from (−1.2, 1) to |∇f| ≤ 1e-10 in under 60 iterations', (_, make) => {
    const r = minimize(rosen, s.tensor([-1.2, 1]), make(), { steps: 200, tol: 1e-10 });
    expect(r.stopped).toBe('converged');
    expect(r.steps).toBeLessThan(60);
    const [x, y] = r.trajectory.at(-1)!.point;
    expect(Math.abs(x - 1)).toBeLessThan(1e-9);
    expect(Math.abs(y - 1)).toBeLessThan(1e-9);
  });

  test.each([
    ['bfgs', bfgs],
    ['lbfgs', lbfgs],
  ] as const)(
    '%s with a near-exact line search ends on a 10-D quadratic (κ = 100) in about n steps, as theory says',
    (_, make) => {
      // With exact line searches BFGS terminates on a quadratic in n steps (Nocedal & Wright §6.1);
      // L-BFGS with memory ≥ n coincides with it there.
      const d = s.linspace(1, 100, 10);
      const f = (x: Tensor) => s.mul(0.5, s.sum(s.mul(d, s.square(s.sub(x, 1)))));
      const r = minimize(f, s.zeros([10]), make({ c2: 1e-4 }), { steps: 100, tol: 1e-8 });
      expect(r.stopped).toBe('converged');
      expect(r.steps).toBeLessThanOrEqual(12);
      const loose = minimize(f, s.zeros([10]), make(), { steps: 100, tol: 1e-8 });
      expect(loose.stopped).toBe('converged'); // the default (c₂ = 0.9) is inexact: more, cheaper steps
    },
  );

  test('trees of parameters work (ravelled internally)', () => {
    const f = (p: { a: Tensor; b: Tensor }) => s.add(s.sum(s.square(s.sub(p.a, 2))), s.sum(s.square(s.add(p.b, 1))));
    const r = minimize(f, { a: s.zeros([2]), b: s.zeros([3]) }, lbfgs(), { steps: 20, tol: 1e-10 });
    expect(Array.from(r.params.a.data)).toEqual([2, 2].map((v) => expect.closeTo(v, 10)) as unknown as number[]);
  });

  test('without the objective in extras the error says what is missing', () => {
    const opt = bfgs();
    const p = s.tensor([1, 2]);
    expect(() => opt.update(p, opt.init(p), p)).toThrow(/bfgs needs the objective/);
  });
});
