// The transformations: consistency between modes, composition to any order, trees, errors.
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose, numericalGradient, sample } from './helpers.js';

const x1 = (p: Tensor) => s.slice(p, [0], [1]);
const x2 = (p: Tensor) => s.slice(p, [1], [2]);
const rosenbrock = (p: Tensor) =>
  s.sum(s.add(s.pow(s.sub(1, x1(p)), 2), s.mul(100, s.pow(s.sub(x2(p), s.square(x1(p))), 2))));
const mixed = (p: Tensor) =>
  s.sum(s.add(s.mul(s.tanh(s.mul(x1(p), x2(p))), s.exp(s.neg(s.square(p)))), s.softplus(s.sub(x1(p), x2(p)))));
/** A vector-valued map R^3 -> R^2 for Jacobian tests. */
const product3 = (p: Tensor) =>
  s.reshape(s.mul(s.mul(s.slice(p, [0], [1]), s.slice(p, [1], [2])), s.slice(p, [2], [3])), []);
const vectorMap = (p: Tensor) => s.stack([s.sum(s.mul(s.sin(p), p)), product3(p)]);

describe('jvp and vjp', () => {
  test('vjp(f, x)(u) · v equals u · jvp(f, x, v) (<u, J v> both ways)', () => {
    const f = (x: Tensor) => s.matmul(s.tanh(x), s.transpose(s.sin(x)));
    const x = sample([3, 4], -1, 1);
    const v = sample([3, 4], -1, 1, 'float64', 3);
    const [y, pullback] = s.vjp(f, x);
    const u = sample(y.shape, -1, 1, 'float64', 8);
    const [uJ] = pullback(u);
    const [, Jv] = s.jvp(f, [x], [v]);
    const left = s.sum(s.mul(uJ, v)).item();
    const right = s.sum(s.mul(u, Jv)).item();
    expect(Math.abs(left - right)).toBeLessThan(1e-13 * Math.max(1, Math.abs(left)));
  });

  test('jacrev and jacfwd agree and match finite differences', () => {
    const x = s.tensor([0.3, -1.1, 0.8]);
    const jr = s.jacrev(vectorMap)(x);
    const jf = s.jacfwd(vectorMap)(x);
    expect(jr.shape).toEqual([2, 3]);
    expectClose(jr, jf, { rtol: 1e-14, atol: 1e-15 });
    for (let i = 0; i < 2; i++) {
      const fd = numericalGradient((y) => vectorMap(y).data[i], x);
      expectClose(s.slice(jr, [i], [i + 1]).data, fd, { rtol: 1e-8, atol: 1e-9 });
    }
  });

  test('jvp over several arguments and trees', () => {
    const f = (a: Tensor, p: { w: Tensor; b: Tensor }) => s.add(s.mul(p.w, a), p.b);
    const a = s.tensor([1, 2]);
    const p = { w: s.tensor([3, 4]), b: s.tensor([5, 6]) };
    const [y, t] = s.jvp(f, [a, p], [s.tensor([1, 0]), { w: s.tensor([0, 1]), b: s.tensor([1, 1]) }]);
    expect(y.toArray()).toEqual([8, 14]);
    expect(t.toArray()).toEqual([3 + 1, 2 + 1]);
  });
});

