// NaN propagates through every elementwise op that chooses: comparisons, where, max, min, relu, abs.
import { describe, expect, test } from 'vitest';
import * as s from '../index.js';

const values = [NaN, -Infinity, -2, -0, 0, 0.5, Infinity];
const shapes: [string, (v: number[]) => s.Tensor][] = [
  ['a vector', (v) => s.tensor(v)],
  ['a 1x7 matrix', (v) => s.reshape(s.tensor(v), [1, v.length])],
];

describe('NaN propagation in the elementwise kernels', () => {
  test.each(shapes)('relu, abs, maximum, minimum, sign of NaN are NaN (%s)', (_, make) => {
    const x = make(values);
    for (const f of [
      s.relu,
      s.abs,
      s.sign,
      (t: s.Tensor) => s.maximum(t, 0),
      (t: s.Tensor) => s.minimum(t, 0),
      (t: s.Tensor) => s.maximum(0, t),
      (t: s.Tensor) => s.minimum(t, t),
    ]) {
      const out = Array.from(f(x).data);
      expect(Number.isNaN(out[0])).toBe(true);
      expect(out.slice(1).some(Number.isNaN)).toBe(false);
    }
  });

  const comparisons = ['less', 'lessEqual', 'greater', 'greaterEqual', 'equal'] as const;
  test.each(comparisons)('%s(NaN, y) and %s(y, NaN) are NaN', (op) => {
    const f = s[op] as (a: s.Tensor | number, b: s.Tensor | number) => s.Tensor;
    const x = s.tensor(values);
    const a = Array.from(f(x, 0).data);
    const b = Array.from(f(0, x).data);
    const c = Array.from(f(x, s.tensor(values.map(() => NaN))).data);
    expect([a[0], b[0]].every(Number.isNaN)).toBe(true);
    expect(a.slice(1).concat(b.slice(1)).some(Number.isNaN)).toBe(false);
    expect(c.every(Number.isNaN)).toBe(true);
  });

  test('where(cond, a, b) is NaN where cond is NaN, for every broadcast path', () => {
    const cond = s.tensor([1, NaN, 0]);
    expect(Array.from(s.where(cond, s.tensor([1, 2, 3]), s.tensor([4, 5, 6])).data)).toEqual([1, NaN, 6]);
    expect(Array.from(s.where(cond, 7, s.tensor([4, 5, 6])).data)).toEqual([7, NaN, 6]);
    expect(Array.from(s.where(s.reshape(cond, [3, 1]), s.tensor([[1, 2]]), 0).data)).toEqual([1, 2, NaN, NaN, 0, 0]);
  });

  test('the gradient of relu at NaN is NaN, not 0', () => {
    const g = s.grad((x: s.Tensor) => s.sum(s.relu(x)))(s.tensor([NaN, 1, -1]));
    expect(Array.from(g.data)).toEqual([NaN, 1, 0]);
  });
});
