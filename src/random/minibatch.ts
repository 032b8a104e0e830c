// Minibatches over a dataset of n examples: each epoch a fresh seeded permutation, cut into batches
// (the last, shorter one kept or dropped). Batch b of the whole run depends only on (seed, b).
import { SaddleError } from '../core/errors.js';
import { Rng } from './rng.js';
import { permutation } from './tensors.js';

export interface MinibatchOptions {
  batchSize: number;
  seed: number;
  /** Drop the last, shorter batch of each epoch (default false). */
  dropLast?: boolean;
  /** Shuffle each epoch (default true); without, batches follow the data order. */
  shuffle?: boolean;
}

export interface Minibatches {
  /** Batches per epoch. */
  readonly perEpoch: number;
  /** The example indices of batch k = 0, 1, … of the run (epoch ⌊k / perEpoch⌋). */
  batch(k: number): number[];
  /** All batches of one epoch. */
  epoch(e: number): number[][];
}

export function minibatches(n: number, options: MinibatchOptions): Minibatches {
  const { batchSize, seed, dropLast = false, shuffle = true } = options;
  if (!Number.isInteger(n) || n <= 0)
    throw new SaddleError(`minibatches: the dataset size must be a positive integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new SaddleError(`minibatches: batchSize must be a positive integer, got ${batchSize}`);
  if (dropLast && batchSize > n)
    throw new SaddleError(
      `minibatches: batchSize ${batchSize} exceeds the ${n} examples and dropLast would leave no batch`,
    );
  const perEpoch = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const orders = new Map<number, number[]>();
  const order = (e: number) => {
    let o = orders.get(e);
    if (!o) {
      o = shuffle ? permutation(new Rng(seed * 1_000_003 + e), n) : Array.from({ length: n }, (_, i) => i);
      if (orders.size > 4) orders.delete(orders.keys().next().value as number);
      orders.set(e, o);
    }
    return o;
  };
  const batch = (k: number) => {
    const e = Math.floor(k / perEpoch);
    const b = k - e * perEpoch;
    return order(e).slice(b * batchSize, Math.min(n, (b + 1) * batchSize));
  };
  return { perEpoch, batch, epoch: (e) => Array.from({ length: perEpoch }, (_, b) => batch(e * perEpoch + b)) };
}
