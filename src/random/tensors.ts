// Random tensors from an explicit generator.
import { allocate, type DType } from '../core/dtype.js';
import { SaddleError } from '../core/errors.js';
import { checkShape, shapeSize } from '../core/shape.js';
import { fromData, type Tensor } from '../core/tensor.js';
import type { Rng } from './rng.js';

export interface RandomOptions {
  dtype?: DType;
}

function fill(shape: readonly number[], dtype: DType | undefined, draw: () => number, op: string): Tensor {
  checkShape(op, shape);
  const data = allocate(dtype ?? 'float64', shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return fromData(data, shape);
}

/** Uniform on [low, high). */
export function uniform(
  rng: Rng,
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(low <= high) || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new SaddleError(`uniform: need finite low <= high, got [${low}, ${high})`);
  }
  return fill(shape, options.dtype, () => low + (high - low) * rng.float(), 'uniform');
}

/** Normal with the given mean and standard deviation. */
export function normal(
  rng: Rng,
  shape: readonly number[],
  options: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) {
    throw new SaddleError(`normal: need a finite mean and std >= 0, got mean ${mean}, std ${std}`);
  }
  return fill(shape, options.dtype, () => mean + std * rng.normal(), 'normal');
}

/** ±1 with equal probability (Hutchinson's trace estimator and random directions use these). */
export function rademacher(rng: Rng, shape: readonly number[], options: RandomOptions = {}): Tensor {
  return fill(shape, options.dtype, () => (rng.nextUint32() & 1 ? 1 : -1), 'rademacher');
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates), as plain integers. */
export function permutation(rng: Rng, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new SaddleError(`permutation: n must be a non-negative integer, got ${n}`);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
