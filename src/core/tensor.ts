import { allocate, isDType, type Data, type DType } from './dtype.js';
import { SaddleError, formatShape } from './errors.js';
import { checkShape, shapeSize, type Shape } from './shape.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { newBlock, registerTensorClass, type Numbers, type Scope, type Storage } from './storage.js';
import * as ops from './ops.js';

/**
 * A transformation in progress (jvp or grad). Tracers belong to one; values of lower
 * levels are constants to it. See trace.ts.
 */
export interface Trace {
  readonly level: number;
  /** The scope that owns what this transformation computes (storage.ts); null: ordinary memory. */
  readonly scope: Scope | null;
  active: boolean;
  process<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor;
}

/** A reverse-mode tape node: how a traced value was made. */
export interface TapeNode {
  readonly index: number;
  readonly primitive: Primitive | null;
  readonly inputs: readonly Tensor[];
  readonly parents: readonly (TapeNode | null)[];
  /** Which inputs are traced (need a cotangent). */
  readonly needs: readonly boolean[];
  readonly params: unknown;
  readonly out: Tensor;
}

type Nested = number | Nested[];

/**
 * An n-dimensional array of float64 or float32 numbers.
 *
 * A tensor is either concrete (it owns its numbers) or a tracer: the value of a tensor
 * inside a transformation such as `grad` or `jvp`, carrying what that transformation needs
 * (a tangent, or a tape node) beside its primal value. User code sees the same class either
 * way, so a function written once can be evaluated, differentiated, and differentiated again.
 */
export class Tensor implements Numbers {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly size: number;
  /** @internal Ordinary numbers (a typed array the garbage collector owns); null when resident or a tracer. */
  readonly array: Data | null;
  /** @internal Resident numbers (storage.ts), shared with views such as reshape; null otherwise. */
  readonly block: Storage | null;
  /** @internal The transformation that owns this tracer; null when concrete. */
  readonly trace: Trace | null;
  /** @internal The value one level down (a tracer's primal). */
  readonly primal: Tensor | null;
  /** @internal Forward-mode tangent (null means zero). */
  readonly tangent: Tensor | null;
  /** @internal Reverse-mode tape node. */
  readonly node: TapeNode | null;
  /**
   * @internal Computes this tensor's numbers when they are first read (a matrix product a forward-mode trace
   * deferred, which an HVP may never need: evaluate.ts, jvp.ts); null once computed, or for every other tensor.
   */
  pending: (() => void) | null = null;

  /** @internal Use `tensor(...)`, `zeros(...)`, etc. */
  constructor(
    dtype: DType,
    shape: readonly number[],
    array: Data | null,
    block: Storage | null = null,
    trace: Trace | null = null,
    primal: Tensor | null = null,
    tangent: Tensor | null = null,
    node: TapeNode | null = null,
  ) {
    this.dtype = dtype;
    this.shape = shape;
    this.size = array !== null ? array.length : block !== null ? block.length : shapeSize(shape);
    this.array = array;
    this.block = block;
    this.trace = trace;
    this.primal = primal;
    this.tangent = tangent;
    this.node = node;
  }

  /** @internal New numbers for a tensor: resident when a scope owns them (storage.ts), else an ordinary array. */
  static allocate(dtype: DType, shape: readonly number[], zero = true): Tensor {
    const n = shapeSize(shape);
    const block = newBlock(dtype, n, zero);
    return new Tensor(dtype, shape, block === null ? allocate(dtype, n) : null, block);
  }

  /** @internal The same numbers under another shape (reshape, stopGradient). */
  static view(t: Tensor, shape: readonly number[]): Tensor {
    return new Tensor(t.dtype, shape, t.array, t.block);
  }

  /** @internal Whether this is a concrete tensor (it holds numbers, not a trace). */
  get concreteValue(): boolean {
    return this.array !== null || this.block !== null;
  }

