// Every WASM kernel on resident storage against the TypeScript reference kernel, bit for bit: the same
// op is evaluated outside any scope (ordinary arrays: the reference) and inside scope() (resident in WASM
// memory: the SIMD kernels), in both dtypes, over broadcasting patterns, special values and odd lengths.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3e-39, 1e-310, 1e30, -7];

/** Seeded values with specials sprinkled in (every fifth). */
function values(n: number, seed: number, dtype: DType): Tensor {
  const out = new (dtype === 'float64' ? Float64Array : Float32Array)(n);
  let x = seed * 7919 + 13;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = i % 5 === 3 ? SPECIAL[x % SPECIAL.length] : (x / 2147483648) * 8 - 4;
  }
  return s.fromData(out, [n]);
}

function make(shape: number[], seed: number, dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return s.reshape(values(n, seed, dtype), shape);
}

/** Bitwise equality of the numbers (NaN equals NaN; −0 differs from +0). */
function expectSameBits(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = Array.from(actual.data);
  const e = Array.from(expected.data);
  const bad = a.findIndex((v, i) => !Object.is(v, e[i]));
  if (bad >= 0) expect({ index: bad, actual: a[bad] }).toEqual({ index: bad, actual: e[bad] });
}

/** The op on ordinary arrays (reference kernels) and inside a scope (resident WASM kernels), compared. */
function agree(f: () => Tensor, inputsInside?: () => Tensor): void {
  const ref = f();
  const resident = s.scope(() => f());
  expectSameBits(resident, ref);
  if (inputsInside) expectSameBits(s.scope(inputsInside), ref);
  expect(resident.block?.resident ?? false).toBe(false); // it left the scope as an ordinary array
}

// Every tensor made in a scope is resident here, however small, so the WASM kernels see every shape.
beforeAll(() => s.setResidentThreshold(1));
afterAll(() => s.setResidentThreshold(256));

const DTYPES: DType[] = ['float64', 'float32'];
const PAIRS: [number[], number[]][] = [
  [[0], [0]],
  [[1], [1]],
  [[13], [13]],
  [
    [5, 7],
    [5, 7],
  ],
  [[5, 7], [7]],
  [
    [5, 7],
    [5, 1],
  ],
  [
    [1, 7],
    [5, 1],
  ],
  [[5, 7], []],
  [[], [5, 7]],
  [
    [2, 3, 4, 5],
    [3, 1, 5],
  ],
  [
    [4, 1, 6, 1],
    [1, 5, 1, 3],
  ],
  [
    [2, 2, 3, 2, 9],
    [2, 1, 3, 1, 9],
  ],
  [[130, 33], [33]],
];

describe.each(DTYPES)('resident kernels equal the reference (%s)', (dtype) => {
  test.each([0, 1, 3, 4, 5, 8, 17, 1001])('neg, sqrt, relu, exp, tanh on %i values', (n) => {
    for (const f of [s.neg, s.sqrt, s.relu, s.exp, s.tanh]) agree(() => f(values(n, n, dtype)));
  });

  test.each(PAIRS)('add, sub, mul, div, maximum, pow: %j with %j', (sa, sb) => {
    const ops = [s.add, s.sub, s.mul, s.div, s.maximum, s.pow];
    for (const op of ops) {
      agree(
        () => op(make(sa, 1, dtype), make(sb, 2, dtype)),
        () => op(make(sa, 1, dtype), make(sb, 2, dtype)),
      );
    }
  });

  test.each(PAIRS)('the six comparisons: %j with %j', (sa, sb) => {
    for (const op of [s.less, s.lessEqual, s.greater, s.greaterEqual, s.equal, s.notEqual]) {
      agree(() => op(make(sa, 3, dtype), make(sb, 4, dtype)));
    }
    agree(() => s.less(make(sa, 3, dtype), make(sa, 3, dtype)));
  });

  test.each(PAIRS)('where(cond, a, b): %j with %j', (sa, sb) => {
    const cond = (shape: number[]) => s.greater(make(shape, 5, dtype), 0.3);
    agree(() => s.where(cond(sa), make(sb, 6, dtype), make(sa, 7, dtype)));
    agree(() => s.where(make(sa, 8, dtype), make(sa, 6, dtype), 0));
    agree(() => s.where(make(sb, 8, dtype), 2, make(sa, 6, dtype)));
  });

  test('cast to the other dtype and back', () => {
    const other: DType = dtype === 'float64' ? 'float32' : 'float64';
    for (const n of [0, 1, 3, 4, 7, 1000]) {
      agree(() => s.cast(values(n, 9, dtype), other));
      agree(() => s.cast(s.cast(values(n, 9, dtype), other), dtype));
    }
  });

  test('sum and max over every set of axes, with and without keepdims', () => {
    const x = () => make([3, 5, 7], 10, dtype);
    const axesSets = [[], [0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]];
    for (const axes of axesSets) {
      for (const keepdims of [false, true]) {
        agree(() => s.sum(x(), axes, { keepdims }));
        agree(() => s.max(x(), axes, { keepdims }));
      }
    }
  });

  test.each([1, 7, 8, 9, 127, 128, 129, 200, 1000, 12345])('pairwise sums and maxima of %i values', (n) => {
    // Finite values only, so the sum is not NaN and the order of additions shows in the bits.
    const finite = () => s.mul(s.sin(s.arange(0, n, 1, { dtype })), 1e3);
    agree(() => s.sum(finite()));
    agree(() => s.sum(s.reshape(finite(), [1, n]), 1));
    agree(() => s.max(values(n, n, dtype)));
    agree(() => s.max(s.mul(finite(), 0))); // all zeros of both signs: the first zero's sign, as the reference
  });

  test.each([0, 1, 7, 9, 129, 1000, 12345])('sumOfSquares of %i values is sum(mul(x, x)) bit for bit', (n) => {
    const x = () => s.mul(s.sin(s.arange(0, n, 1, { dtype })), 1e3);
    const want = n === 0 ? 0 : s.sum(s.mul(x(), x())).item();
    expect(Object.is(s.sumOfSquares(x()), want)).toBe(true);
    expect(
      Object.is(
        s.scope(() => s.sumOfSquares(x())),
        want,
      ),
    ).toBe(true);
  });

  test('allFinite finds a NaN or an infinity anywhere, resident or not', () => {
    for (const n of [1, 5, 1000]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (const at of [0, n - 1]) {
          const make = () => {
            const t = s.mul(s.ones([n], { dtype }), 2);
            t.data[at] = bad;
            return t;
          };
          expect(s.allFinite(make())).toBe(false);
          expect(s.scope(() => s.allFinite(make()))).toBe(false);
        }
      }
      expect(s.scope(() => s.allFinite(s.ones([n], { dtype })))).toBe(true);
    }
  });

  test('transpose, slice, pad, concat, broadcastTo', () => {
    const x = () => make([3, 4, 5], 11, dtype);
    for (const perm of [
      [1, 0, 2],
      [0, 2, 1],
      [2, 1, 0],
      [2, 0, 1],
    ])
      agree(() => s.transpose(x(), perm));
    agree(() => s.transpose(make([70, 45], 12, dtype)));
    agree(() => s.slice(x(), [1, 0, 2], [3, 3, 5]));
    agree(() => s.slice(x(), [0, 0, 4], [3, 4, 5]));
    agree(() => s.pad(x(), [1, 0, 2], [0, 3, 1]));
    agree(() => s.concat([x(), make([3, 2, 5], 13, dtype)], 1));
    agree(() => s.concat([x(), make([3, 4, 1], 14, dtype)], 2));
    agree(() => s.broadcastTo(make([4, 1], 15, dtype), [2, 3, 4, 6]));
    agree(() => s.broadcastTo(make([5], 16, dtype), [6, 5]));
  });

  test('matmul, plain, transposed and batched', () => {
    agree(() => s.matmul(make([33, 20], 17, dtype), make([20, 41], 18, dtype)));
    agree(() => s.matmul(make([20, 33], 17, dtype), make([41, 20], 18, dtype), { transA: true, transB: true }));
    agree(() => s.matmul(make([3, 9, 8], 19, dtype), make([8, 10], 20, dtype)));
  });
});

