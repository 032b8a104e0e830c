// Every primitive and composed op: derivatives against central finite differences in float64
// (first order in both modes, second order through hvp), and a float32 run.
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose, numericalGradient, sample } from './helpers.js';

/** Constants the cases close over, in the dtype of the input under test. */
interface Consts {
  other: Tensor;
  row: Tensor;
  padWeights: Tensor;
  concatWeights: Tensor;
  targets: Tensor;
}

function consts(dtype: s.DType): Consts {
  return {
    other: sample([3, 4], 0.5, 1.5, dtype, 7),
    row: sample([4], -1, 1, dtype, 3),
    padWeights: sample([4, 4], -1, 1, dtype),
    concatWeights: sample([3, 8], -1, 1, dtype),
    targets: s.oneHot([2, 0, 3], 4, { dtype }),
  };
}

interface OpCase {
  name: string;
  f: (x: Tensor, c: Consts) => Tensor;
  shape: number[];
  domain: [number, number];
  /** Ops with kinks get no second-order check at the sampled points. */
  smooth?: boolean;
}

const cases: OpCase[] = [
  { name: 'neg', f: (x) => s.neg(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'exp', f: (x) => s.exp(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'log', f: (x) => s.log(x), shape: [3, 4], domain: [0.2, 3] },
  { name: 'log1p', f: (x) => s.log1p(x), shape: [3, 4], domain: [-0.5, 3] },
  { name: 'sin', f: (x) => s.sin(x), shape: [3, 4], domain: [-3, 3] },
  { name: 'cos', f: (x) => s.cos(x), shape: [3, 4], domain: [-3, 3] },
  { name: 'tan', f: (x) => s.tan(x), shape: [3, 4], domain: [-1.2, 1.2] },
  { name: 'sqrt', f: (x) => s.sqrt(x), shape: [3, 4], domain: [0.2, 3] },
  { name: 'abs', f: (x) => s.abs(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'tanh', f: (x) => s.tanh(x), shape: [3, 4], domain: [-3, 3] },
  { name: 'sigmoid', f: (x) => s.sigmoid(x), shape: [3, 4], domain: [-5, 5] },
  { name: 'softplus', f: (x) => s.softplus(x), shape: [3, 4], domain: [-5, 5] },
  { name: 'relu', f: (x) => s.relu(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'square', f: (x) => s.square(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'add (broadcast c.row)', f: (x, c) => s.add(x, c.row), shape: [3, 4], domain: [-2, 2] },
  { name: 'add (as the broadcast c.row)', f: (x, c) => s.add(c.other, x), shape: [4], domain: [-2, 2] },
  { name: 'sub (left)', f: (x, c) => s.sub(x, c.other), shape: [3, 4], domain: [-2, 2] },
  { name: 'sub (right, broadcast)', f: (x, c) => s.sub(c.other, x), shape: [3, 1], domain: [-2, 2] },
  { name: 'mul (left)', f: (x, c) => s.mul(x, c.other), shape: [3, 4], domain: [-2, 2] },
  { name: 'mul (self)', f: (x) => s.mul(x, x), shape: [3, 4], domain: [-2, 2] },
  { name: 'div (numerator)', f: (x, c) => s.div(x, c.other), shape: [3, 4], domain: [-2, 2] },
  { name: 'div (denominator)', f: (x, c) => s.div(c.other, x), shape: [3, 4], domain: [0.5, 2] },
  { name: 'pow (base)', f: (x, c) => s.pow(x, c.other), shape: [3, 4], domain: [0.3, 2] },
  { name: 'pow (exponent)', f: (x, c) => s.pow(c.other, x), shape: [3, 4], domain: [-2, 2] },
  { name: 'pow (integer exponent, negative base)', f: (x) => s.pow(x, 3), shape: [3, 4], domain: [-2, 2] },
  { name: 'maximum', f: (x, c) => s.maximum(x, s.mul(c.other, 0.3)), shape: [3, 4], domain: [-2, 2] },
  { name: 'minimum', f: (x, c) => s.minimum(x, s.mul(c.other, 0.3)), shape: [3, 4], domain: [-2, 2] },
  { name: 'clip', f: (x) => s.clip(x, -1, 1), shape: [3, 4], domain: [-2, 2] },
  { name: 'where', f: (x, c) => s.where(s.greater(c.other, 1), s.mul(x, x), s.sin(x)), shape: [3, 4], domain: [-2, 2] },
  { name: 'sum (axis 1)', f: (x) => s.sum(x, 1), shape: [3, 4], domain: [-2, 2] },
  {
    name: 'sum (axes 0, 2, keepdims)',
    f: (x) => s.sum(x, [0, 2], { keepdims: true }),
    shape: [2, 3, 4],
    domain: [-2, 2],
  },
  { name: 'mean', f: (x) => s.mean(x, 0), shape: [3, 4], domain: [-2, 2] },
  { name: 'max (axis 0)', f: (x) => s.max(x, 0), shape: [3, 4], domain: [-2, 2] },
  { name: 'min (all)', f: (x) => s.min(x), shape: [3, 4], domain: [-2, 2] },
  { name: 'logsumexp', f: (x) => s.logsumexp(x, 1), shape: [3, 4], domain: [-3, 3] },
  { name: 'softmax', f: (x) => s.softmax(x, 1), shape: [3, 4], domain: [-3, 3] },
  { name: 'logSoftmax', f: (x) => s.logSoftmax(x, 0), shape: [3, 4], domain: [-3, 3] },
  { name: 'crossEntropy', f: (x, c) => s.crossEntropy(x, c.targets), shape: [3, 4], domain: [-3, 3] },
  { name: 'softmax (axis 0)', f: (x) => s.softmax(x, 0), shape: [3, 4], domain: [-3, 3] },
  {
    name: 'crossEntropy (axis 0, per example)',
    f: (x, c) => s.crossEntropy(x, s.transpose(c.targets), { axis: 0, reduction: 'none' }),
    shape: [4, 3],
    domain: [-3, 3],
  },
  {
    name: 'crossEntropy (in soft targets)',
    f: (x, c) => s.crossEntropy(s.mul(c.other, 0.7), s.softmax(x, 1), { reduction: 'sum' }),
    shape: [3, 4],
    domain: [-2, 2],
  },
  { name: 'matmul (left)', f: (x, c) => s.matmul(x, s.transpose(c.other)), shape: [2, 4], domain: [-2, 2] },
  { name: 'matmul (right)', f: (x, c) => s.matmul(c.other, x), shape: [4, 2], domain: [-2, 2] },
  {
    name: 'matmul (batched, broadcast)',
    f: (x, c) => s.matmul(x, s.transpose(c.other)),
    shape: [2, 3, 4],
    domain: [-2, 2],
  },
  { name: 'matmul (transA)', f: (x, c) => s.matmul(x, c.other, { transA: true }), shape: [3, 2], domain: [-2, 2] },
  { name: 'matmul (transB)', f: (x, c) => s.matmul(c.other, x, { transB: true }), shape: [5, 4], domain: [-2, 2] },
  {
    name: 'matmul (transA, transB)',
    f: (x, c) => s.matmul(x, c.other, { transA: true, transB: true }),
    shape: [4, 2],
    domain: [-2, 2],
  },
  { name: 'matmul (vector)', f: (x, c) => s.matmul(c.other, x), shape: [4], domain: [-2, 2] },
  { name: 'dot', f: (x, c) => s.dot(x, c.row), shape: [4], domain: [-2, 2] },
  {
    name: 'reshape',
    f: (x, c) => s.mul(s.reshape(x, [4, 3]), s.reshape(c.other, [4, 3])),
    shape: [3, 4],
    domain: [-2, 2],
  },
  { name: 'transpose', f: (x) => s.mul(s.transpose(x, [2, 0, 1]), 2), shape: [2, 3, 4], domain: [-2, 2] },
  { name: 'broadcastTo', f: (x, c) => s.mul(s.broadcastTo(x, [3, 4]), c.other), shape: [4], domain: [-2, 2] },
  { name: 'slice', f: (x) => s.square(s.slice(x, [1, 1], [3, -1])), shape: [3, 4], domain: [-2, 2] },
  { name: 'pad', f: (x, c) => s.mul(s.pad(x, [1, 0], [0, 2]), c.padWeights), shape: [3, 2], domain: [-2, 2] },
  {
    name: 'concat',
    f: (x, c) => s.mul(s.concat([x, s.square(x)], 1), c.concatWeights),
    shape: [3, 4],
    domain: [-2, 2],
  },
  { name: 'stack', f: (x) => s.mul(s.stack([x, s.sin(x)], 0), 3), shape: [3, 4], domain: [-2, 2] },
];

/** sum(w * f(x)) for fixed weights w: a scalar whose gradient is the VJP of f with w. */
function weighted(f: (x: Tensor, c: Consts) => Tensor, shapeOut: readonly number[], dtype: s.DType) {
  const w = sample(shapeOut, -1, 1, dtype, 11);
  const c = consts(dtype);
  return (x: Tensor) => s.sum(s.mul(w, f(x, c)));
}

describe.each(cases)('$name', ({ f, shape, domain, smooth }) => {
  const c64 = consts('float64');
  const x = sample(shape, domain[0], domain[1]);
  const g = (y: Tensor) => f(y, c64);
  const outShape = g(x).shape;
  const loss = weighted(f, outShape, 'float64');

  test('grad matches central finite differences (float64)', () => {
    const gr = s.grad(loss)(x);
    const fd = numericalGradient((y) => loss(y).item(), x);
    expectClose(gr, fd, { rtol: 1e-7, atol: 1e-8 });
  });

  test('jvp matches the finite-difference directional derivative', () => {
    const v = sample(shape, -1, 1, 'float64', 5);
    const [, t] = s.jvp(g, [x], [v]);
    const h = 1e-6;
    const plus = g(s.add(x, s.mul(v, h)));
    const minus = g(s.sub(x, s.mul(v, h)));
    expectClose(t, s.div(s.sub(plus, minus), 2 * h), { rtol: 1e-6, atol: 1e-8 });
  });

  test.runIf(smooth !== false)('hvp matches finite differences of the gradient', () => {
    const v = sample(shape, -1, 1, 'float64', 9);
    const hv = s.hvp(loss, x, v);
    const h = 1e-5;
    const gp = s.grad(loss)(s.add(x, s.mul(v, h)));
    const gm = s.grad(loss)(s.sub(x, s.mul(v, h)));
    expectClose(hv, s.div(s.sub(gp, gm), 2 * h), { rtol: 1e-5, atol: 1e-7 });
  });

  test('float32: values and gradients stay float32 and agree with float64 to single precision', () => {
    const x32 = s.cast(x, 'float32');
    const value32 = f(x32, consts('float32'));
    expect(value32.dtype).toBe('float32');
    expectClose(value32, g(x), { rtol: 1e-5, atol: 1e-6 });
    const g32 = s.grad(weighted(f, outShape, 'float32'))(x32);
    expect(g32.dtype).toBe('float32');
    expectClose(g32, s.grad(loss)(x), { rtol: 1e-4, atol: 1e-5 });
  });
});

describe('cast', () => {
  test('cast to float32 rounds, and its derivative casts back', () => {
    const x = s.tensor([0.1, 1 / 3, -2.7]);
    const y = s.cast(x, 'float32');
    expect(Array.from(y.data)).toEqual([0.1, 1 / 3, -2.7].map(Math.fround));
    const g = s.grad((t: Tensor) => s.sum(s.mul(s.cast(t, 'float32'), 3)))(x);
    expect(g.dtype).toBe('float64');
    expect(Array.from(g.data)).toEqual([3, 3, 3]);
  });

  test('float32 arithmetic is IEEE single precision at every op', () => {
    const a = s.tensor([0.1, 1e8, 16777216], { dtype: 'float32' });
    const b = s.tensor([0.2, 1, 1], { dtype: 'float32' });
    const f = Math.fround;
    expect(Array.from(s.add(a, b).data)).toEqual([f(f(0.1) + f(0.2)), f(1e8 + 1), 16777216]);
    expect(Array.from(s.div(a, b).data)).toEqual([f(f(0.1) / f(0.2)), 1e8, 16777216]);
  });
});
