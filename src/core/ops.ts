// Public ops over primitives: argument checking (errors name the op and the shapes), then bind.
// Every function here works on concrete tensors and on tracers alike.
import { isDType, type DType } from './dtype.js';
import { SaddleError, ShapeError, formatShape } from './errors.js';
import type { CompareOp, UnaryPrimitive } from './primitives.js';
import { broadcastShapes, checkShape, normalizeAxes, shapeSize, shapesEqual } from './shape.js';
import { Tensor, scalar } from './tensor.js';
import { bind } from './trace.js';

export type Operand = Tensor | number;

/**
 * The constants that numbers in ops become (2 in x·2, 1 in 1 − x), made once per value and dtype: rules and
 * composed ops use the same few every call. Nothing writes to them (they are never a result of an op).
 */
const CONSTANTS: Record<DType, Map<number, Tensor>> = { float64: new Map(), float32: new Map() };

function asTensor(op: string, x: Operand, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new SaddleError(`${op}: expected a Tensor or a number, got ${typeof x}`);
  if (x === 0 && 1 / x < 0) return scalar(x, dtype); // −0 would find +0's entry
  const cache = CONSTANTS[dtype];
  let t = cache.get(x);
  if (t === undefined) {
    if (cache.size >= 1024) cache.clear();
    t = scalar(x, dtype);
    cache.set(x, t);
  }
  return t;
}

function checkTensor(op: string, x: unknown, what = 'argument'): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new SaddleError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

function sameDType(op: string, tensors: readonly Tensor[]): void {
  for (let i = 1; i < tensors.length; i++) {
    if (tensors[i].dtype !== tensors[0].dtype) {
      throw new ShapeError(
        `${op}: dtypes differ (${tensors.map((t) => `${t.dtype} ${formatShape(t.shape)}`).join(' and ')}); ` +
          `saddle never converts silently: use cast(x, '${tensors[0].dtype}')`,
      );
    }
  }
}

/** Two operands as tensors of one dtype; a plain number takes the other operand's dtype. */
function operands(op: string, a: Operand, b: Operand, fallback: DType = 'float64'): [Tensor, Tensor] {
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : fallback;
  const x = asTensor(op, a, dtype);
  const y = asTensor(op, b, dtype);
  sameDType(op, [x, y]);
  if (x.shape.length > 0 || y.shape.length > 0) broadcastShapes(op, x.shape, y.shape);
  return [x, y];
}

// Elementwise unary primitives.
function unary(p: UnaryPrimitive) {
  return (x: Tensor): Tensor => {
    checkTensor(p, x);
    return bind(p, [x], null);
  };
}
export const neg = unary('neg');
export const exp = unary('exp');
export const log = unary('log');
export const log1p = unary('log1p');
export const sin = unary('sin');
export const cos = unary('cos');
export const sqrt = unary('sqrt');
export const tanh = unary('tanh');
export const sigmoid = unary('sigmoid');
export const softplus = unary('softplus');
/** max(x, 0), with derivative 0 at 0 (as PyTorch) and NaN passed on. */
export const relu = unary('relu');

// Elementwise binary primitives (NumPy broadcasting).
function binary(p: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max', name: string) {
  return (a: Operand, b: Operand): Tensor => bind(p, operands(name, a, b), null);
}
export const add = binary('add', 'add');
export const sub = binary('sub', 'sub');
export const mul = binary('mul', 'mul');
export const div = binary('div', 'div');
export const pow = binary('pow', 'pow');
/** Elementwise maximum; at ties each side gets half the derivative (as JAX and PyTorch). */
export const maximum = binary('max', 'maximum');

function comparison(op: CompareOp, name: string) {
  return (a: Operand, b: Operand): Tensor => bind('compare', operands(name, a, b), { op });
}
/** Comparisons give 1 where true and 0 where false, in the operands' dtype; no derivative. */
export const less = comparison('lt', 'less');
export const lessEqual = comparison('le', 'lessEqual');
export const greater = comparison('gt', 'greater');
export const greaterEqual = comparison('ge', 'greaterEqual');
export const equal = comparison('eq', 'equal');
export const notEqual = comparison('ne', 'notEqual');

