// Values and derivatives against PyTorch autograd (fixtures/generate_torch_ops.py, float64).
import { readFileSync } from 'node:fs';
import { describe, test } from 'vitest';
import * as s from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose } from './helpers.js';

interface OpFixture {
  op: string;
  inputs: number[][][];
  w?: number[];
  out: number | number[];
  grads: number[][][];
  labels?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_ops.json', import.meta.url), 'utf8')) as {
  ops: OpFixture[];
  scalar_functions: { name: string; x: number[]; value: number; grad: number[]; hessian: number[][] }[];
};

const ops: Record<string, (...xs: Tensor[]) => Tensor> = {
  neg: s.neg,
  exp: s.exp,
  log: s.log,
  log1p: s.log1p,
  sin: s.sin,
  cos: s.cos,
  tan: s.tan,
  sqrt: s.sqrt,
  abs: s.abs,
  tanh: s.tanh,
  sigmoid: s.sigmoid,
  softplus: s.softplus,
  relu: s.relu,
  add: s.add,
  sub: s.sub,
  mul: s.mul,
  div: s.div,
  pow: s.pow,
  maximum: s.maximum,
  minimum: s.minimum,
  sum_axis1: (x) => s.sum(x, 1),
  mean_all: (x) => s.mean(x),
  max_axis0: (x) => s.max(x, 0),
  logsumexp_axis1: (x) => s.logsumexp(x, 1),
  softmax_axis1: (x) => s.softmax(x, 1),
  log_softmax_axis1: (x) => s.logSoftmax(x, 1),
  matmul: (a, b) => s.matmul(a, b),
};

describe('PyTorch parity (float64)', () => {
  test.each(fixture.ops.filter((c) => c.op !== 'cross_entropy'))('$op: value and vector-Jacobian product', (c) => {
    const inputs = c.inputs.map((x) => s.tensor(x));
    const f = ops[c.op];
    const out = f(...inputs);
    expectClose(out, (Array.isArray(c.out) ? c.out.flat(3) : [c.out]) as number[], { rtol: 1e-13, atol: 1e-15 });
    const w = s.tensor(c.w as number[]);
    for (let i = 0; i < inputs.length; i++) {
      const g = s.grad((xi: Tensor) => s.sum(s.mul(w, f(...inputs.map((x, j) => (j === i ? xi : x))))))(inputs[i]);
      expectClose(g, c.grads[i].flat(3) as number[], { rtol: 1e-12, atol: 1e-14 });
    }
  });

  test('cross_entropy with integer labels as torch.nn.functional.cross_entropy', () => {
    const c = fixture.ops.find((o) => o.op === 'cross_entropy') as OpFixture;
    const logits = s.tensor(c.inputs[0]);
    const targets = s.oneHot(c.labels as number[], logits.shape[1]);
    const [loss, g] = s.valueAndGrad((z: Tensor) => s.crossEntropy(z, targets))(logits);
    expectClose([loss.item()], [c.out as number], { rtol: 1e-14 });
    expectClose(g, c.grads[0].flat(3) as number[], { rtol: 1e-12, atol: 1e-15 });
  });

  const fns: Record<string, (p: Tensor) => Tensor> = {
    'x*cos(pi*x) + y^2': (p) => s.add(s.mul(at(p, 0), s.cos(s.mul(at(p, 0), Math.PI))), s.pow(at(p, 1), 2)),
    rosenbrock: (p) => s.add(s.pow(s.sub(1, at(p, 0)), 2), s.mul(100, s.pow(s.sub(at(p, 1), s.pow(at(p, 0), 2)), 2))),
    himmelblau: (p) =>
      s.add(
        s.pow(s.sub(s.add(s.pow(at(p, 0), 2), at(p, 1)), 11), 2),
        s.pow(s.sub(s.add(at(p, 0), s.pow(at(p, 1), 2)), 7), 2),
      ),
    'tanh(x*y) + exp(-x^2) * sigmoid(y)': (p) =>
      s.add(s.tanh(s.mul(at(p, 0), at(p, 1))), s.mul(s.exp(s.neg(s.pow(at(p, 0), 2))), s.sigmoid(at(p, 1)))),
    'softplus(x - y) * log1p(x^2)': (p) => s.mul(s.softplus(s.sub(at(p, 0), at(p, 1))), s.log1p(s.pow(at(p, 0), 2))),
  };
  function at(p: Tensor, i: number): Tensor {
    return s.reshape(s.slice(p, [i], [i + 1]), []);
  }
  test.each(fixture.scalar_functions)('$name: value, gradient and Hessian', (c) => {
    const f = fns[c.name];
    const x = s.tensor(c.x);
    expectClose([f(x).item()], [c.value], { rtol: 1e-14, atol: 1e-15 });
    expectClose(s.grad(f)(x), c.grad, { rtol: 1e-13, atol: 1e-14 });
    expectClose(s.hessian(f)(x), c.hessian.flat(), { rtol: 1e-12, atol: 1e-13 });
  });
});
