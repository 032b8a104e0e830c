import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import type { Tensor } from '../core/index.js';
import { solve } from '../linalg/index.js';
import { minimize, newton, perturbedGradientDescent, saddleFreeNewton, sgd } from './index.js';

const at = (p: Tensor, i: number) => s.reshape(s.slice(p, [i], [i + 1]), []);
const saddle = (p: Tensor) => s.sub(s.square(at(p, 0)), s.square(at(p, 1)));

describe('second-order methods', () => {
  test('Newton reaches the minimiser of a quadratic in one step', () => {
    const A = s.tensor([
      [3, 1, 0],
      [1, 4, 1],
      [0, 1, 5],
    ]);
    const b = s.tensor([1, -2, 3]);
    const f = (x: Tensor) => s.sub(s.mul(0.5, s.dot(x, s.matmul(A, x))), s.dot(b, x));
    const r = minimize(f, s.tensor([10, -7, 3]), newton(), { steps: 1 });
    const exact = Array.from(solve(A, b).data);
    r.trajectory[1].point.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThan(1e-13));
  });

  test('Newton on x² − y² from (1, 0.01) jumps to the saddle (0, 0): attracted, as the chapter says', () => {
    const r = minimize(saddle, s.tensor([1, 0.01]), newton(), { steps: 1 });
    expect(r.trajectory[1].point).toEqual([0, 0]);
    expect(r.trajectory[1].gradientNorm).toBe(0);
  });

  test('saddle-free Newton leaves the saddle: |H|⁻¹ turns the negative-curvature direction downhill', () => {
    const r = minimize(saddle, s.tensor([1, 0.01]), saddleFreeNewton(), { steps: 10 });
    const [x, y] = r.trajectory[10].point;
    expect(x).toBe(0);
    expect(y).toBeCloseTo(0.01 * 2 ** 10, 12); // y doubles each step
    expect(r.trajectory[10].value).toBeLessThan(-100);
  });

  test('from (1, 0) gradient descent converges to the saddle; perturbed gradient descent escapes it', () => {
    const gd = minimize(saddle, s.tensor([1, 0]), sgd(0.1), { steps: 200 });
    expect(Math.hypot(...gd.trajectory.at(-1)!.point)).toBeLessThan(1e-15);
    const pgd = minimize(
      saddle,
      s.tensor([1, 0]),
      perturbedGradientDescent(0.1, { seed: 7, gradThreshold: 1e-3, radius: 1e-3 }),
      { steps: 200 },
    );
    expect(Math.abs(pgd.trajectory.at(-1)!.point[1])).toBeGreaterThan(1);
    const again = minimize(
      saddle,
      s.tensor([1, 0]),
      perturbedGradientDescent(0.1, { seed: 7, gradThreshold: 1e-3, radius: 1e-3 }),
      { steps: 200 },
    );
    expect(again.trajectory.at(-1)!.point).toEqual(pgd.trajectory.at(-1)!.point); // seeded: reproducible
  });

  test('damped Newton (η = 0.5) halves the distance to a quadratic’s minimiser each step', () => {
    const r = minimize((p: Tensor) => s.sum(s.square(s.sub(p, 3))), s.tensor([7]), newton(0.5), { steps: 3 });
    expect(r.trajectory.map((t) => t.point[0])).toEqual([7, 5, 4, 3.5]);
  });

  test('a singular Hessian is a clear error, not a NaN', () => {
    expect(() => minimize((p: Tensor) => s.sum(p), s.tensor([1, 2]), newton(), { steps: 1 })).toThrow(
      /newton: the Hessian is singular at step 1.*saddle-free Newton/,
    );
  });
});