/**
 * Elementwise choice: a where cond is non-zero, else b (all three broadcast together; numbers take cond's dtype when
 * both are numbers).
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  checkTensor('where', cond, 'condition');
  const [x, y] = operands('where', a, b, cond.dtype);
  broadcastShapes('where', cond.shape, x.shape, y.shape);
  const c = cond.dtype === x.dtype ? cond : cast(cond, x.dtype);
  return bind('select', [c, x, y], null);
}

/** Explicit dtype conversion (the only way dtypes change). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  if (!isDType(dtype)) throw new SaddleError(`cast: unknown dtype '${String(dtype)}'; use 'float64' or 'float32'`);
  if (x.dtype === dtype) return x;
  return bind('cast', [x], { dtype });
}

/** The same value with no derivative flowing through it. */
export function stopGradient(x: Tensor): Tensor {
  checkTensor('stopGradient', x);
  return bind('stopGradient', [x], null);
}

export interface ReduceOptions {
  keepdims?: boolean;
}

export function sum(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  checkTensor('sum', x);
  return bind('sum', [x], { axes: normalizeAxes('sum', axes, x.rank), keepdims: options.keepdims ?? false });
}

/** Maximum over axes; ties share the derivative equally. */
export function max(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  checkTensor('max', x);
  const ax = normalizeAxes('max', axes, x.rank);
  for (const a of ax) {
    if (x.shape[a] === 0)
      throw new ShapeError(`max: cannot reduce over axis ${a} of length 0 in shape ${formatShape(x.shape)}`);
  }
  return bind('reduceMax', [x], { axes: ax, keepdims: options.keepdims ?? false });
}

export function mean(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  checkTensor('mean', x);
  const ax = normalizeAxes('mean', axes, x.rank);
  let count = 1;
  for (const a of ax) count *= x.shape[a];
  return div(sum(x, ax, options), count);
}

/** Reshape; one length may be -1 and is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const known = shapeSize(target.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
      );
    }
    target[unknown] = x.size / known;
  }
  checkShape('reshape', target);
  if (shapeSize(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} ` +
        `(${shapeSize(target)} elements)`,
    );
  }
  if (shapesEqual(target, x.shape)) return x;
  return bind('reshape', [x], { shape: target });
}

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(out, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return x;
  return bind('broadcastTo', [x], { shape: [...shape] });
}

/** Sums a broadcast result back to `shape`: the adjoint of broadcastTo. */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(x, axes, { keepdims: true }), shape);
}

/** Permutes axes (default: reverses them). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', x);
  const p = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : perm.map((a) => (a < 0 ? a + x.rank : a));
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((a, i) => a !== i)) {
    throw new ShapeError(
      `transpose: [${perm?.join(', ')}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`,
    );
  }
  if (p.every((a, i) => a === i)) return x;
  return bind('transpose', [x], { perm: p });
}

/** The block [begin, end) on every axis (negative indices count from the end; end defaults to the length). */
export function slice(x: Tensor, begin: readonly number[], end?: readonly (number | undefined)[]): Tensor {
  checkTensor('slice', x);
  if (begin.length > x.rank || (end !== undefined && end.length > x.rank)) {
    throw new ShapeError(`slice: ${begin.length} begin indices for a tensor of rank ${x.rank} ${formatShape(x.shape)}`);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const n = x.shape[i];
    const resolve = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? v + n : v);
    const s = resolve(begin[i], 0);
    const e = resolve(end?.[i], n);
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
      throw new ShapeError(
        `slice: range [${begin[i]}, ${end?.[i] ?? n}) is out of bounds for axis ${i} of length ${n} ` +
          `in ${formatShape(x.shape)}`,
      );
    }
    starts.push(s);
    ends.push(e);
  }
  if (starts.every((s) => s === 0) && ends.every((e, i) => e === x.shape[i])) return x;
  return bind('slice', [x], { starts, ends });
}

