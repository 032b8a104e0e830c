import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import type { Tensor } from '../core/index.js';
import { adam, minimize, sgd } from './index.js';

const at = (p: Tensor, i: number) => s.reshape(s.slice(p, [i], [i + 1]), []);

describe('minimize', () => {
  test('records step, point, value, gradient norm and learning rate; stops at the step limit', () => {
    const r = minimize((p: Tensor) => s.sum(s.square(p)), s.tensor([1, -2]), sgd(0.1), { steps: 3 });
    expect(r.stopped).toBe('max-steps');
    expect(r.trajectory.map((t) => t.step)).toEqual([0, 1, 2, 3]);
    expect(r.trajectory[0]).toEqual({ step: 0, point: [1, -2], value: 5, gradientNorm: Math.hypot(2, 4), lr: 0.1 });
    expect(r.trajectory[1].point).toEqual([0.8, -1.6]); // x ← x − 0.1·2x
    expect(Number.isNaN(r.trajectory[3].lr)).toBe(true);
  });

  test('stops when the gradient norm reaches tol', () => {
    const r = minimize((p: Tensor) => s.sum(s.square(p)), s.tensor([1]), sgd(0.25), { steps: 1000, tol: 1e-9 });
    expect(r.stopped).toBe('converged');
    expect(r.trajectory.at(-1)!.gradientNorm).toBeLessThanOrEqual(1e-9);
  });

  test('the chapter’s η = 1.1 on x² diverges, and the run says at which step and why, keeping the trajectory', () => {
    const r = minimize((p: Tensor) => s.sum(s.square(p)), s.tensor([10]), sgd(1.1), { steps: 1000 });
    expect(r.stopped).toBe('diverged');
    expect(r.reason).toMatch(
      new RegExp(
        '^diverged at step \\d+: the value .* is more than 1000000000000 times ' +
          'the starting value; .*lower the learning rate',
      ),
    );
    expect(r.trajectory).toHaveLength(r.steps + 1);
    // |x| grows by |1 − 2η| = 1.2 per step.
    expect(Math.abs(r.trajectory[1].point[0] / r.trajectory[0].point[0])).toBeCloseTo(1.2, 12);
  });

  test('a non-finite value stops the run with the step and the reason', () => {
    const r = minimize((p: Tensor) => s.sum(s.log(p)), s.tensor([1]), sgd(2), { steps: 10 });
    expect(r.stopped).toBe('diverged');
    expect(r.reason).toMatch(/diverged at step 1: the value is NaN/);
  });

  test('trees of parameters: a linear model fitted by Adam', () => {
    const x = s.tensor([[0], [1], [2], [3]]);
    const y = s.tensor([1, 3, 5, 7]);
    const loss = (p: { w: Tensor; b: Tensor }) => s.mean(s.square(s.sub(s.add(s.matmul(x, p.w), p.b), y)));
    const r = minimize(loss, { w: s.tensor([0]), b: s.tensor(0) }, adam(0.1), { steps: 2000 });
    expect(r.params.w.item()).toBeCloseTo(2, 4);
    expect(r.params.b.item()).toBeCloseTo(1, 4);
  });
});

describe('linear rates on an ill-conditioned quadratic f = ½(x² + κy²), κ = 100', () => {
  const kappa = 100;
  const f = (p: Tensor) => s.mul(0.5, s.add(s.square(at(p, 0)), s.mul(kappa, s.square(at(p, 1)))));
  const rate = (points: number[][], from: number, to: number) =>
    (Math.hypot(...points[to]) / Math.hypot(...points[from])) ** (1 / (to - from));

  test('gradient descent at η = 2/(λ₁ + λ₂) contracts by (κ − 1)/(κ + 1) per step', () => {
    const r = minimize(f, s.tensor([1, 1]), sgd(2 / (1 + kappa)), { steps: 400 });
    expect(
      rate(
        r.trajectory.map((t) => t.point),
        100,
        400,
      ),
    ).toBeCloseTo((kappa - 1) / (kappa + 1), 4);
  });

  test('heavy-ball momentum at its optimal η, β contracts by (√κ − 1)/(√κ + 1) per step', () => {
    const sq = Math.sqrt(kappa);
    const lr = 4 / (1 + sq) ** 2;
    const beta = ((sq - 1) / (sq + 1)) ** 2;
    const r = minimize(f, s.tensor([1, 1]), sgd(lr, { momentum: beta }), { steps: 400 });
    // A double eigenvalue of the iteration gives ‖x_t‖ ~ t·r^t: measured far out the rate tends to r.
    const measured = rate(
      r.trajectory.map((t) => t.point),
      200,
      400,
    );
    expect(measured).toBeGreaterThan((sq - 1) / (sq + 1));
    expect(measured).toBeLessThan((sq - 1) / (sq + 1) + 0.005);
    expect(measured).toBeLessThan((kappa - 1) / (kappa + 1) - 0.1); // much faster than gradient descent
  });
});

describe('stochastic gradients', () => {
  test('minibatch SGD on linear regression reaches the least-squares fit, reproducibly', async () => {
    const { minibatches, normal, Rng } = await import('../random/index.js');
    const rng = new Rng(11);
    const n = 200;
    const X = normal(rng, [n, 2]);
    const y = s.add(s.matmul(X, s.tensor([2, -3])), s.mul(normal(rng, [n]), 0.1));
    const mb = minibatches(n, { batchSize: 20, seed: 3 });
    const loss = (w: Tensor, step: number) => {
      const idx = mb.batch(step);
      const Xb = s.stack(idx.map((i) => s.slice(X, [i, 0], [i + 1, 2])).map((r) => s.reshape(r, [2])));
      const yb = s.tensor(idx.map((i) => y.data[i]));
      return s.mean(s.square(s.sub(s.matmul(Xb, w), yb)));
    };
    const run = () => minimize(loss, s.tensor([0, 0]), sgd(0.05), { steps: 400 });
    const r = run();
    const [w0, w1] = r.trajectory.at(-1)!.point;
    expect(Math.abs(w0 - 2)).toBeLessThan(0.05);
    expect(Math.abs(w1 + 3)).toBeLessThan(0.05);
    expect(run().trajectory.at(-1)!.point).toEqual([w0, w1]);
  });
});
