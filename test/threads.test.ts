// The second GEMM thread: results identical to one thread, bit for bit (each element of C is
// computed by one thread in the same order), on every shape class and transpose.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';

const workerEntry = new URL('../dist/cli/gemm-worker.js', import.meta.url);

describe('enableThreads', () => {
  test('a second thread gives the same bits as one thread, both dtypes, all transposes', () => {
    const rng = new s.Rng(21);
    const cases: [number, number, number][] = [
      [200, 150, 120],
      [97, 301, 64],
      [512, 64, 33],
      [16, 1000, 100],
    ];
    const operands = cases.flatMap(([m, k, n]) =>
      (['float64', 'float32'] as const).map((dtype) => ({
        a: s.normal(rng, [m, k], { dtype }),
        b: s.normal(rng, [k, n], { dtype }),
        at: s.normal(rng, [k, m], { dtype }),
        bt: s.normal(rng, [n, k], { dtype }),
      })),
    );
    const products = (o: (typeof operands)[number]) => [
      s.matmul(o.a, o.b),
      s.matmul(o.at, o.b, { transA: true }),
      s.matmul(o.a, o.bt, { transB: true }),
      s.matmul(o.at, o.bt, { transA: true, transB: true }),
    ];
    const single = operands.map(products);
    let spawned = 0;
    const ok = s.enableThreads({
      spawn: (init) => {
        spawned++;
        new Worker(workerEntry, { workerData: init }).unref();
      },
    });
    expect(ok).toBe(true);
    expect(spawned).toBe(1);
    expect(s.threadsEnabled()).toBe(true);
    operands.map(products).forEach((results, i) => {
      results.forEach((r, j) =>
        expect(Array.from(r.data), `case ${i}, product ${j}`).toEqual(Array.from(single[i][j].data)),
      );
    });
    // Enabling twice starts no second worker.
    expect(s.enableThreads({ spawn: () => spawned++ })).toBe(true);
    expect(spawned).toBe(1);
  });
});
