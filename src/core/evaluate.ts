// Concrete evaluation of primitives: output shapes and the kernel calls.
// Inputs here are already validated by the public ops in ops.ts.
import { allocate } from './dtype.js';
import * as K from './kernels/index.js';
import type { Primitive, PrimitiveParams, UnaryPrimitive, BinaryPrimitive } from './primitives.js';
import { broadcastShapes, broadcastStrides, shapeSize, stridesOf } from './shape.js';
import { Tensor } from './tensor.js';

function make(t: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(t.dtype, shape, allocate(t.dtype, shapeSize(shape)));
}

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
  const outShape = matmulShape(a.shape, b.shape, transA, transB);
  const out = make(a, outShape);
  const r = a.shape.length;
  const m = outShape[outShape.length - 2];
  const n = outShape[outShape.length - 1];
  const k = transA ? a.shape[r - 2] : a.shape[r - 1];
  const batchShape = outShape.slice(0, -2);
  const batches = shapeSize(batchShape);
  const aData = a.buffer!;
  const bData = b.buffer!;
  const cData = out.buffer!;
  if (batches === 1) {
    K.gemm({ a: aData, aOffset: 0, b: bData, bOffset: 0, c: cData, cOffset: 0, m, k, n, transA, transB });
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
    K.gemm({
      a: aData,
      aOffset: aOff * aMat,
      b: bData,
      bOffset: bOff * bMat,
      c: cData,
      cOffset: index * m * n,
      m,
      k,
      n,
      transA,
      transB,
    });
  }
  return out;
}

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

export function evaluate<P extends Primitive>(p: P, inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor {
  const out = evaluateKernel(p, inputs, params);
  if (p === 'matmul') {
    const a = inputs[0];
    const inner = (params as PrimitiveParams['matmul']).transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
    work += out.size * inner;
  } else {
    work += out.size;
  }
  return out;
}

function evaluateKernel<P extends Primitive>(p: P, inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor {
  const x = inputs[0];
  switch (p) {
    case 'neg':
    case 'exp':
    case 'log':
    case 'log1p':
    case 'sin':
    case 'cos':
    case 'sqrt':
    case 'tanh':
    case 'sigmoid':
    case 'softplus': {
      const out = make(x, x.shape);
      K.unary(p as UnaryPrimitive, x.buffer!, out.buffer!);
      return out;
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'max': {
      const y = inputs[1];
      const shape = broadcastShapes(p, x.shape, y.shape);
      const out = make(x, shape);
      K.binary(p as BinaryPrimitive, x.buffer!, x.shape, y.buffer!, y.shape, shape, out.buffer!);
      return out;
    }
    case 'compare': {
      const y = inputs[1];
      const shape = broadcastShapes('compare', x.shape, y.shape);
      const out = make(x, shape);
      K.compare((params as PrimitiveParams['compare']).op, x.buffer!, x.shape, y.buffer!, y.shape, shape, out.buffer!);
      return out;
    }
    case 'select': {
      const [c, a, b] = inputs;
      const shape = broadcastShapes('where', c.shape, a.shape, b.shape);
      const out = make(a, shape);
      K.select(c.buffer!, c.shape, a.buffer!, a.shape, b.buffer!, b.shape, shape, out.buffer!);
      return out;
    }
    case 'cast': {
      const dtype = (params as PrimitiveParams['cast']).dtype;
      const data = allocate(dtype, x.size);
      K.cast(x.buffer!, data);
      return new Tensor(dtype, x.shape, data);
    }
    case 'stopGradient':
      return x.trace === null ? x : new Tensor(x.dtype, x.shape, x.data);
    case 'sum':
    case 'reduceMax': {
      const { axes, keepdims } = params as PrimitiveParams['sum'];
      const out = make(x, reducedShape(x.shape, axes, keepdims));
      (p === 'sum' ? K.sum : K.reduceMax)(x.buffer!, x.shape, axes, out.buffer!);
      return out;
    }
    case 'reshape':
      return new Tensor(x.dtype, (params as PrimitiveParams['reshape']).shape, x.buffer!);
    case 'broadcastTo': {
      const shape = (params as PrimitiveParams['broadcastTo']).shape;
      const out = make(x, shape);
      K.broadcastTo(x.buffer!, x.shape, shape, out.buffer!);
      return out;
    }
    case 'transpose': {
      const perm = (params as PrimitiveParams['transpose']).perm;
      const out = make(
        x,
        perm.map((q) => x.shape[q]),
      );
      K.transpose(x.buffer!, x.shape, perm, out.buffer!);
      return out;
    }
    case 'slice': {
      const { starts, ends } = params as PrimitiveParams['slice'];
      const out = make(
        x,
        starts.map((s, i) => ends[i] - s),
      );
      K.slice(x.buffer!, x.shape, starts, ends, out.buffer!);
      return out;
    }
    case 'pad': {
      const { before, after } = params as PrimitiveParams['pad'];
      const shape = x.shape.map((d, i) => before[i] + d + after[i]);
      const out = make(x, shape);
      K.place(x.buffer!, x.shape, shape, before, out.buffer!);
      return out;
    }
    case 'concat': {
      const axis = (params as PrimitiveParams['concat']).axis;
      const shape = [...x.shape];
      shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
      const out = make(x, shape);
      const starts = shape.map(() => 0);
      for (const t of inputs) {
        K.place(t.buffer!, t.shape, shape, starts, out.buffer!);
        starts[axis] += t.shape[axis];
      }
      return out;
    }
    case 'matmul': {
      const { transA, transB } = params as PrimitiveParams['matmul'];
      return matmul(x, inputs[1], transA, transB);
    }
  }
  throw new Error(`evaluate: no kernel for primitive '${String(p)}'`);
}
