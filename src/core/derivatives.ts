// Derivatives shared by the two transformations: the elementwise unary derivatives (a diagonal, so the same
// product is the tangent in forward mode and the cotangent in reverse) and the factors of pow, max, reduceMax,
// softmax and cross-entropy. Written with public ops only (never raw buffers), so every rule built from them
// is itself differentiable and the transformations nest to any order.
import {
  add,
  cos,
  div,
  equal,
  greater,
  log,
  mul,
  neg,
  pow,
  reshape,
  sigmoid,
  sin,
  softmax,
  sub,
  sum,
  where,
} from './ops.js';
import type { UnaryPrimitive } from './primitives.js';
import type { Tensor } from './tensor.js';

export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/**
 * d/dx x^y = y·x^(y-1), taken as 0 only where x = 0 and y = 0 (0·0^-1 would be NaN; x^0 = 1 is flat).
 * Zeroing it wherever y = 0 would also zero its derivative in y there, and ∂²/∂y∂x of x^y at y = 0 is
 * 1/x, not 0: the Hessian would lose its symmetry (∂²/∂x∂y, through the log factor, is 1/x).
 */
export function powBaseFactor(x: Tensor, y: Tensor): Tensor {
  if (y.trace === null && y.size === 1 && y.data[0] !== 0) {
    // A constant exponent (x^2, x^3, ...): the same numbers with fewer ops; 2·x^1 is exactly 2·x.
    const e = y.data[0];
    return e === 2 ? mul(x, 2) : mul(pow(x, e - 1), e);
  }
  return where(mul(equal(x, 0), equal(y, 0)), 0, mul(y, pow(x, sub(y, 1))));
}

/** d/dy x^y = log(x) x^y, taken as 0 where x = 0. */
export function powExponentFactor(x: Tensor, out: Tensor): Tensor {
  return where(equal(x, 0), 0, mul(log(x), out));
}

/** Weight of the first operand of max: 1 where it wins, 1/2 at ties, 0 where it loses. */
export function maxWeight(a: Tensor, b: Tensor): Tensor {
  return where(greater(a, b), 1, where(equal(a, b), 0.5, 0));
}

/** For reduceMax: 1/count at each position equal to the maximum, 0 elsewhere. */
export function argmaxWeight(x: Tensor, out: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const m = keepdims ? out : reshape(out, keptShape(x.shape, axes));
  const mask = equal(x, m);
  return div(mask, sum(mask, axes, { keepdims: true }));
}

/**
 * d·f′(x) for each elementwise unary f, from its input x and output y. The derivative is a diagonal, so the same
 * product is the tangent in forward mode (d = the input tangent) and the cotangent in reverse (d = the output's):
 * written once here, used by both tables.
 */
export const UNARY_DERIVATIVES: { [P in UnaryPrimitive]: (d: Tensor, x: Tensor, y: Tensor) => Tensor } = {
  neg: (d) => neg(d),
  exp: (d, _, y) => mul(d, y),
  log: (d, x) => div(d, x),
  log1p: (d, x) => div(d, add(x, 1)),
  sin: (d, x) => mul(d, cos(x)),
  cos: (d, x) => neg(mul(d, sin(x))),
  sqrt: (d, _, y) => div(d, mul(y, 2)),
  tanh: (d, _, y) => mul(d, sub(1, mul(y, y))),
  sigmoid: (d, _, y) => mul(d, mul(y, sub(1, y))),
  softplus: (d, x) => mul(d, sigmoid(x)),
  relu: (d, x) => where(greater(x, 0), d, 0),
};

/** ∂/∂z of the per-example cross-entropy: softmax(z)·Σ_c y_c − y (a probability row gives softmax(z) − y). */
export function crossEntropyGradient(z: Tensor, y: Tensor, axis: number): Tensor {
  return sub(mul(softmax(z, axis), sum(y, axis, { keepdims: true })), y);
}

/** s ⊙ (d − Σ s ⊙ d): the softmax Jacobian (symmetric) applied to d, for both modes. */
export function softmaxProduct(s: Tensor, d: Tensor, axis: number): Tensor {
  return mul(s, sub(d, sum(mul(s, d), axis, { keepdims: true })));
}