  /** @internal The numbers of a concrete tensor (null for a tracer). */
  get buffer(): Data | null {
    if (this.pending !== null) this.pending();
    return this.array ?? (this.block === null ? null : this.block.data);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The level of the transformation that traces this value (0 when concrete). */
  get level(): number {
    return this.trace === null ? 0 : this.trace.level;
  }

  /**
   * The numbers, row-major. Inside a transformation this is the primal value: reading it is
   * allowed (saddle traces eagerly), but derivatives do not flow through what you compute from it,
   * and it is a copy (the primal's memory belongs to the transformation and is released with it).
   */
  get data(): Data {
    if (this.pending !== null) this.pending();
    if (this.array !== null) return this.array;
    if (this.block !== null) return this.block.data;
    const c = this.concrete();
    return c.array ?? (c.block as Storage).data.slice();
  }

  /** @internal The concrete value at the bottom of a tracer's primals. */
  concrete(): Tensor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let t: Tensor = this;
    while (t.array === null && t.block === null) t = t.primal as Tensor;
    if (t.pending !== null) t.pending();
    return t;
  }

  /** The single number of a tensor of size 1. */
  item(): number {
    if (this.size !== 1) {
      throw new SaddleError(
        `item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1; index or reduce it first`,
      );
    }
    const c = this.concrete();
    return c.array !== null ? c.array[0] : (c.block as Storage).data[0];
  }

  /** Nested arrays of numbers (a number for a scalar). */
  toArray(): Nested {
    const data = this.data;
    const build = (axis: number, offset: number, stride: number): Nested => {
      if (axis === this.shape.length) return data[offset];
      const n = this.shape[axis];
      const inner = stride / (n || 1);
      const out: Nested[] = [];
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * inner, inner));
      return out;
    };
    return build(0, 0, this.size);
  }

  toString(): string {
    const kind = this.trace === null ? '' : ' traced';
    return `Tensor(${this.dtype}${kind}, ${formatShape(this.shape)}, ${JSON.stringify(this.toArray())})`;
  }

  add(other: Tensor | number): Tensor {
    return ops.add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return ops.sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return ops.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return ops.div(this, other);
  }
  pow(other: Tensor | number): Tensor {
    return ops.pow(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  square(): Tensor {
    return ops.mul(this, this);
  }
  sum(axes?: number | number[], options?: { keepdims?: boolean }): Tensor {
    return ops.sum(this, axes, options);
  }
  mean(axes?: number | number[], options?: { keepdims?: boolean }): Tensor {
    return ops.mean(this, axes, options);
  }
  max(axes?: number | number[], options?: { keepdims?: boolean }): Tensor {
    return ops.max(this, axes, options);
  }
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  get T(): Tensor {
    return ops.transpose(this);
  }
}

export interface TensorOptions {
  dtype?: DType;
  shape?: readonly number[];
}

function flatten(values: Nested, shape: number[], out: number[], depth: number): void {
  if (typeof values === 'number') {
    if (depth !== shape.length && shape.length > 0)
      throw new SaddleError('tensor: ragged nested array; every row must have the same length');
    out.push(values);
    return;
  }
  if (!Array.isArray(values))
    throw new SaddleError(`tensor: expected numbers or nested arrays of numbers, got ${typeof values}`);
  if (depth === shape.length) shape.push(values.length);
  else if (shape[depth] !== values.length)
    throw new SaddleError('tensor: ragged nested array; every row must have the same length');
  for (const v of values) flatten(v, shape, out, depth + 1);
}

function checkDType(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float64';
  if (!isDType(d)) throw new SaddleError(`${op}: unknown dtype '${String(d)}'; use 'float64' or 'float32'`);
  return d;
}

/** Makes a concrete tensor from a number, nested arrays, or a flat typed array with `shape`. */
export function tensor(values: Nested | ArrayLike<number>, options: TensorOptions = {}): Tensor {
  const dtype = checkDType('tensor', options.dtype);
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof values === 'number' || Array.isArray(values)) {
    const inferred: number[] = [];
    const out: number[] = [];
    flatten(values as Nested, inferred, out, 0);
    flat = out;
    shape = inferred;
  } else {
    flat = values;
    shape = [flat.length];
  }
  if (options.shape !== undefined) {
    checkShape('tensor', options.shape);
    if (shapeSize(options.shape) !== flat.length) {
      throw new SaddleError(`tensor: ${flat.length} values do not fill shape ${formatShape(options.shape)}`);
    }
    shape = [...options.shape];
  }
  const t = Tensor.allocate(dtype, shape, false);
  const data = t.data;
  for (let i = 0; i < flat.length; i++) data[i] = flat[i];
  return t;
}

