// Every optimiser converges on a convex quadratic and on Rosenbrock, in both dtypes (settings chosen
// per optimiser; the adaptive ones need small rates on Rosenbrock's curved valley). In float32 a
// minimiser is located only to about √ε ≈ 3.5e-4 (the chapter's precision claim), hence the looser bound.
import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import type { Tensor } from '../core/index.js';
import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamw,
  cosine,
  minimize,
  nadam,
  radam,
  rmsprop,
  sgd,
  type Optimizer,
} from './index.js';

const at = (p: Tensor, i: number) => s.reshape(s.slice(p, [i], [i + 1]), []);
const rosen = (p: Tensor) =>
  s.add(s.pow(s.sub(1, at(p, 0)), 2), s.mul(100, s.pow(s.sub(at(p, 1), s.pow(at(p, 0), 2)), 2)));
const quad = (p: Tensor) => s.add(s.pow(at(p, 0), 2), s.mul(2, s.pow(at(p, 1), 2)));

const GRID: [string, () => Optimizer, number][] = [
  ['sgd (momentum 0.9)', () => sgd(1e-3, { momentum: 0.9 }), 5000],
  ['adagrad', () => adagrad(1.0), 20000],
  ['rmsprop (momentum 0.9)', () => rmsprop(1e-4, { momentum: 0.9 }), 5000],
  ['adam', () => adam(0.02), 5000],
  ['adamw (no decay)', () => adamw(0.02, { weightDecay: 0 }), 5000],
  ['adamax', () => adamax(0.05), 5000],
  ['nadam', () => nadam(0.005), 20000],
  ['radam', () => radam(0.005), 20000],
  ['adadelta (cosine-annealed lr)', () => adadelta(cosine(1, { T: 20000 })), 20000],
];

describe.each(['float64', 'float32'] as const)('convergence in %s', (dtype) => {
  const tol = dtype === 'float64' ? 1e-3 : 5e-3;
  test.each(GRID)('%s converges on Rosenbrock from (−1.2, 1)', (_, make, steps) => {
    const r = minimize(rosen, s.tensor([-1.2, 1], { dtype }), make(), { steps });
    expect(r.stopped).not.toBe('diverged');
    const [x, y] = r.trajectory.at(-1)!.point;
    expect(Math.hypot(x - 1, y - 1)).toBeLessThan(tol);
  });

  test.each(GRID)('%s converges on the convex quadratic x² + 2y²', (_, make, steps) => {
    const r = minimize(quad, s.tensor([-1.2, 1], { dtype }), make(), { steps });
    const [x, y] = r.trajectory.at(-1)!.point;
    expect(Math.hypot(x, y)).toBeLessThan(tol);
  });
});

const adadeltaTitle =
  'adadelta at a constant lr = 1 keeps oscillating around the quadratic’s ' +
  'minimum (annealing the rate, above, is what makes it converge)';
test(adadeltaTitle, () => {
  // A measured property of the method (our Adadelta matches torch.optim's to 1e-12): its step
  // RMS(Δx)/RMS(g)·g does not shrink to zero on its own.
  const at20k = Math.hypot(
    ...minimize(quad, s.tensor([-1.2, 1]), adadelta(1.0), { steps: 20000 }).trajectory.at(-1)!.point,
  );
  expect(at20k).toBeGreaterThan(1e-2);
});
