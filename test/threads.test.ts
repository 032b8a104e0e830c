// The second thread: results identical to one thread, bit for bit (each element is computed by one thread in
// the same order), for the GEMM on every shape class and transpose, and for large elementwise ops,
// reductions, optimiser steps and a whole training run.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import { wasmHeap } from '../src/core/kernels/wasm/heap.js';
import { wasmRuntime } from '../src/core/kernels/wasm/module.js';

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

  test('large elementwise ops, reductions and optimiser steps: the same bits on two threads', () => {
    // Runs after the test above has enabled the thread. The reference kernels are bit-identical to one WASM
    // thread (test/resident.test.ts), so they stand for it here.
    expect(s.threadsEnabled()).toBe(true);
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new s.Rng(5);
      const a = s.normal(rng, [300, 257], { dtype });
      const b = s.normal(rng, [257], { dtype });
      const c = s.normal(rng, [300, 1], { dtype });
      const work = () =>
        s.scope(() => {
          const outs: s.Tensor[] = [
            s.add(a, b),
            s.mul(a, c),
            s.maximum(a, 0.1),
            s.greater(a, b),
            s.where(s.greater(a, 0), a, c),
            s.relu(a),
            s.sqrt(s.mul(a, a)),
            s.sum(a),
            s.sum(a, 1),
            s.sum(a, 0),
          ];
          const p = { w: s.mul(a, 1) };
          const opt = s.adam(1e-2, { amsgrad: true });
          const sgd = s.sgd(0.1, { momentum: 0.9, nesterov: true });
          outs.push((opt.step!({ w: s.mul(a, 0.5) }, opt.init(p), p)[0] as { w: s.Tensor }).w);
          outs.push((sgd.step!({ w: s.mul(a, 0.5) }, sgd.init(p), p)[0] as { w: s.Tensor }).w);
          return outs;
        });
      const two = work().map((t) => Array.from(t.data));
      s.setReferenceKernels(true);
      const reference = work().map((t) => Array.from(t.data));
      s.setReferenceKernels(false);
      two.forEach((values, i) => expect(values, `${dtype} result ${i}`).toEqual(reference[i]));
    }
  });

  test('transcendentals on two threads give the bits of their kernel on one, both dtypes', () => {
    expect(s.threadsEnabled()).toBe(true);
    const rt = wasmRuntime();
    const heap = wasmHeap();
    if (rt === null || heap === null) throw new Error('no WASM runtime');
    for (const dtype of ['float64', 'float32'] as const) {
      const a = s.mul(s.normal(new s.Rng(8), [300, 257], { dtype }), 4); // 77,100 elements: split between threads
      const n = a.size;
      const bytes = dtype === 'float64' ? 8 : 4;
      const View = dtype === 'float64' ? Float64Array : Float32Array;
      const ptr = heap.alloc(2 * bytes * n);
      for (const op of ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus'] as const) {
        const input = op === 'log' || op === 'log1p' ? s.abs(a) : a;
        const two = Array.from(s[op](input).data);
        new View(rt.memory.buffer, ptr, n).set(input.data);
        rt.exports[`${op}${bytes * 8}` as 'exp64'](ptr, ptr + bytes * n, n); // this thread alone
        expect(two, `${op} ${dtype}`).toEqual(Array.from(new View(rt.memory.buffer, ptr + bytes * n, n)));
      }
      heap.release(ptr, 2 * bytes * n);
    }
  });
});
