// Ops composed from primitives (tinygrad's and JAX's habit): their derivatives come from the
// primitives' rules, to every order, with no rule of their own.
import { SaddleError, ShapeError, formatShape } from './errors.js';
import {
  add,
  cos,
  div,
  exp,
  greater,
  less,
  log,
  max,
  maximum,
  mul,
  neg,
  reshape,
  sin,
  softmaxCrossEntropy,
  stopGradient,
  sub,
  sum,
  where,
  type Operand,
  type ReduceOptions,
} from './ops.js';
import { normalizeAxes } from './shape.js';
import { Tensor, fromData } from './tensor.js';
import { allocate } from './dtype.js';
import { allFiniteNumbers, sumOfSquares as sumOfSquaresNumbers } from './kernels/index.js';

export function square(x: Tensor): Tensor {
  return mul(x, x);
}

export function tan(x: Tensor): Tensor {
  return div(sin(x), cos(x));
}

/** -1, 0 or 1; derivative zero. */
export function sign(x: Tensor): Tensor {
  return sub(greater(x, 0), less(x, 0));
}

/** |x| = x·sign(x): derivative sign(x), 0 at 0 (as PyTorch and JAX). */
export function abs(x: Tensor): Tensor {
  return mul(x, stopGradient(sign(x)));
}

export function minimum(a: Operand, b: Operand): Tensor {
  return neg(maximum(typeof a === 'number' ? -a : neg(a), typeof b === 'number' ? -b : neg(b)));
}

export function min(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return neg(max(neg(x), axes, options));
}

/** Clamps to [lo, hi]. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new SaddleError(`clip: lower bound ${lo} exceeds upper bound ${hi}`);
  return minimum(maximum(x, lo), hi);
}

/**
 * log Σ exp(x) over axes, stably: m + log Σ exp(x − m) with m = max(x) held constant (the result
 * does not depend on m, so stopping its derivative is exact).
 */
export function logsumexp(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const ax = normalizeAxes('logsumexp', axes, x.rank);
  const m = stopGradient(max(x, ax, { keepdims: true }));
  const shift = where(less(mul(m, m), Infinity), m, 0); // an all -inf row stays -inf, not NaN
  const s = add(log(sum(exp(sub(x, shift)), ax, { keepdims: true })), shift);
  if (options.keepdims) return s;
  return reshape(
    s,
    x.shape.filter((_, i) => !ax.includes(i)),
  );
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, axis, { keepdims: true }));
}

export interface CrossEntropyOptions {
  /** The class axis of the logits (default -1). */
  axis?: number;
  /** 'mean' over the batch (default), 'sum', or 'none'. */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Softmax cross-entropy −Σ_c y_c log softmax(z)_c from logits z and targets y (one-hot or
 * probabilities, same shape as the logits), as torch.nn.functional.cross_entropy with
 * probability targets.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const perExample = softmaxCrossEntropy(logits, targets, options.axis ?? -1);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return perExample;
  const total = sum(perExample);
  return reduction === 'sum' ? total : div(total, Math.max(1, perExample.size));
}

/** Index of the maximum along an axis (first one at ties); a constant, not differentiable. */
export function argmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxes('argmax', axis, x.rank)[0];
  const data = x.data;
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const n = x.shape[a];
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  if (n === 0) throw new ShapeError(`argmax: axis ${a} of ${formatShape(x.shape)} is empty`);
  const out = allocate(x.dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestValue = data[o * n * inner + i];
      for (let j = 1; j < n; j++) {
        const v = data[(o * n + j) * inner + i];
        if (v > bestValue) {
          best = j;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return fromData(
    out,
    x.shape.filter((_, i) => i !== a),
  );
}

/** Inner product of two vectors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `dot: expected two vectors of one length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  return sum(mul(a, b));
}

/** True when every element is finite (a concrete check, for guards and tests: one pass, no temporary). */
export function allFinite(x: Tensor): boolean {
  return allFiniteNumbers(x.concrete());
}

/**
 * Σ x², a number: the same bits as sum(mul(x, x)).item() in one pass and no temporary (a concrete check, for
 * gradient norms and clipping; a tracer's primal value is used).
 */
export function sumOfSquares(x: Tensor): number {
  return sumOfSquaresNumbers(x.concrete());
}