describe('hessians and higher order', () => {
  test('hvp(f, x, v) equals hessian(f)(x) · v', () => {
    for (const f of [rosenbrock, mixed]) {
      const x = s.tensor([-1.2, 0.7]);
      const v = s.tensor([0.3, -2]);
      const H = s.hessian(f)(x);
      expectClose(s.hvp(f, x, v), s.matmul(H, v), { rtol: 1e-13, atol: 1e-13 });
    }
  });

  test('the Hessian is symmetric and matches finite differences of the gradient', () => {
    const f = (p: Tensor) => s.add(mixed(p), s.sum(s.mul(s.cos(p), s.slice(s.concat([p, p]), [1], [3]))));
    const x = s.tensor([0.4, -0.9]);
    const H = s.hessian(f)(x).toArray() as number[][];
    expect(Math.abs(H[0][1] - H[1][0])).toBeLessThan(1e-14);
    for (let j = 0; j < 2; j++) {
      const fd = numericalGradient((y) => s.grad(f)(y).data[j], x, 1e-5);
      expectClose([H[j][0], H[j][1]], fd, { rtol: 1e-7, atol: 1e-8 });
    }
  });

  test('the Rosenbrock Hessian has the closed form [[1200x²-400y+2, -400x], [-400x, 200]]', () => {
    const [x, y] = [-1.2, 1];
    expectClose(s.hessian(rosenbrock)(s.tensor([x, y])), [1200 * x * x - 400 * y + 2, -400 * x, -400 * x, 200], {
      rtol: 1e-14,
    });
  });

  const third: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
    ['x^4', (x) => s.pow(x, 4), (x) => 24 * x],
    ['sin', s.sin, (x) => -Math.cos(x)],
    ['exp(2x)', (x) => s.exp(s.mul(x, 2)), (x) => 8 * Math.exp(2 * x)],
    ['log', s.log, (x) => 2 / x ** 3],
    [
      'tanh',
      s.tanh,
      (x) => {
        const t = Math.tanh(x);
        return -2 * (1 - t * t) * (1 - 3 * t * t);
      },
    ],
    [
      'sigmoid',
      s.sigmoid,
      (x) => {
        const g = 1 / (1 + Math.exp(-x));
        return g * (1 - g) * (1 - 6 * g + 6 * g * g);
      },
    ],
    [
      'x·cos(πx)',
      (x) => s.mul(x, s.cos(s.mul(x, Math.PI))),
      (x) => 3 * Math.PI ** 2 * -Math.cos(Math.PI * x) + Math.PI ** 3 * x * Math.sin(Math.PI * x),
    ],
  ];
  test.each(third)('grad(grad(grad(%s))) equals the closed-form third derivative', (_, f, d3) => {
    const g3 = s.grad(s.grad(s.grad((x: Tensor) => s.sum(f(x)))));
    for (const x of [0.3, 0.9, 1.7])
      expect(Math.abs(g3(s.tensor(x)).item() - d3(x))).toBeLessThan(1e-11 * Math.max(1, Math.abs(d3(x))));
  });

  test('jvp(grad(f)) costs no Hessian: it works on a 20 000-parameter quadratic', () => {
    const n = 20000;
    const d = sample([n], 0.5, 2);
    const f = (x: Tensor) => s.mul(s.sum(s.mul(d, s.square(x))), 0.5);
    const v = sample([n], -1, 1, 'float64', 4);
    expectClose(s.hvp(f, sample([n], -1, 1), v), s.mul(d, v), { rtol: 1e-15 });
  });

  test('the fourth derivative of x^5 at 1 is 120', () => {
    const g4 = s.grad(s.grad(s.grad(s.grad((x: Tensor) => s.sum(s.pow(x, 5))))));
    expect(g4(s.tensor(1)).item()).toBeCloseTo(120, 10);
  });
});

describe('trees of parameters', () => {
  const model = (p: { w: Tensor; b: Tensor; layers: Tensor[] }) =>
    s.sum(s.square(s.add(s.matmul(p.layers[0], s.tanh(p.w)), p.b)));
  const params = {
    w: sample([3], -1, 1),
    b: sample([2], -1, 1, 'float64', 2),
    layers: [sample([2, 3], -1, 1, 'float64', 5)],
  };

  test('grad returns a tree of the same structure, matching finite differences leaf by leaf', () => {
    const g = s.grad(model)(params);
    expect(Object.keys(g).sort()).toEqual(['b', 'layers', 'w']);
    const { flat, unravel } = s.ravel(params);
    const fd = numericalGradient((v) => model(unravel(v) as typeof params).item(), flat);
    expectClose(s.ravel(g).flat, fd, { rtol: 1e-7, atol: 1e-9 });
  });

  test('hvp over a tree equals the Hessian of the raveled function times v', () => {
    const { flat, unravel } = s.ravel(params);
    const flatLoss = (v: Tensor) => model(unravel(v) as typeof params);
    const v = sample(flat.shape, -1, 1, 'float64', 6);
    const hvTree = s.hvp(model, params, unravel(v) as typeof params);
    expectClose(s.ravel(hvTree).flat, s.matmul(s.hessian(flatLoss)(flat), v), { rtol: 1e-12, atol: 1e-12 });
  });

  test('valueAndGrad gives the value too; extra arguments pass through', () => {
    const [value, g] = s.valueAndGrad((x: Tensor, scale: number) => s.mul(s.sum(s.square(x)), scale))(
      s.tensor([1, 2]),
      3,
    );
    expect(value.item()).toBe(15);
    expect(g.toArray()).toEqual([6, 12]);
  });
});

