// Reverse mode: the trace that records a tape of operations and walks it backwards, and its rule table (one
// exhaustive entry per primitive, written with public ops, so that cotangents can themselves be traced).
import {
  add,
  broadcastTo,
  cast,
  div,
  matmul,
  mul,
  neg,
  pad,
  reshape,
  slice,
  sub,
  sumToShape,
  transpose,
  where,
} from './ops.js';
import { logSoftmax } from './composite.js';
import {
  argmaxWeight,
  crossEntropyGradient,
  keptShape,
  maxWeight,
  powBaseFactor,
  powExponentFactor,
  softmaxProduct,
  UNARY_DERIVATIVES,
} from './derivatives.js';
import type { Primitive, PrimitiveParams, UnaryPrimitive } from './primitives.js';
import { retain, type Scope } from './storage.js';
import { Tensor, type TapeNode, type Trace } from './tensor.js';
import { bind } from './trace.js';

type Tangent = Tensor | null;

/** Reverse mode: input cotangents from the output cotangent g; `needs[i]` says which to compute. */
export type VjpRule<P extends Primitive> = (
  g: Tensor,
  primals: readonly Tensor[],
  out: Tensor,
  params: PrimitiveParams[P],
  needs: readonly boolean[],
) => Tangent[];

const vjpUnary =
  <P extends UnaryPrimitive>(p: P): VjpRule<P> =>
  (g, [x], y) => [UNARY_DERIVATIVES[p](g, x, y)];

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

/** Reverse mode: every tracer has a tape node; `backward` walks the tape in reverse. */
export class GradTrace implements Trace {
  active = true;
  readonly tape: TapeNode[] = [];
  constructor(
    readonly level: number,
    readonly scope: Scope | null,
  ) {}

  process<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const parents = new Array<TapeNode | null>(inputs.length);
    let traced = false;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if (t.trace === this) {
        primals[i] = t.primal as Tensor;
        parents[i] = t.node;
        traced = true;
      } else {
        primals[i] = t;
        parents[i] = null;
      }
      // The tape keeps this input until the backward pass: it must not be released sooner.
      const st = primals[i].block;
      if (st !== null && st.owner !== null) retain(st, this.scope);
    }
    const out = bind(p, primals, params);
    if (!traced || p === 'stopGradient' || p === 'compare') return out;
    const needs = new Array<boolean>(parents.length);
    for (let i = 0; i < parents.length; i++) needs[i] = parents[i] !== null;
    const node: TapeNode = { index: this.tape.length, primitive: p, inputs: primals, parents, needs, params, out };
    this.tape.push(node);
    return new Tensor(out.dtype, out.shape, null, null, this, out, null, node);
  }

  /** A new input of this trace: a tracer with a leaf node. */
  input(primal: Tensor): Tensor {
    const node: TapeNode = {
      index: this.tape.length,
      primitive: null,
      inputs: [],
      parents: [],
      needs: [],
      params: null,
      out: primal,
    };
    this.tape.push(node);
    return new Tensor(primal.dtype, primal.shape, null, null, this, primal, null, node);
  }

  /**
   * Cotangents of the leaves given cotangents of some outputs (tracers of this trace). Runs after
   * the trace is popped, so the rules' ops are traced by the transformations below this one.
   */
  backward(outputs: readonly Tensor[], cotangents: readonly Tensor[], leaves: readonly Tensor[]): (Tensor | null)[] {
    const cts = new Array<Tensor | null>(this.tape.length).fill(null);
    for (let k = 0; k < outputs.length; k++) {
      const output = outputs[k];
      if (output.trace !== this) continue;
      const index = (output.node as TapeNode).index;
      const prev = cts[index];
      cts[index] = prev === null ? cotangents[k] : add(prev, cotangents[k]);
    }
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const node = this.tape[i];
      const ct = cts[i];
      if (ct === null || node.primitive === null) continue;
      const inputCts = vjpRules[node.primitive](ct, node.inputs, node.out, node.params as never, node.needs);
      for (let j = 0; j < node.parents.length; j++) {
        const parent = node.parents[j];
        const c = inputCts[j];
        if (parent === null || c === null || c === undefined) continue;
        const prev = cts[parent.index];
        cts[parent.index] = prev === null ? c : add(prev, c);
      }
      cts[i] = null; // free memory as we go
    }
    return leaves.map((leaf) => (leaf.trace === this ? cts[(leaf.node as TapeNode).index] : null));
  }
}
