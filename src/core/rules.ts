// The derivative rules: one exhaustive table per transformation, keyed by primitive, written
// with public ops only (never raw buffers), so each rule is itself differentiable and the
// transformations nest to any order.
import {
  add,
  broadcastTo,
  cast,
  concat,
  cos,
  div,
  equal,
  greater,
  log,
  matmul,
  mul,
  neg,
  pad,
  pow,
  reshape,
  sigmoid,
  sin,
  slice,
  softmax,
  sub,
  sum,
  sumToShape,
  transpose,
  where,
} from './ops.js';
import { logSoftmax } from './composite.js';
import type { Primitive, PrimitiveParams, UnaryPrimitive } from './primitives.js';
import { zeros, type Tensor } from './tensor.js';

type Tangent = Tensor | null;

/** Forward mode: the output tangent from input tangents (null = zero). */
export type JvpRule<P extends Primitive> = (
  primals: readonly Tensor[],
  tangents: readonly Tangent[],
  out: Tensor,
  params: PrimitiveParams[P],
) => Tangent;

/** Reverse mode: input cotangents from the output cotangent g; `needs[i]` says which to compute. */
export type VjpRule<P extends Primitive> = (
  g: Tensor,
  primals: readonly Tensor[],
  out: Tensor,
  params: PrimitiveParams[P],
  needs: readonly boolean[],
) => Tangent[];

function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

