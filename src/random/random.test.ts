import { describe, expect, test } from 'vitest';
import { Rng, normal, permutation, rademacher, uniform } from './index.js';

describe('Rng', () => {
  test('the same seed gives the same stream; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });

  test('the stream is pinned (a change of algorithm must be deliberate)', () => {
    const r = new Rng(1);
    expect(Array.from({ length: 3 }, () => r.nextUint32())).toMatchInlineSnapshot(`
      [
        2442144158,
        3238099751,
        3819917871,
      ]
    `);
  });

  test('uniform and normal have the right moments (n = 200 000; 5-sigma bounds)', () => {
    const n = 200000;
    const u = Array.from(uniform(new Rng(3), [n]).data);
    const z = Array.from(normal(new Rng(4), [n]).data);
    const mean = (d: number[]) => d.reduce((s, v) => s + v, 0) / d.length;
    const meanU = mean(u);
    const meanZ = mean(z);
    const varZ = mean(z.map((v) => (v - meanZ) ** 2));
    expect(Math.abs(meanU - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(meanZ)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(varZ - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(u.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThanOrEqual(0);
    expect(u.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
    const tail = z.filter((v) => Math.abs(v) > 1.959963984540054).length / n;
    expect(Math.abs(tail - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
  });

  test('rademacher is ±1 with equal frequency; permutation is a permutation', () => {
    const r = rademacher(new Rng(5), [10000]).data;
    expect(new Set(r)).toEqual(new Set([1, -1]));
    expect(Math.abs(Array.from(r).reduce((a, b) => a + b, 0))).toBeLessThan(5 * 100);
    const p = permutation(new Rng(6), 100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('float32 output and option errors', () => {
    expect(normal(new Rng(1), [3], { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => uniform(new Rng(1), [2], { low: 1, high: 0 })).toThrow(/low <= high/);
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/);
  });

  test('fork gives an independent, reproducible stream', () => {
    const a = new Rng(9).fork();
    const b = new Rng(9).fork();
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