/** Zero padding: `before[i]` zeros before and `after[i]` after axis i. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  checkTensor('pad', x);
  if (
    before.length !== x.rank ||
    after.length !== x.rank ||
    [...before, ...after].some((v) => !Number.isInteger(v) || v < 0)
  ) {
    throw new ShapeError(`pad: need ${x.rank} non-negative integers before and after for ${formatShape(x.shape)}`);
  }
  return bind('pad', [x], { before: [...before], after: [...after] });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  xs.forEach((x, i) => checkTensor('concat', x, `tensor ${i}`));
  sameDType('concat', xs);
  const rank = xs[0].rank;
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new ShapeError(`concat: axis ${axis} is out of range for rank ${rank}`);
  for (const x of xs) {
    if (x.rank !== rank || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((t) => formatShape(t.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  if (xs.length === 1) return xs[0];
  return bind('concat', [...xs], { axis: a });
}

export function expandDims(x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank + 1 : axis;
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const ax =
    axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axes, x.rank);
  for (const a of ax)
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has length ${x.shape[a]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => !ax.includes(i)),
  );
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack: needs at least one tensor');
  for (const x of xs) {
    if (!shapesEqual(x.shape, xs[0].shape))
      throw new ShapeError(`stack: shapes ${xs.map((t) => formatShape(t.shape)).join(', ')} differ`);
  }
  return concat(
    xs.map((x) => expandDims(x, axis)),
    axis,
  );
}

export interface MatmulOptions {
  /** Use the transpose of the last two axes of a. */
  transA?: boolean;
  /** Use the transpose of the last two axes of b. */
  transB?: boolean;
}

/**
 * Matrix product over the last two axes, batched over the leading axes (which broadcast).
 * A 1-D operand is a vector, as in numpy.matmul.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', a, 'a');
  checkTensor('matmul', b, 'b');
  sameDType('matmul', [a, b]);
  if (a.rank === 0 || b.rank === 0)
    throw new ShapeError(
      `matmul: operands must have rank >= 1, got ${formatShape(a.shape)} and ${formatShape(b.shape)}; use mul ` +
        `for scalars`,
    );
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const x = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const y = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const ka = transA && a.rank > 1 ? x.shape[x.rank - 2] : x.shape[x.rank - 1];
  const kb = transB && b.rank > 1 ? y.shape[y.rank - 1] : y.shape[y.rank - 2];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} ` +
        `@ ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${ka} vs ${kb})`,
    );
  }
  broadcastShapes('matmul', x.shape.slice(0, -2), y.shape.slice(0, -2));
  let out = bind('matmul', [x, y], { transA: transA && a.rank > 1, transB: transB && b.rank > 1 });
  if (a.rank === 1) out = squeeze(out, out.rank - 2);
  if (b.rank === 1) out = squeeze(out, out.rank - 1);
  return out;
}

/** exp(x − max)/Σ exp(x − max) along an axis (default the last), stable; a primitive (see primitives.ts). */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', x);
  const a = normalizeAxes('softmax', axis, x.rank)[0];
  if (a === undefined) throw new ShapeError(`softmax: needs an axis; got a scalar ${formatShape(x.shape)}`);
  return bind('softmax', [x], { axis: a });
}

/**
 * Per-example softmax cross-entropy −Σ_c y_c log softmax(z)_c along an axis, from logits z and targets y of
 * the same shape (one-hot rows or probabilities): the result has z's shape without that axis.
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor, axis = -1): Tensor {
  checkTensor('crossEntropy', logits, 'logits');
  checkTensor('crossEntropy', targets, 'targets');
  if (!shapesEqual(logits.shape, targets.shape)) {
    throw new ShapeError(
      `crossEntropy: logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)} differ; ` +
        'targets must be one-hot rows of the same shape (use oneHot(labels, classes))',
    );
  }
  sameDType('crossEntropy', [logits, targets]);
  const a = normalizeAxes('crossEntropy', axis, logits.rank)[0];
  if (a === undefined) throw new ShapeError('crossEntropy: logits must have at least one axis');
  return bind('crossEntropy', [logits, targets], { axis: a });
}
