import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import { addNoise, applyIfFinite, chain, clipByGlobalNorm, clipByValue, sgd } from './index.js';

describe('transformations', () => {
  test('applyIfFinite skips a non-finite update, keeps the inner state, and counts', () => {
    const t = applyIfFinite(sgd(0.1, { momentum: 0.9 }), 2);
    const p = s.tensor([1, 2]);
    const [, st1] = t.update(s.tensor([1, 1]), t.init(p), p);
    const [skipped, st2] = t.update(s.tensor([NaN, 1]), st1, p);
    expect(Array.from((skipped as s.Tensor).data)).toEqual([0, 0]);
    expect(st2.inner).toBe(st1.inner);
    expect(st2).toMatchObject({ errors: 1, totalSkipped: 1 });
    const [, st3] = t.update(s.tensor([Infinity, 1]), st2, p);
    expect(st3.errors).toBe(2);
    const [through] = t.update(s.tensor([NaN, 1]), st3, p); // the third in a row is let through
    expect(Number.isNaN((through as s.Tensor).data[0])).toBe(true);
  });

  test('clipByGlobalNorm scales the whole tree to the norm (as torch’s clip_grad_norm_, with its 1e-6)', () => {
    const t = clipByGlobalNorm(1);
    const g = { a: s.tensor([3]), b: s.tensor([4]) };
    const [u] = t.update(g, t.init(g), g);
    const out = u as { a: s.Tensor; b: s.Tensor };
    expect(out.a.item()).toBeCloseTo(3 / (5 + 1e-6), 15);
    expect(out.b.item()).toBeCloseTo(4 / (5 + 1e-6), 15);
    const [small] = t.update({ a: s.tensor([0.3]), b: s.tensor([0.4]) }, null, g);
    expect((small as { a: s.Tensor }).a.item()).toBe(0.3);
  });

  test('clipByValue clamps each component', () => {
    const [u] = clipByValue(0.5).update(s.tensor([-2, 0.1, 3]), null, s.tensor([0, 0, 0]));
    expect(Array.from((u as s.Tensor).data)).toEqual([-0.5, 0.1, 0.5]);
  });

  test('addNoise is seeded: the same seed gives the same noise, another seed other noise', () => {
    const g = s.zeros([1000]);
    const run = (seed: number) => chain(addNoise(1, seed)).update(g, [{ count: 1 }], g)[0] as s.Tensor;
    expect(Array.from(run(5).data)).toEqual(Array.from(run(5).data));
    expect(Array.from(run(5).data)).not.toEqual(Array.from(run(6).data));
    const d = Array.from(run(5).data);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const variance = d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(1000));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / 1000));
  });
});

describe('differentiating through an update (meta-gradients)', () => {
  const metaGradientTitle =
    'Adam: the traced (composed) path and the fused path agree, and the derivative matches central differences';
  test(metaGradientTitle, async () => {
    const { adam } = await import('./index.js');
    const opt = adam(0.1, { amsgrad: true });
    const p = s.tensor([0.5, -1, 2]);
    const st0 = opt.init(p);
    const [, st1] = opt.update(s.tensor([0.3, -0.2, 0.1]), st0, p);
    const step = (g: s.Tensor) => {
      const [u] = opt.update(g, st1, p);
      return s.sum(s.square(u as s.Tensor));
    };
    const g0 = s.tensor([0.7, 0.4, -1.1]);
    const value = step(g0).item();
    const [traced, grad] = s.valueAndGrad(step)(g0);
    expect(traced.item()).toBe(value);
    const h = 1e-6;
    Array.from(g0.data).forEach((_, i) => {
      const e = Array.from(g0.data, (_, j) => (j === i ? h : 0));
      const fd = (step(s.add(g0, s.tensor(e))).item() - step(s.sub(g0, s.tensor(e))).item()) / (2 * h);
      expect(Math.abs(grad.data[i] - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    });
  });
});
