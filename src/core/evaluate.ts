// Concrete evaluation of primitives: one exhaustive implementation table (a primitive without an
// implementation does not compile), each computing the output's shape, allocating its storage (resident in
// WASM memory when a scope owns it: storage.ts) and calling the kernels. Inputs here are concrete and
// already validated by the public ops in ops.ts.
import type { DType } from './dtype.js';
import * as K from './kernels/index.js';
import type { BinaryPrimitive, Primitive, PrimitiveParams, UnaryPrimitive } from './primitives.js';
import { broadcastShapes, broadcastStrides, shapeSize, stridesOf } from './shape.js';
import { Tensor } from './tensor.js';

type Implementation<P extends Primitive> = (inputs: readonly Tensor[], params: PrimitiveParams[P]) => Tensor;

/** A new tensor; `zero` when the kernel does not write every element. */
function output(dtype: DType, shape: readonly number[], zero = false): Tensor {
  return Tensor.allocate(dtype, shape, zero);
}

/** A tensor as the kernels see it (its numbers: storage.ts's Numbers). */
const st = (t: Tensor): Tensor => t;

function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]);
    else if (keepdims) out.push(1);
  }
  return out;
}

/** Shape of a (possibly batched, possibly transposed) matrix product. */
export function matmulShape(a: readonly number[], b: readonly number[], transA: boolean, transB: boolean): number[] {
  const m = transA ? a[a.length - 1] : a[a.length - 2];
  const n = transB ? b[b.length - 2] : b[b.length - 1];
  const batch = broadcastShapes('matmul', a.slice(0, -2), b.slice(0, -2));
  return [...batch, m, n];
}

function matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return matmulInto(a, b, transA, transB, output(a.dtype, matmulShape(a.shape, b.shape, transA, transB)));
}

function matmulInto(a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor): Tensor {
  const outShape = out.shape;
  const r = a.shape.length;
  const m = outShape[outShape.length - 2];
  const n = outShape[outShape.length - 1];
  const k = transA ? a.shape[r - 2] : a.shape[r - 1];
  const batchShape = outShape.slice(0, -2);
  const batches = shapeSize(batchShape);
  if (batches === 1) {
    K.gemmStorage(st(a), 0, st(b), 0, st(out), 0, m, k, n, transA, transB);
    return out;
  }
  const aMat = a.shape[r - 2] * a.shape[r - 1];
  const bMat = b.shape[b.shape.length - 2] * b.shape[b.shape.length - 1];
  const aStrides = broadcastStrides(a.shape.slice(0, -2), batchShape);
  const bStrides = broadcastStrides(b.shape.slice(0, -2), batchShape);
  const bs = stridesOf(batchShape);
  for (let index = 0; index < batches; index++) {
    // Recover the batch multi-index to find each operand's matrix.
    let rem = index;
    let aOff = 0;
    let bOff = 0;
    for (let ax = 0; ax < batchShape.length; ax++) {
      const i = Math.floor(rem / bs[ax]);
      rem -= i * bs[ax];
      aOff += i * aStrides[ax];
      bOff += i * bStrides[ax];
    }
    K.gemmStorage(st(a), aOff * aMat, st(b), bOff * bMat, st(out), index * m * n, m, k, n, transA, transB);
  }
  return out;
}

const unary =
  <P extends UnaryPrimitive>(p: P): Implementation<P> =>
  ([x]) => {
    const out = output(x.dtype, x.shape);
    K.unary(p, st(x), st(out));
    return out;
  };

const binary =
  <P extends BinaryPrimitive>(p: P): Implementation<P> =>
  ([x, y]) => {
    const shape = broadcastShapes(p, x.shape, y.shape);
    const out = output(x.dtype, shape);
    K.binary(p, x, y, out);
    return out;
  };

const reduction =
  (kernel: typeof K.sum): Implementation<'sum' | 'reduceMax'> =>
  ([x], { axes, keepdims }) => {
    const out = output(x.dtype, reducedShape(x.shape, axes, keepdims));
    kernel(st(x), x.shape, axes, st(out));
    return out;
  };

