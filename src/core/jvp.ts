// Forward mode: the trace whose tracers carry a tangent beside their primal, and its rule table (one
// exhaustive entry per primitive, written with public ops, so that a tangent can itself be traced).
import {
  add,
  broadcastTo,
  cast,
  concat,
  div,
  matmul,
  mul,
  neg,
  pad,
  reshape,
  slice,
  sub,
  sum,
  transpose,
  where,
} from './ops.js';
import { logSoftmax } from './composite.js';
import {
  argmaxWeight,
  crossEntropyGradient,
  maxWeight,
  powBaseFactor,
  powExponentFactor,
  softmaxProduct,
  UNARY_DERIVATIVES,
} from './derivatives.js';
import type { Primitive, PrimitiveParams, UnaryPrimitive } from './primitives.js';
import { retain, type Scope } from './storage.js';
import { deferredMatmul } from './evaluate.js';
import { Tensor, zeros, type Trace } from './tensor.js';
import { bind } from './trace.js';

type Tangent = Tensor | null;

/** Forward mode: the output tangent from input tangents (null = zero). */
export type JvpRule<P extends Primitive> = (
  primals: readonly Tensor[],
  tangents: readonly Tangent[],
  out: Tensor,
  params: PrimitiveParams[P],
) => Tangent;

function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

/** A tangent at the output's shape (a broadcast input's tangent broadcasts too). */
function atShape(t: Tangent, shape: readonly number[]): Tangent {
  return t === null ? null : broadcastTo(t, shape);
}

function matmulTangent(a: Tensor, b: Tensor, ta: Tangent, tb: Tangent, p: PrimitiveParams['matmul']): Tangent {
  const left = ta === null ? null : matmul(ta, b, p);
  const right = tb === null ? null : matmul(a, tb, p);
  return addTangents(left, right);
}

const jvpUnary =
  <P extends UnaryPrimitive>(p: P): JvpRule<P> =>
  ([x], [t], y) =>
    t === null ? null : UNARY_DERIVATIVES[p](t, x, y);

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

/** Forward mode: every tracer carries a tangent; null means a zero tangent. */
const concrete = (ts: readonly Tensor[]): boolean => ts.every((t) => t.trace === null);

export class JvpTrace implements Trace {
  active = true;
  constructor(
    readonly level: number,
    readonly scope: Scope | null,
  ) {}

  process<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const tangents = new Array<Tensor | null>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if (t.trace === this) {
        primals[i] = t.primal as Tensor;
        tangents[i] = t.tangent;
      } else {
        primals[i] = t;
        tangents[i] = null;
      }
    }
    const out =
      p === 'matmul' && concrete(primals)
        ? this.defer(primals, params as PrimitiveParams['matmul'])
        : bind(p, primals, params);
    const tangent = jvpRules[p](primals, tangents, out, params);
    return tangent === null ? out : this.tracer(out, tangent);
  }

  /**
   * A primal product computed only when something reads it (evaluate.ts's deferredMatmul): its operands stay
   * alive with this trace, as a tape's do, since the read may come after the scope that made them ends.
   */
  private defer(primals: readonly Tensor[], params: PrimitiveParams['matmul']): Tensor {
    for (const t of primals) if (t.block !== null && t.block.owner !== null) retain(t.block, this.scope);
    return deferredMatmul(primals[0], primals[1], params);
  }

  tracer(primal: Tensor, tangent: Tensor | null): Tensor {
    return new Tensor(primal.dtype, primal.shape, null, null, this, primal, tangent, null);
  }
}