/** Wraps existing storage without copying. */
export function fromData(data: Data, shape: Shape): Tensor {
  checkShape('fromData', shape);
  if (shapeSize(shape) !== data.length) {
    throw new SaddleError(`fromData: ${data.length} values do not fill shape ${formatShape(shape)}`);
  }
  return new Tensor(data instanceof Float64Array ? 'float64' : 'float32', [...shape], data);
}

export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(dtype, [], data);
}

export function full(shape: Shape, value: number, options: { dtype?: DType } = {}): Tensor {
  checkShape('full', shape);
  const dtype = checkDType('full', options.dtype);
  const t = Tensor.allocate(dtype, [...shape], value === 0);
  if (value !== 0) t.data.fill(value);
  return t;
}

/**
 * A tensor whose numbers the caller writes next (through `.data`): resident in WASM memory inside a scope,
 * else an ordinary zero-filled array.
 */
export function empty(shape: Shape, options: { dtype?: DType } = {}): Tensor {
  checkShape('empty', shape);
  return Tensor.allocate(checkDType('empty', options.dtype), [...shape], false);
}

export function zeros(shape: Shape, options: { dtype?: DType } = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: { dtype?: DType } = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, { dtype: t.dtype });
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, { dtype: t.dtype });
}

export function eye(n: number, options: { dtype?: DType } = {}): Tensor {
  const t = zeros([n, n], options);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return t;
}

/** start, start + step, ... below stop. */
export function arange(start: number, stop?: number, step = 1, options: { dtype?: DType } = {}): Tensor {
  const [a, b] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new SaddleError('arange: step must be a finite non-zero number');
  const n = Math.max(0, Math.ceil((b - a) / step));
  const data = allocate(checkDType('arange', options.dtype), n);
  for (let i = 0; i < n; i++) data[i] = a + i * step;
  return fromData(data, [n]);
}

/** n evenly spaced numbers from start to stop inclusive. */
export function linspace(start: number, stop: number, n: number, options: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new SaddleError(`linspace: count must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new SaddleError(`linspace: start and stop must be finite numbers, got ${start} and ${stop}`);
  }
  const data = allocate(checkDType('linspace', options.dtype), n);
  const span = stop - start;
  if (n === 1 || Number.isFinite(span * (n - 1))) {
    for (let i = 0; i < n; i++) data[i] = n === 1 ? start : start + (span * i) / (n - 1);
    return fromData(data, [n]);
  }
  // span·i overflows (a range near ±1.8e308): scale the fraction instead, and where the span itself
  // overflows work in halves, which cannot. Kept inside [start, stop] against the last rounding.
  const [lo, hi] = start <= stop ? [start, stop] : [stop, start];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    const v = Number.isFinite(span) ? start + span * t : 2 * (start / 2 + (stop / 2 - start / 2) * t);
    data[i] = Math.min(hi, Math.max(lo, v));
  }
  data[n - 1] = stop;
  return fromData(data, [n]);
}

/** One-hot rows: labels [n] (integers in [0, depth)) to [n, depth]. Not differentiable in the labels. */
export function oneHot(labels: Tensor | ArrayLike<number>, depth: number, options: { dtype?: DType } = {}): Tensor {
  const values = labels instanceof Tensor ? labels.data : labels;
  const shape = labels instanceof Tensor ? labels.shape : [values.length];
  const dtype = options.dtype ?? (labels instanceof Tensor ? labels.dtype : 'float64');
  const t = Tensor.allocate(dtype, [...shape, depth]);
  const out = t.data;
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0 || c >= depth) {
      throw new SaddleError(`oneHot: label ${c} at index ${i} is not an integer in [0, ${depth})`);
    }
    out[i * depth + c] = 1;
  }
  return t;
}

registerTensorClass((v) => v instanceof Tensor);