describe('scope', () => {
  test('scope(fn) returns its result in ordinary memory and releases the rest', () => {
    const before = s.memoryInfo()?.inUse ?? 0;
    let inner: Tensor | null = null;
    const out = s.scope(() => {
      inner = s.mul(s.ones([1000]), 3);
      return s.add(inner, 1);
    });
    expect(Array.from(out.data.slice(0, 3))).toEqual([4, 4, 4]);
    expect(out.block?.resident).toBe(false);
    expect(s.memoryInfo()?.inUse ?? 0).toBe(before);
    expect(() => (inner as unknown as Tensor).data).toThrow(/released when the scope/);
  });

  test('scope and setResidentThreshold refuse what they cannot use, with a clear error', () => {
    expect(() => s.scope(42 as unknown as () => null)).toThrow(/scope: expected a function to run, got number/);
    expect(() => s.setResidentThreshold(0)).toThrow(/positive integer/);
    expect(() => s.setResidentThreshold(NaN)).toThrow(/positive integer/);
  });

  test('nested scopes hand results outwards without copying until the outermost', () => {
    const out = s.scope(() => {
      const a = s.scope(() => s.mul(s.ones([100]), 2));
      expect(a.block?.resident).toBe(true);
      return { a, b: [s.add(a, 1)] };
    });
    expect(out.a.data[0]).toBe(2);
    expect(out.b[0].data[0]).toBe(3);
  });

  test('a throw inside a scope releases what it made', () => {
    const before = s.memoryInfo()?.inUse ?? 0;
    expect(() =>
      s.scope(() => {
        s.ones([5000]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.memoryInfo()?.inUse ?? 0).toBe(before);
  });

  test('transformations release their intermediates: memory in use returns to where it was', () => {
    const w = s.normal(new s.Rng(1), [64, 32], { dtype: 'float32' });
    const x = s.normal(new s.Rng(2), [50, 64], { dtype: 'float32' });
    const loss = (p: Tensor) => s.sum(s.tanh(s.relu(s.matmul(x, p))));
    s.hvp(loss, w, w); // the first products allocate the GEMM's packing buffers, which are kept
    const before = s.memoryInfo()?.inUse ?? 0;
    const [v, g] = s.valueAndGrad(loss)(w);
    const h = s.hvp(loss, w, g);
    expect(Number.isFinite(v.item())).toBe(true);
    expect(g.block?.resident ?? false).toBe(false);
    expect(h.block?.resident ?? false).toBe(false);
    expect(s.memoryInfo()?.inUse ?? 0).toBe(before);
  });

  test('a tensor a user keeps from inside a differentiated function stays valid', () => {
    let kept: Tensor | null = null;
    const c = s.tensor([1, 2, 3]);
    s.grad((p: Tensor) => {
      kept = s.mul(c, 2); // user-level: not the transformation's to release
      return s.sum(s.mul(p, kept));
    })(s.tensor([1, 1, 1]));
    expect(Array.from((kept as unknown as Tensor).data)).toEqual([2, 4, 6]);
  });
});
