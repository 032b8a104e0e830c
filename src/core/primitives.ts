import type { DType } from './dtype.js';

export type CompareOp = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';

/**
 * The primitives and their parameters. Every other op is composed from these.
 * A primitive beyond the minimal set is here because numerics demand it (the reason is
 * given beside it); each transformation has one exhaustive rule table keyed by this type.
 */
export interface PrimitiveParams {
  neg: null;
  exp: null;
  log: null;
  /** log(1 + x) without the cancellation of log(add(1, x)) for small x. */
  log1p: null;
  sin: null;
  cos: null;
  /** Correctly rounded (IEEE) unlike pow(x, 0.5). */
  sqrt: null;
  /** Composed forms lose relative accuracy near 0 or overflow for large |x|. */
  tanh: null;
  /** Exact tails (sigmoid(-40) = 4.2e-18) and a derivative sigma(1 - sigma) that never overflows. */
  sigmoid: null;
  /** log(1 + e^x) without overflow and with smooth derivatives of every order at 0. */
  softplus: null;
  /** max(x, 0) with derivative 0 at 0 (as PyTorch): one pass where where(x > 0, x, 0) takes two and a mask. */
  relu: null;
  add: null;
  sub: null;
  mul: null;
  /** A true division: x * (1 / y) rounds twice, which float32 experiments would notice. */
  div: null;
  pow: null;
  max: null;
  compare: { op: CompareOp };
  select: null;
  cast: { dtype: DType };
  stopGradient: null;
  sum: { axes: readonly number[]; keepdims: boolean };
  reduceMax: { axes: readonly number[]; keepdims: boolean };
  reshape: { shape: number[] };
  broadcastTo: { shape: number[] };
  transpose: { perm: number[] };
  slice: { starts: number[]; ends: number[] };
  pad: { before: number[]; after: number[] };
  concat: { axis: number };
  matmul: { transA: boolean; transB: boolean };
  /** exp(x − max)/Σ along an axis in one pass, rounded once (composed: eight ops, each rounding). */
  softmax: { axis: number };
  /**
   * −Σ_c y_c (z_c − logsumexp z) along an axis (logits z, targets y), per example: one stable pass,
   * rounded once, where the composed form takes a dozen ops forward and twice that backward.
   */
  crossEntropy: { axis: number };
}

export type Primitive = keyof PrimitiveParams;

export const UNARY_PRIMITIVES = [
  'neg',
  'exp',
  'log',
  'log1p',
  'sin',
  'cos',
  'sqrt',
  'tanh',
  'sigmoid',
  'softplus',
  'relu',
] as const;
export type UnaryPrimitive = (typeof UNARY_PRIMITIVES)[number];

export const BINARY_PRIMITIVES = ['add', 'sub', 'mul', 'div', 'pow', 'max'] as const;
export type BinaryPrimitive = (typeof BINARY_PRIMITIVES)[number];
