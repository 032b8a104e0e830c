import { describe, expect, test } from 'vitest';
import { minibatches } from './index.js';

describe('minibatches', () => {
  test('each epoch visits every example exactly once, reshuffled per epoch, reproducibly', () => {
    const mb = minibatches(10, { batchSize: 3, seed: 4 });
    expect(mb.perEpoch).toBe(4);
    const e0 = mb.epoch(0);
    expect(e0.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(e0.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(mb.epoch(1).flat()).not.toEqual(e0.flat());
    expect(minibatches(10, { batchSize: 3, seed: 4 }).batch(5)).toEqual(mb.batch(5));
    expect(mb.batch(4)).toEqual(mb.epoch(1)[0]);
  });

  test('dropLast keeps only full batches; without shuffling the data order is kept', () => {
    expect(
      minibatches(10, { batchSize: 3, seed: 1, dropLast: true })
        .epoch(0)
        .map((b) => b.length),
    ).toEqual([3, 3, 3]);
    expect(minibatches(5, { batchSize: 2, seed: 1, shuffle: false }).epoch(0)).toEqual([[0, 1], [2, 3], [4]]);
  });

  test('bad sizes are refused with the reason', () => {
    expect(() => minibatches(0, { batchSize: 1, seed: 1 })).toThrow(/dataset size must be a positive integer/);
    expect(() => minibatches(3, { batchSize: 5, seed: 1, dropLast: true })).toThrow(/would leave no batch/);
  });
});