describe('errors and edge cases', () => {
  test('grad of a non-scalar function says how to fix it', () => {
    expect(() => s.grad((x: Tensor) => s.mul(x, 2))(s.tensor([1, 2]))).toThrow(
      /must return a scalar, got shape \[2\].*sum, mean/,
    );
  });

  test('a traced value that escapes its transformation is reported', () => {
    let leaked: Tensor | null = null;
    s.grad((x: Tensor) => {
      leaked = x;
      return s.sum(x);
    })(s.tensor([1]));
    expect(() => s.add(leaked as unknown as Tensor, 1)).toThrow(/escaped its transformation/);
  });

  test('a function that ignores its input has gradient zero', () => {
    expect(
      s
        .grad((_x: Tensor) => s.tensor(3))(s.tensor([1, 2]))
        .toArray(),
    ).toEqual([0, 0]);
  });

  test('closures over outer tracers do not confuse perturbations (d/dx [x · d/dy (x + y)] = 1)', () => {
    const outer = (x: Tensor) => s.mul(x, s.grad((y: Tensor) => s.sum(s.add(x, y)))(s.tensor(1)));
    expect(
      s
        .grad((x: Tensor) => s.sum(outer(x)))(s.tensor(2))
        .item(),
    ).toBe(1);
  });

  test('0^0 has derivative 0 and relu, abs have PyTorch’s derivative 0 at 0', () => {
    expect(
      s
        .grad((x: Tensor) => s.sum(s.pow(x, 0)))(s.tensor(0))
        .item(),
    ).toBe(0);
    expect(
      s
        .grad((x: Tensor) => s.sum(s.relu(x)))(s.tensor(0))
        .item(),
    ).toBe(0);
    expect(
      s
        .grad((x: Tensor) => s.sum(s.abs(x)))(s.tensor(0))
        .item(),
    ).toBe(0);
  });

  test('stable ops: softplus, sigmoid and logsumexp at extreme arguments', () => {
    expect(s.softplus(s.tensor([1000, -1000])).toArray()).toEqual([1000, 0]);
    expect(s.sigmoid(s.tensor(-40)).item()).toBeCloseTo(4.248354255291589e-18, 30);
    expect(s.logsumexp(s.tensor([1000, 1000])).item()).toBeCloseTo(1000 + Math.log(2), 10);
    expect(
      s
        .grad((x: Tensor) => s.sum(s.sigmoid(x)))(s.tensor(-800))
        .item(),
    ).toBe(0);
    expect(s.logsumexp(s.tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  test('mismatched shapes and dtypes name the op and the shapes', () => {
    expect(() => s.add(s.zeros([2, 3]), s.zeros([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(() => s.matmul(s.zeros([2, 3]), s.zeros([4, 5]))).toThrow(
      /matmul: inner dimensions differ: \[2, 3\] @ \[4, 5\] \(3 vs 4\)/,
    );
    expect(() => s.mul(s.zeros([2]), s.zeros([2], { dtype: 'float32' }))).toThrow(
      /mul: dtypes differ \(float64 \[2\] and float32 \[2\]\).*cast/,
    );
    expect(() => s.reshape(s.zeros([2, 3]), [4])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4\]/);
    expect(() => s.sum(s.zeros([2, 3]), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => s.slice(s.zeros([3]), [1], [5])).toThrow(
      /slice: range \[1, 5\) is out of bounds for axis 0 of length 3/,
    );
    expect(() => s.concat([s.zeros([2, 3]), s.zeros([2, 4])], 0)).toThrow(
      /concat: shapes \[2, 3\], \[2, 4\] differ outside axis 0/,
    );
    expect(() => s.tensor([[1, 2], [3]])).toThrow(/ragged/);
  });
});
