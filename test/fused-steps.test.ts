// The fused optimiser steps (one pass per leaf: moments, update and θ + u; in place when donated) against
// the chain of transformations they fuse, bit for bit, in both dtypes, resident and ordinary; and the
// footprint of long runs: a 100-epoch training and a 500-step Lanczos keep WASM memory flat.
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { DType, Tensor, Tree } from '../src/index.js';

const leaves = (t: Tree) => s.treeLeaves(t).map((x) => Array.from(x.data));

/** Every number in an optimiser state (tensors' elements, counts), in order. */
function stateNumbers(x: unknown): number[] {
  if (x instanceof s.Tensor) return Array.from(x.data);
  if (typeof x === 'number') return [x];
  if (x === null || typeof x !== 'object') return [];
  return Object.values(x).flatMap(stateNumbers);
}

function problem(dtype: DType) {
  const r = new s.Rng(3);
  const params = { w: s.normal(r, [7, 5], { dtype }), b: s.normal(r, [5], { dtype }) };
  const grads = (k: number) => ({
    w: s.normal(new s.Rng(10 + k), [7, 5], { dtype }),
    b: s.normal(new s.Rng(20 + k), [5], { dtype }),
  });
  return { params, grads };
}

const OPTIMIZERS: [string, () => s.Optimizer<unknown[]>][] = [
  ['adam', () => s.adam(1e-2)],
  ['adam amsgrad, weight decay, maximize', () => s.adam(1e-2, { amsgrad: true, weightDecay: 0.1, maximize: true })],
  ['adam with a schedule', () => s.adam(s.cosine(0.05, { T: 10 }))],
  ['adamw', () => s.adamw(1e-2, { weightDecay: 0.3 })],
  ['adamw amsgrad', () => s.adamw(1e-2, { amsgrad: true })],
  ['sgd', () => s.sgd(0.1)],
  ['sgd momentum', () => s.sgd(0.1, { momentum: 0.9 })],
  ['sgd nesterov, weight decay', () => s.sgd(0.1, { momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['sgd dampening, maximize', () => s.sgd(0.1, { momentum: 0.5, dampening: 0.3, maximize: true })],
];

describe.each(['float64', 'float32'] as const)('fused steps equal the composed chain (%s)', (dtype) => {
  test.each(OPTIMIZERS)('%s: five steps, ordinary, resident, and donated in place', (_, make) => {
    const { params, grads } = problem(dtype);
    const composed = () => {
      const opt = make();
      let p: Tree = params;
      let st = opt.init(p);
      for (let k = 0; k < 5; k++) {
        const [u, next] = opt.update(grads(k), st, p);
        p = s.applyUpdates(p, u);
        st = next;
      }
      return [p, st] as const;
    };
    const fused = (donate: boolean) => {
      const opt = make();
      expect(opt.step).toBeDefined();
      let p: Tree = params;
      let st = opt.init(p);
      for (let k = 0; k < 5; k++) [p, st] = opt.step!(grads(k), st, p, { donate: donate && k > 0 });
      return [p, st] as const;
    };
    const [want, wantState] = composed();
    const ordinary = fused(false);
    const resident = s.scope(() => fused(false));
    const donated = s.scope(() => fused(true));
    for (const [p, st] of [ordinary, resident, donated]) {
      expect(leaves(p)).toEqual(leaves(want));
      expect(stateNumbers(st)).toEqual(stateNumbers(wantState));
    }
    // The user's parameters are never overwritten, donated or not.
    expect(leaves(params)).toEqual(leaves(problem(dtype).params));
  });
});

test('a donated step overwrites the parameters in place (no new memory)', () => {
  s.scope(() => {
    const opt = s.adam(1e-2);
    const p0 = { w: s.mul(s.ones([1000], { dtype: 'float32' }), 1) };
    const [p, st] = opt.step!({ w: s.ones([1000], { dtype: 'float32' }) }, opt.init(p0), p0);
    const before = s.memoryInfo()!.inUse;
    const storage = (p as { w: Tensor }).w.block;
    const [p2, st2] = opt.step!({ w: s.ones([1000], { dtype: 'float32' }) }, st, p, { donate: true });
    expect((p2 as { w: Tensor }).w.block).toBe(storage);
    expect(((st2 as unknown[])[1] as { count: number }).count).toBe(3);
    // Only the gradient (1000 floats, in a 4,032-byte block) was allocated.
    expect(s.memoryInfo()!.inUse - before).toBe(4032);
    return null;
  });
});

describe('long runs keep a flat footprint', () => {
  test('100 epochs of training: WASM memory in use is the same after every epoch, and nothing is left after', () => {
    const data = s.linearData({ weights: [1, -2, 0.5, 3], bias: 0.1, n: 96, noiseStd: 0.1, seed: 1 });
    const labels = s.tensor(Array.from(data.y.data, (v) => (v > 0 ? 1 : 0)));
    const ds: s.Dataset = {
      x: s.cast(data.x, 'float32'),
      y: s.cast(labels, 'float32'),
      featureNames: ['a', 'b', 'c', 'd'],
      targetName: 'y',
    };
    const before = s.memoryInfo()!;
    const inUse: number[] = [];
    const sizes: number[] = [];
    let kept: unknown = null;
    const run = (optimizer: s.Optimizer<unknown[]>, onStep?: (k: number, p: s.MlpParams) => void) =>
      s.trainClassifier(s.mlp([4, 16, 2], { rng: new s.Rng(1), dtype: 'float32' }), ds, ds, {
        optimizer,
        epochs: 100,
        batchSize: 16,
        seed: 2,
        onStep,
        onEpoch: () => {
          inUse.push(s.memoryInfo()!.inUse);
          sizes.push(s.memoryInfo()!.memoryBytes);
        },
      });
    for (const optimizer of [s.adam(1e-2), s.rmsprop(1e-3)]) {
      inUse.length = 0;
      sizes.length = 0;
      const result = run(optimizer);
      expect(new Set(inUse.slice(1)).size).toBe(1);
      expect(new Set(sizes.slice(1)).size).toBe(1);
      expect(result.params.layers[0].w.block?.resident ?? false).toBe(false);
    }
    // Parameters shown to onStep stay valid after the step that replaces them.
    const result = run(s.adam(1e-2), (k, p) => {
      if (k === 3) kept = p;
    });
    const w = (kept as s.MlpParams).layers[0].w;
    expect(w.data.length).toBe(64);
    expect(Array.from(w.data)).not.toEqual(Array.from(result.params.layers[0].w.data));
    expect(s.memoryInfo()!.inUse).toBeLessThanOrEqual(before.inUse + (1 << 16));
  });

  test('500 Lanczos steps over Hessian-vector products: memory in use returns to where it was', () => {
    const r = new s.Rng(4);
    const x = s.normal(r, [64, 20], { dtype: 'float32' });
    const y = s.tensor(
      Array.from({ length: 64 }, (_, i) => i % 3),
      { dtype: 'float32' },
    );
    const params = s.mlp([20, 30, 3], { rng: r, dtype: 'float32', init: 'he-uniform' });
    const op = s.curvatureOperator({
      loss: s.crossEntropyLoss({ activation: 'tanh' }),
      params,
      data: { x, y },
      batchSize: 30,
    });
    expect(op.size).toBeGreaterThan(500);
    op.apply(new Float64Array(op.size).fill(1)); // the first products allocate the kernels' scratch
    const before = s.memoryInfo()!;
    const density = s.spectralDensity(op, { steps: 500, seed: 5, lowMemory: true });
    expect(density.values.length).toBeGreaterThan(0);
    const after = s.memoryInfo()!;
    expect(op.products).toBeGreaterThanOrEqual(500);
    expect(after.inUse).toBe(before.inUse);
    expect(after.memoryBytes).toBe(before.memoryBytes);
  });
});