/** A tangent at the output's shape (a broadcast input's tangent broadcasts too). */
function atShape(t: Tangent, shape: readonly number[]): Tangent {
  return t === null ? null : broadcastTo(t, shape);
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/**
 * d/dx x^y = y·x^(y-1), taken as 0 only where x = 0 and y = 0 (0·0^-1 would be NaN; x^0 = 1 is flat).
 * Zeroing it wherever y = 0 would also zero its derivative in y there, and ∂²/∂y∂x of x^y at y = 0 is
 * 1/x, not 0: the Hessian would lose its symmetry (∂²/∂x∂y, through the log factor, is 1/x).
 */
function powBaseFactor(x: Tensor, y: Tensor): Tensor {
  if (y.trace === null && y.size === 1 && y.data[0] !== 0) {
    // A constant exponent (x^2, x^3, ...): the same numbers with fewer ops; 2·x^1 is exactly 2·x.
    const e = y.data[0];
    return e === 2 ? mul(x, 2) : mul(pow(x, e - 1), e);
  }
  return where(mul(equal(x, 0), equal(y, 0)), 0, mul(y, pow(x, sub(y, 1))));
}

/** d/dy x^y = log(x) x^y, taken as 0 where x = 0. */
function powExponentFactor(x: Tensor, out: Tensor): Tensor {
  return where(equal(x, 0), 0, mul(log(x), out));
}

/** Weight of the first operand of max: 1 where it wins, 1/2 at ties, 0 where it loses. */
function maxWeight(a: Tensor, b: Tensor): Tensor {
  return where(greater(a, b), 1, where(equal(a, b), 0.5, 0));
}

/** For reduceMax: 1/count at each position equal to the maximum, 0 elsewhere. */
function argmaxWeight(x: Tensor, out: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const m = keepdims ? out : reshape(out, keptShape(x.shape, axes));
  const mask = equal(x, m);
  return div(mask, sum(mask, axes, { keepdims: true }));
}

function matmulTangent(a: Tensor, b: Tensor, ta: Tangent, tb: Tangent, p: PrimitiveParams['matmul']): Tangent {
  const left = ta === null ? null : matmul(ta, b, p);
  const right = tb === null ? null : matmul(a, tb, p);
  return addTangents(left, right);
}

/**
 * d·f′(x) for each elementwise unary f, from its input x and output y. The derivative is a diagonal, so the same
 * product is the tangent in forward mode (d = the input tangent) and the cotangent in reverse (d = the output's):
 * written once here, used by both tables.
 */
const UNARY_DERIVATIVES: { [P in UnaryPrimitive]: (d: Tensor, x: Tensor, y: Tensor) => Tensor } = {
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

const jvpUnary =
  <P extends UnaryPrimitive>(p: P): JvpRule<P> =>
  ([x], [t], y) =>
    t === null ? null : UNARY_DERIVATIVES[p](t, x, y);

const vjpUnary =
  <P extends UnaryPrimitive>(p: P): VjpRule<P> =>
  (g, [x], y) => [UNARY_DERIVATIVES[p](g, x, y)];

export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  neg: jvpUnary('neg'),
  exp: jvpUnary('exp'),
  log: jvpUnary('log'),
  log1p: jvpUnary('log1p'),
  sin: jvpUnary('sin'),
  cos: jvpUnary('cos'),
  sqrt: jvpUnary('sqrt'),
  tanh: jvpUnary('tanh'),
  sigmoid: jvpUnary('sigmoid'),
  softplus: jvpUnary('softplus'),
  relu: jvpUnary('relu'),
  add: (_, [ta, tb], y) => atShape(addTangents(ta, tb), y.shape),
  sub: (_, [ta, tb], y) => atShape(addTangents(ta, tb === null ? null : neg(tb)), y.shape),
  mul: ([a, b], [ta, tb], y) =>
    atShape(addTangents(ta === null ? null : mul(ta, b), tb === null ? null : mul(a, tb)), y.shape),
  div: ([, b], [ta, tb], y) =>
    atShape(addTangents(ta === null ? null : div(ta, b), tb === null ? null : neg(div(mul(tb, y), b))), y.shape),
  pow: ([a, b], [ta, tb], y) =>
    atShape(
      addTangents(
        ta === null ? null : mul(ta, powBaseFactor(a, b)),
        tb === null ? null : mul(tb, powExponentFactor(a, y)),
      ),
      y.shape,
    ),
  max: ([a, b], [ta, tb], y) => {
    const w = maxWeight(a, b);
    return atShape(addTangents(ta === null ? null : mul(ta, w), tb === null ? null : mul(tb, sub(1, w))), y.shape);
  },
  compare: () => null,
  select: ([c], [, ta, tb], y) => {
    if (ta === null && tb === null) return null;
    return broadcastTo(where(c, ta ?? 0, tb ?? 0), y.shape);
  },
  cast: (_, [t], __, p) => (t === null ? null : cast(t, p.dtype)),
  stopGradient: () => null,
  sum: (_, [t], __, p) => (t === null ? null : sum(t, p.axes, { keepdims: p.keepdims })),
  reduceMax: ([x], [t], y, p) =>
    t === null ? null : sum(mul(t, argmaxWeight(x, y, p.axes, p.keepdims)), p.axes, { keepdims: p.keepdims }),
  reshape: (_, [t], __, p) => (t === null ? null : reshape(t, p.shape)),
  broadcastTo: (_, [t], __, p) => (t === null ? null : broadcastTo(t, p.shape)),
  transpose: (_, [t], __, p) => (t === null ? null : transpose(t, p.perm)),
  slice: (_, [t], __, p) => (t === null ? null : slice(t, p.starts, p.ends)),
  pad: (_, [t], __, p) => (t === null ? null : pad(t, p.before, p.after)),
  concat: (xs, ts, _, p) => {
    if (ts.every((t) => t === null)) return null;
    return concat(
      ts.map((t, i) => t ?? zeros(xs[i].shape, { dtype: xs[i].dtype })),
      p.axis,
    );
  },
  matmul: ([a, b], [ta, tb], _, p) => matmulTangent(a, b, ta, tb, p),
  softmax: (_, [t], y, p) => (t === null ? null : softmaxProduct(y, t, p.axis)),
  crossEntropy: ([z, y], [tz, ty], _, p) =>
    addTangents(
      tz === null ? null : sum(mul(tz, crossEntropyGradient(z, y, p.axis)), p.axis),
      ty === null ? null : neg(sum(mul(ty, logSoftmax(z, p.axis)), p.axis)),
    ),
};

/** ∂/∂z of the per-example cross-entropy: softmax(z)·Σ_c y_c − y (a probability row gives softmax(z) − y). */
function crossEntropyGradient(z: Tensor, y: Tensor, axis: number): Tensor {
  return sub(mul(softmax(z, axis), sum(y, axis, { keepdims: true })), y);
}

/** s ⊙ (d − Σ s ⊙ d): the softmax Jacobian (symmetric) applied to d, for both modes. */
function softmaxProduct(s: Tensor, d: Tensor, axis: number): Tensor {
  return mul(s, sub(d, sum(mul(s, d), axis, { keepdims: true })));
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export const vjpRules: { [P in Primitive]: VjpRule<P> } = {
  neg: vjpUnary('neg'),
  exp: vjpUnary('exp'),
  log: vjpUnary('log'),
  log1p: vjpUnary('log1p'),
  sin: vjpUnary('sin'),
  cos: vjpUnary('cos'),
  sqrt: vjpUnary('sqrt'),
  tanh: vjpUnary('tanh'),
  sigmoid: vjpUnary('sigmoid'),
  softplus: vjpUnary('softplus'),
  relu: vjpUnary('relu'),
  add: (g, [a, b], _, __, n) => [n[0] ? sumToShape(g, a.shape) : null, n[1] ? sumToShape(g, b.shape) : null],
  sub: (g, [a, b], _, __, n) => [n[0] ? sumToShape(g, a.shape) : null, n[1] ? sumToShape(neg(g), b.shape) : null],
  mul: (g, [a, b], _, __, n) => {
    const da = n[0] ? sumToShape(mul(g, b), a.shape) : null;
    if (a === b) return [da, da]; // x·x: both cotangents are g·x
    return [da, n[1] ? sumToShape(mul(g, a), b.shape) : null];
  },
  div: (g, [a, b], y, __, n) => [
    n[0] ? sumToShape(div(g, b), a.shape) : null,
    n[1] ? sumToShape(neg(div(mul(g, y), b)), b.shape) : null,
  ],
  pow: (g, [a, b], y, __, n) => [
    n[0] ? sumToShape(mul(g, powBaseFactor(a, b)), a.shape) : null,
    n[1] ? sumToShape(mul(g, powExponentFactor(a, y)), b.shape) : null,
  ],
  max: (g, [a, b], _, __, n) => {
    const w = maxWeight(a, b);
    return [n[0] ? sumToShape(mul(g, w), a.shape) : null, n[1] ? sumToShape(mul(g, sub(1, w)), b.shape) : null];
  },
  compare: () => [null, null],
  select: (g, [c, a, b], _, __, n) => [
    null,
    n[1] ? sumToShape(where(c, g, 0), a.shape) : null,
    n[2] ? sumToShape(where(c, 0, g), b.shape) : null,
  ],
  cast: (g, [x]) => [cast(g, x.dtype)],
  stopGradient: () => [null],
  sum: (g, [x], _, p) => [broadcastTo(p.keepdims ? g : reshape(g, keptShape(x.shape, p.axes)), x.shape)],
  reduceMax: (g, [x], y, p) => [
    mul(
      broadcastTo(p.keepdims ? g : reshape(g, keptShape(x.shape, p.axes)), x.shape),
      argmaxWeight(x, y, p.axes, p.keepdims),
    ),
  ],
  reshape: (g, [x]) => [reshape(g, x.shape)],
  broadcastTo: (g, [x]) => [sumToShape(g, x.shape)],
  transpose: (g, _, __, p) => [transpose(g, inverse(p.perm))],
  slice: (g, [x], _, p) => [
    pad(
      g,
      p.starts,
      x.shape.map((d, i) => d - p.ends[i]),
    ),
  ],
  pad: (g, [x], _, p) => [
    slice(
      g,
      p.before,
      p.before.map((b, i) => b + x.shape[i]),
    ),
  ],
  concat: (g, xs, _, p, n) => {
    let start = 0;
    return xs.map((x, i) => {
      const begin = x.shape.map((_d, ax) => (ax === p.axis ? start : 0));
      const end = x.shape.map((d, ax) => (ax === p.axis ? start + d : d));
      start += x.shape[p.axis];
      return n[i] ? slice(g, begin, end) : null;
    });
  },
  matmul: (g, [a, b], _, p, n) => {
    const { transA, transB } = p;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (n[0]) {
      da = transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB });
      da = sumToShape(da, a.shape);
    }
    if (n[1]) {
      db = transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA });
      db = sumToShape(db, b.shape);
    }
    return [da, db];
  },
  softmax: (g, _, y, p) => [softmaxProduct(y, g, p.axis)],
  crossEntropy: (g, [z, y], _, p, n) => {
    const gk = reshape(g, keptShape(z.shape, [p.axis]));
    return [
      n[0] ? mul(gk, crossEntropyGradient(z, y, p.axis)) : null,
      n[1] ? neg(mul(gk, logSoftmax(z, p.axis))) : null,
    ];
  },
};
