// Reference TypeScript kernels for elementwise primitives. Storing into a Float32Array rounds
// to single precision, and because double has more than 2*24+2 bits, computing +, -, *, /, sqrt
// in double and rounding once gives exactly the IEEE float32 result.
import type { Data } from '../dtype.js';
import type { BinaryPrimitive, CompareOp, UnaryPrimitive } from '../primitives.js';
import { broadcastStrides, stridesOf, type Shape } from '../shape.js';

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const UNARY_FUNCTIONS: Record<UnaryPrimitive, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid,
  softplus,
  relu: (x) => (x > 0 || x !== x ? x : 0),
};

/** max with NaN propagation (as IEEE maximum and numpy.maximum). */
function maximum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a > b ? a : b;
}

export const BINARY_FUNCTIONS: Record<BinaryPrimitive, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  max: maximum,
};

/**
 * Comparisons give 1 or 0, and NaN when either operand is NaN: a comparison with an undefined value is
 * undefined, and where() passes that NaN on, so relu(NaN) = where(NaN > 0, NaN, 0) is NaN, not a silent 0.
 */
export const COMPARE_FUNCTIONS: Record<CompareOp, (a: number, b: number) => number> = {
  lt: (a, b) => (a < b ? 1 : a !== a || b !== b ? NaN : 0),
  le: (a, b) => (a <= b ? 1 : a !== a || b !== b ? NaN : 0),
  gt: (a, b) => (a > b ? 1 : a !== a || b !== b ? NaN : 0),
  ge: (a, b) => (a >= b ? 1 : a !== a || b !== b ? NaN : 0),
  eq: (a, b) => (a === b ? 1 : a !== a || b !== b ? NaN : 0),
  ne: (a, b) => (a !== a || b !== b ? NaN : a !== b ? 1 : 0),
};

export function unary(op: UnaryPrimitive, x: Data, out: Data): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    default: {
      const f = UNARY_FUNCTIONS[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
}

/** Visits every output index of a broadcast with the matching input offsets. */
export function forEachBroadcast(
  outShape: Shape,
  inputShapes: readonly Shape[],
  visit: (outIndex: number, offsets: Int32Array) => void,
): void {
  const rank = outShape.length;
  const k = inputShapes.length;
  const strides = inputShapes.map((s) => broadcastStrides(s, outShape));
  const counter = new Int32Array(rank);
  const offsets = new Int32Array(k);
  let total = 1;
  for (const d of outShape) total *= d;
  for (let o = 0; o < total; o++) {
    visit(o, offsets);
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]++;
      for (let j = 0; j < k; j++) offsets[j] += strides[j][ax];
      if (counter[ax] < outShape[ax]) break;
      for (let j = 0; j < k; j++) offsets[j] -= strides[j][ax] * outShape[ax];
      counter[ax] = 0;
    }
  }
}

function sameShapeBinary(op: BinaryPrimitive, a: Data, b: Data, out: Data): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    default: {
      const f = BINARY_FUNCTIONS[op];
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    }
  }
}

function scalarRightBinary(op: BinaryPrimitive, a: Data, s: number, out: Data): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + s;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - s;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / s;
      return;
    default: {
      const f = BINARY_FUNCTIONS[op];
      for (let i = 0; i < n; i++) out[i] = f(a[i], s);
    }
  }
}

/** The trailing-block case: b's shape equals the last axes of a's (a bias added to every row). */
function trailingBinary(op: BinaryPrimitive, a: Data, b: Data, out: Data, swap: boolean): void {
  const n = out.length;
  const m = b.length;
  const f = BINARY_FUNCTIONS[op];
  if (op === 'add') {
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = a[i + j] + b[j];
  } else if (op === 'mul') {
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = a[i + j] * b[j];
  } else if (swap) {
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(b[j], a[i + j]);
  } else {
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(a[i + j], b[j]);
  }
}

function isTrailing(small: Shape, big: Shape): boolean {
  if (small.length > big.length) return false;
  const offset = big.length - small.length;
  for (let i = 0; i < small.length; i++) if (small[i] !== big[offset + i]) return false;
  return true;
}

export function binary(
  op: BinaryPrimitive,
  a: Data,
  aShape: Shape,
  b: Data,
  bShape: Shape,
  outShape: Shape,
  out: Data,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return sameShapeBinary(op, a, b, out);
  if (b.length === 1 && a.length === n) return scalarRightBinary(op, a, b[0], out);
  const f = BINARY_FUNCTIONS[op];
  if (a.length === 1 && b.length === n) {
    const s = a[0];
    for (let i = 0; i < n; i++) out[i] = f(s, b[i]);
    return;
  }
  if (a.length === n && isTrailing(bShape, outShape)) return trailingBinary(op, a, b, out, false);
  if (b.length === n && isTrailing(aShape, outShape)) return trailingBinary(op, b, a, out, true);
  forEachBroadcast(outShape, [aShape, bShape], (o, off) => {
    out[o] = f(a[off[0]], b[off[1]]);
  });
}

export function compare(
  op: CompareOp,
  a: Data,
  aShape: Shape,
  b: Data,
  bShape: Shape,
  outShape: Shape,
  out: Data,
): void {
  const f = COMPARE_FUNCTIONS[op];
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (a.length === n && b.length === 1) {
    const s = b[0];
    if (op === 'gt' && s === s) for (let i = 0; i < n; i++) out[i] = a[i] > s ? 1 : a[i] !== a[i] ? NaN : 0;
    else for (let i = 0; i < n; i++) out[i] = f(a[i], s);
  } else {
    forEachBroadcast(outShape, [aShape, bShape], (o, off) => {
      out[o] = f(a[off[0]], b[off[1]]);
    });
  }
}

/** a where cond is non-zero, b where it is 0, NaN where it is NaN (an undefined condition picks neither). */
const choose = (c: number, a: number, b: number): number => (c !== 0 ? (c === c ? a : NaN) : b);

export function select(
  cond: Data,
  condShape: Shape,
  a: Data,
  aShape: Shape,
  b: Data,
  bShape: Shape,
  outShape: Shape,
  out: Data,
): void {
  const n = out.length;
  if (cond.length === n && (a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
    // Full-size condition with full-size or scalar branches (relu's where(x > 0, x, 0)).
    const as = a.length === 1 ? a[0] : NaN;
    const bs = b.length === 1 ? b[0] : NaN;
    if (a.length === n && b.length === n) for (let i = 0; i < n; i++) out[i] = choose(cond[i], a[i], b[i]);
    else if (a.length === n) for (let i = 0; i < n; i++) out[i] = choose(cond[i], a[i], bs);
    else if (b.length === n) for (let i = 0; i < n; i++) out[i] = choose(cond[i], as, b[i]);
    else for (let i = 0; i < n; i++) out[i] = choose(cond[i], as, bs);
    return;
  }
  forEachBroadcast(outShape, [condShape, aShape, bShape], (o, off) => {
    out[o] = choose(cond[off[0]], a[off[1]], b[off[2]]);
  });
}

export function broadcastTo(x: Data, shape: Shape, target: Shape, out: Data): void {
  if (x.length === 1) {
    out.fill(x[0]);
    return;
  }
  if (isTrailing(shape, target)) {
    for (let i = 0; i < out.length; i += x.length) out.set(x, i);
    return;
  }
  forEachBroadcast(target, [shape], (o, off) => {
    out[o] = x[off[0]];
  });
}

export function cast(x: Data, out: Data): void {
  out.set(x);
}

export { stridesOf };
