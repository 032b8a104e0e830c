// Costs, counted rather than timed (a deterministic model: elements written by every kernel call,
// m·n·k per matrix product): a gradient costs a small multiple of the function (the cheap-gradient
// principle, Griewank & Walther 2008), and a Hessian-vector product at most ~3 gradients.
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { measureWork } from '../src/core/evaluate.js';

function mlp(activation: (t: Tensor) => Tensor) {
  const dtype = 'float32';
  const r = new s.Rng(1);
  const x = s.normal(r, [128, 200], { dtype });
  const y = s.oneHot(
    Array.from({ length: 128 }, () => r.int(10)),
    10,
    { dtype },
  );
  const params = {
    w1: s.normal(r, [200, 64], { dtype }),
    b1: s.zeros([64], { dtype }),
    w2: s.normal(r, [64, 10], { dtype }),
    b2: s.zeros([10], { dtype }),
  };
  const loss = (p: typeof params) =>
    s.crossEntropy(s.add(s.matmul(activation(s.add(s.matmul(x, p.w1), p.b1)), p.w2), p.b2), y);
  const v = s.treeMap((t) => s.normal(r, t.shape, { dtype }), params);
  return { loss, params, v };
}

describe('cost model', () => {
  test.each([
    ['relu', s.relu],
    ['tanh', s.tanh],
  ] as const)('MLP with %s: gradient ≤ 3 evaluations, HVP ≤ 3 gradients', (_, activation) => {
    const { loss, params, v } = mlp(activation);
    const f = measureWork(() => loss(params)).work;
    const g = measureWork(() => s.valueAndGrad(loss)(params)).work;
    const h = measureWork(() => s.hvp(loss, params, v)).work;
    expect(g / f).toBeLessThanOrEqual(3);
    expect(h / g).toBeLessThanOrEqual(3);
  });

  test('hvp multiplies out none of the gradient it discards: the products of the weight gradients are skipped', () => {
    // Two-layer MLP, x constant: the gradient's products are x·W1, h·W2 (forward), hᵀg2, g2·W2ᵀ, xᵀg1 (backward);
    // jvp(grad f) adds a tangent product for each operand that depends on the parameters, and its primal
    // products of the weight gradients (hᵀg2, xᵀg1) feed only the gradient it returns, which hvp drops.
    const { loss, params, v } = mlp(s.tanh);
    const products = (fn: () => unknown) => measureWork(fn).work;
    const gradient = products(() => s.valueAndGrad(loss)(params));
    const withPrimal = products(() => s.jvp((p: typeof params) => s.grad(loss)(p), [params], [v]));
    const hvp = products(() => s.hvp(loss, params, v));
    // The two skipped products are xᵀg1 (200·64·128) and hᵀg2 (64·10·128) multiply-adds.
    expect(withPrimal - hvp).toBe(200 * 64 * 128 + 64 * 10 * 128);
    expect(hvp / gradient).toBeLessThan(withPrimal / gradient);
    // The same numbers either way.
    const [, tangent] = s.jvp((p: typeof params) => s.grad(loss)(p), [params], [v]);
    expect(Array.from(s.hvp(loss, params, v).w1.data)).toEqual(Array.from(tangent.w1.data));
  });

  test('a small scalar function (Rosenbrock): HVP ≤ 3 gradients', () => {
    const ros = (p: Tensor) => {
      const a = s.slice(p, [0], [1]);
      const b = s.slice(p, [1], [2]);
      return s.sum(s.add(s.pow(s.sub(1, a), 2), s.mul(100, s.pow(s.sub(b, s.mul(a, a)), 2))));
    };
    const x = s.tensor([-1.2, 1]);
    const g = measureWork(() => s.grad(ros)(x)).work;
    const h = measureWork(() => s.hvp(ros, x, s.tensor([1, 0]))).work;
    expect(h / g).toBeLessThanOrEqual(3);
  });

  test('hessian(f) for n variables costs about n HVPs, not n gradients of n gradients', () => {
    const n = 12;
    const f = (x: Tensor) => s.mul(s.sum(s.sin(x)), s.sum(s.square(x)));
    const x = s.linspace(-1, 1, n);
    const hv = measureWork(() => s.hvp(f, x, s.onesLike(x))).work;
    const H = measureWork(() => s.hessian(f)(x)).work;
    expect(H).toBeLessThanOrEqual(1.5 * n * hv);
  });
});