const IMPLEMENTATIONS: { [P in Primitive]: Implementation<P> } = {
  neg: unary('neg'),
  exp: unary('exp'),
  log: unary('log'),
  log1p: unary('log1p'),
  sin: unary('sin'),
  cos: unary('cos'),
  sqrt: unary('sqrt'),
  tanh: unary('tanh'),
  sigmoid: unary('sigmoid'),
  softplus: unary('softplus'),
  relu: unary('relu'),
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  pow: binary('pow'),
  max: binary('max'),
  compare: ([x, y], { op }) => {
    const shape = broadcastShapes('compare', x.shape, y.shape);
    const out = output(x.dtype, shape);
    K.compare(op, x, y, out);
    return out;
  },
  select: ([c, a, b]) => {
    const shape = broadcastShapes('where', c.shape, a.shape, b.shape);
    const out = output(a.dtype, shape);
    K.select(c, a, b, out);
    return out;
  },
  cast: ([x], { dtype }) => {
    const out = output(dtype, x.shape);
    K.cast(st(x), st(out));
    return out;
  },
  stopGradient: ([x]) => x,
  sum: reduction(K.sum),
  reduceMax: reduction(K.reduceMax),
  reshape: ([x], { shape }) => Tensor.view(x, shape),
  broadcastTo: ([x], { shape }) => {
    const out = output(x.dtype, shape);
    K.broadcastTo(st(x), x.shape, shape, st(out));
    return out;
  },
  transpose: ([x], { perm }) => {
    const out = output(
      x.dtype,
      perm.map((q) => x.shape[q]),
    );
    K.transpose(st(x), x.shape, perm, st(out));
    return out;
  },
  slice: ([x], { starts, ends }) => {
    const out = output(
      x.dtype,
      starts.map((s, i) => ends[i] - s),
    );
    K.slice(st(x), x.shape, starts, ends, st(out));
    return out;
  },
  pad: ([x], { before, after }) => {
    const shape = x.shape.map((d, i) => before[i] + d + after[i]);
    const out = output(x.dtype, shape, true);
    K.place(st(x), x.shape, shape, before, st(out));
    return out;
  },
  concat: (inputs, { axis }) => {
    const x = inputs[0];
    const shape = [...x.shape];
    shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
    const out = output(x.dtype, shape);
    const starts = shape.map(() => 0);
    for (const t of inputs) {
      K.place(st(t), t.shape, shape, starts, st(out));
      starts[axis] += t.shape[axis];
    }
    return out;
  },
  matmul: ([a, b], { transA, transB }) => matmul(a, b, transA, transB),
  softmax: ([x], { axis }) => {
    const out = output(x.dtype, x.shape);
    K.softmax(st(x), x.shape, axis, st(out));
    return out;
  },
  crossEntropy: ([z, y], { axis }) => {
    const out = output(
      z.dtype,
      z.shape.filter((_, i) => i !== axis),
    );
    K.crossEntropy(st(z), st(y), z.shape, axis, st(out));
    return out;
  },
};

/**
 * Work done by concrete evaluation: elements written by each kernel call, plus m·n·k for each
 * matrix product. A deterministic cost model, for tests such as "an HVP costs at most ~3 gradients".
 */
let work = 0;

export function measureWork<T>(fn: () => T): { result: T; work: number } {
  const before = work;
  const result = fn();
  return { result, work: work - before };
}

const matmulWork = (a: Tensor, out: Tensor, transA: boolean): number =>
  out.size * (transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]);

export function evaluate<P extends Primitive>(p: P, inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor {
  for (let i = 0; i < inputs.length; i++) if (inputs[i].pending !== null) (inputs[i].pending as () => void)();
  const out = IMPLEMENTATIONS[p](inputs, params);
  work += p === 'matmul' ? matmulWork(inputs[0], out, (params as PrimitiveParams['matmul']).transA) : out.size;
  return out;
}

/**
 * A matrix product of concrete tensors whose numbers are computed when first read (Tensor.pending): its
 * storage is allocated now, in the current scope. A forward-mode trace defers its primal products this way,
 * so that jvp(grad f) for an HVP never multiplies out the gradient's own last products, which it discards.
 */
export function deferredMatmul(a: Tensor, b: Tensor, { transA, transB }: PrimitiveParams['matmul']): Tensor {
  const out = output(a.dtype, matmulShape(a.shape, b.shape, transA, transB));
  out.pending = () => {
    out.pending = null;
    if (a.pending !== null) a.pending();
    if (b.pending !== null) b.pending();
    matmulInto(a, b, transA, transB, out);
    work += matmulWork(a, out, transA);
  };
  return out;
}
