import { describe, expect, test } from 'vitest';
import { add, div, fromData, maximum, mul, sqrt, type DType, type Tensor } from './index.js';
import { fusedAdam } from './fused.js';
import { allocate } from './dtype.js';

function data(dtype: DType, n: number, phase: number, scale = 1): Tensor {
  const a = allocate(dtype, n);
  for (let i = 0; i < n; i++) a[i] = scale * Math.sin(1.3 * i + phase) * (1 + 0.5 * Math.cos(0.7 * i));
  return fromData(a, [n]);
}

describe('fusedAdam', () => {
  test.each(['float32', 'float64'] as const)(
    '%s: bit-identical to the composed ops, with and without AMSGrad',
    (dtype) => {
      const n = 1001;
      const g = data(dtype, n, 0.3);
      const m = data(dtype, n, 1.1, 0.1);
      const v = mul(data(dtype, n, 2.2, 0.1), data(dtype, n, 2.2, 0.1));
      const vmax = mul(data(dtype, n, 0.9, 0.12), data(dtype, n, 0.9, 0.12));
      const c = { b1: 0.9, b2: 0.999, eps: 1e-8, bc1: 1 - 0.9 ** 3, bc2sqrt: Math.sqrt(1 - 0.999 ** 3) };
      for (const x of [null, vmax]) {
        const r = fusedAdam(g, m, v, x, c);
        const m2 = add(mul(m, c.b1), mul(g, 1 - c.b1));
        const v2 = add(mul(v, c.b2), mul(mul(g, g), 1 - c.b2));
        const vh = x ? maximum(x, v2) : v2;
        const u = div(div(m2, add(div(sqrt(vh), c.bc2sqrt), c.eps)), c.bc1);
        expect(r.m.dtype).toBe(dtype);
        expect(Array.from(r.m.data)).toEqual(Array.from(m2.data));
        expect(Array.from(r.v.data)).toEqual(Array.from(v2.data));
        expect(Array.from(r.update.data)).toEqual(Array.from(u.data));
        if (x) expect(Array.from(r.vmax!.data)).toEqual(Array.from(vh.data));
      }
    },
  );
});
