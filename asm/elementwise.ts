// WASM SIMD kernels for the elementwise primitives over tensors resident in linear memory: binary
// arithmetic and comparisons with NumPy broadcasting, where (select), the cheap unary ops, and dtype
// casts. Each gives exactly the numbers of the TypeScript reference kernels in
// src/core/kernels/elementwise.ts: +, −, ×, ÷ and √ are IEEE operations in either dtype (a float32 SIMD
// lane rounds once, as storing a double result into a Float32Array does), and the choosing ops
// (max, compare, select, relu) follow the reference's NaN and signed-zero rules lane by lane.
//
// Broadcasting arrives as a plan of at most three axes (the caller merges axes and loops over any
// more): the output [n0, n1, n2] is contiguous; each operand has a stride per axis, the innermost 0
// (a value repeated along the run) or 1 (contiguous). T is f32 or f64, fixed at compile time; the op
// code is a constant after inlining, so every (op, dtype, stride pattern) gets its own SIMD loop.

export const ADD: i32 = 0;
export const SUB: i32 = 1;
export const MUL: i32 = 2;
export const DIV: i32 = 3;
export const MAX: i32 = 4;

export const LT: i32 = 0;
export const LE: i32 = 1;
export const GT: i32 = 2;
export const GE: i32 = 3;
export const EQ: i32 = 4;
export const NE: i32 = 5;

export const NEG: i32 = 0;
export const SQRT: i32 = 1;
export const RELU: i32 = 2;

@inline function isF64<T>(): bool {
  return sizeof<T>() == 8;
}

@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

@inline function at<T>(p: usize, i: i32): usize {
  return p + (<usize>i << (isF64<T>() ? 3 : 2));
}

@inline function vsplat<T>(x: T): v128 {
  return isF64<T>() ? f64x2.splat(<f64>x) : f32x4.splat(<f32>x);
}

@inline function vnan<T>(): v128 {
  return isF64<T>() ? f64x2.splat(NaN) : f32x4.splat(NaN);
}

/** Lanes that hold NaN. */
@inline function vIsNan<T>(a: v128): v128 {
  return isF64<T>() ? f64x2.ne(a, a) : f32x4.ne(a, a);
}

// ---- binary arithmetic ----

/** max with NaN propagation; a > b ? a : b otherwise (so max(−0, +0) is +0 and max(+0, −0) is −0, as the reference). */
@inline function smax<T>(a: T, b: T): T {
  return a != a || b != b ? <T>NaN : a > b ? a : b;
}

@inline function sbin<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  return smax<T>(a, b);
}

@inline function vbin<T>(op: i32, a: v128, b: v128): v128 {
  if (isF64<T>()) {
    if (op == ADD) return f64x2.add(a, b);
    if (op == SUB) return f64x2.sub(a, b);
    if (op == MUL) return f64x2.mul(a, b);
    if (op == DIV) return f64x2.div(a, b);
    const r = v128.bitselect(a, b, f64x2.gt(a, b));
    return v128.bitselect(vnan<T>(), r, v128.or(f64x2.ne(a, a), f64x2.ne(b, b)));
  }
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  const r = v128.bitselect(a, b, f32x4.gt(a, b));
  return v128.bitselect(vnan<T>(), r, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
}

/** Arithmetic (BINARY) or comparison (COMPARE) op codes share one run and one plan. */
const BINARY: i32 = 0;
const COMPARE: i32 = 1;

@inline function vapply<T>(family: i32, op: i32, a: v128, b: v128): v128 {
  return family == BINARY ? vbin<T>(op, a, b) : vcmp<T>(op, a, b);
}

@inline function sapply<T>(family: i32, op: i32, a: T, b: T): T {
  return family == BINARY ? sbin<T>(op, a, b) : scmp<T>(op, a, b);
}

/** One contiguous output run of n elements; sa, sb are the operands' strides along it (0 or 1). */
@inline function run<T>(family: i32, op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const L = lanes<T>();
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + L <= n; i += L) {
      v128.store(at<T>(out, i), vapply<T>(family, op, v128.load(at<T>(a, i)), v128.load(at<T>(b, i))));
    }
    for (; i < n; i++) store<T>(at<T>(out, i), sapply<T>(family, op, load<T>(at<T>(a, i)), load<T>(at<T>(b, i))));
  } else if (sa == 1) {
    const s = load<T>(b);
    const vs = vsplat<T>(s);
    for (; i + L <= n; i += L) v128.store(at<T>(out, i), vapply<T>(family, op, v128.load(at<T>(a, i)), vs));
    for (; i < n; i++) store<T>(at<T>(out, i), sapply<T>(family, op, load<T>(at<T>(a, i)), s));
  } else if (sb == 1) {
    const s = load<T>(a);
    const vs = vsplat<T>(s);
    for (; i + L <= n; i += L) v128.store(at<T>(out, i), vapply<T>(family, op, vs, v128.load(at<T>(b, i))));
    for (; i < n; i++) store<T>(at<T>(out, i), sapply<T>(family, op, s, load<T>(at<T>(b, i))));
  } else {
    const v = sapply<T>(family, op, load<T>(a), load<T>(b));
    for (; i < n; i++) store<T>(at<T>(out, i), v);
  }
}

@inline function plan<T>(
  family: i32, op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const pa = at<T>(a, i0 * a0 + i1 * a1);
      const pb = at<T>(b, i0 * b0 + i1 * b1);
      run<T>(family, op, pa, a2, pb, b2, at<T>(out, (i0 * n1 + i1) * n2), n2);
    }
  }
}

function binary<T>(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  if (op == ADD) plan<T>(BINARY, ADD, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == SUB) plan<T>(BINARY, SUB, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == MUL) plan<T>(BINARY, MUL, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == DIV) plan<T>(BINARY, DIV, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else plan<T>(BINARY, MAX, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

export function binary32(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  binary<f32>(op, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

export function binary64(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  binary<f64>(op, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

// ---- comparisons: 1 where true, 0 where false, NaN where either operand is NaN ----

@inline function scmp<T>(op: i32, a: T, b: T): T {
  if (a != a || b != b) return <T>NaN;
  let r = false;
  if (op == LT) r = a < b;
  else if (op == LE) r = a <= b;
  else if (op == GT) r = a > b;
  else if (op == GE) r = a >= b;
  else if (op == EQ) r = a == b;
  else r = a != b;
  return r ? <T>1 : <T>0;
}

@inline function vcmp<T>(op: i32, a: v128, b: v128): v128 {
  let m: v128;
  if (isF64<T>()) {
    if (op == LT) m = f64x2.lt(a, b);
    else if (op == LE) m = f64x2.le(a, b);
    else if (op == GT) m = f64x2.gt(a, b);
    else if (op == GE) m = f64x2.ge(a, b);
    else if (op == EQ) m = f64x2.eq(a, b);
    else m = f64x2.ne(a, b);
  } else {
    if (op == LT) m = f32x4.lt(a, b);
    else if (op == LE) m = f32x4.le(a, b);
    else if (op == GT) m = f32x4.gt(a, b);
    else if (op == GE) m = f32x4.ge(a, b);
    else if (op == EQ) m = f32x4.eq(a, b);
    else m = f32x4.ne(a, b);
  }
  const r = v128.and(m, vsplat<T>(<T>1));
  return v128.bitselect(vnan<T>(), r, v128.or(vIsNan<T>(a), vIsNan<T>(b)));
}

function compare<T>(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  if (op == LT) plan<T>(COMPARE, LT, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == LE) plan<T>(COMPARE, LE, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == GT) plan<T>(COMPARE, GT, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == GE) plan<T>(COMPARE, GE, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else if (op == EQ) plan<T>(COMPARE, EQ, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
  else plan<T>(COMPARE, NE, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

export function compare32(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  compare<f32>(op, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

export function compare64(
  op: i32, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  compare<f64>(op, a, b, out, n0, n1, n2, a0, a1, a2, b0, b1, b2);
}

// ---- where: a where c ≠ 0, b where c = 0, NaN where c is NaN ----

@inline function schoose<T>(c: T, a: T, b: T): T {
  return c != 0 ? (c == c ? a : <T>NaN) : b;
}

@inline function vchoose<T>(c: v128, a: v128, b: v128): v128 {
  const nz = isF64<T>() ? f64x2.ne(c, f64x2.splat(0)) : f32x4.ne(c, f32x4.splat(0));
  return v128.bitselect(vnan<T>(), v128.bitselect(a, b, nz), vIsNan<T>(c));
}

/** A run with the condition contiguous and each branch contiguous (stride 1) or repeated (stride 0). */
function selectRun<T>(c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const L = lanes<T>();
  if (sc == 0) {
    // One condition for the whole run: a copy of one branch (or NaN).
    const cv = load<T>(c);
    const src = cv != 0 ? a : b;
    const stride = cv != 0 ? sa : sb;
    if (cv != cv) {
      for (let i = 0; i < n; i++) store<T>(at<T>(out, i), <T>NaN);
    } else if (stride == 1) {
      memory.copy(out, src, <usize>n * sizeof<T>());
    } else {
      const v = load<T>(src);
      for (let i = 0; i < n; i++) store<T>(at<T>(out, i), v);
    }
    return;
  }
  const as = vsplat<T>(load<T>(a));
  const bs = vsplat<T>(load<T>(b));
  let i = 0;
  for (; i + L <= n; i += L) {
    const va = sa == 1 ? v128.load(at<T>(a, i)) : as;
    const vb = sb == 1 ? v128.load(at<T>(b, i)) : bs;
    v128.store(at<T>(out, i), vchoose<T>(v128.load(at<T>(c, i)), va, vb));
  }
  for (; i < n; i++) {
    const x = load<T>(at<T>(a, sa == 1 ? i : 0));
    const y = load<T>(at<T>(b, sb == 1 ? i : 0));
    store<T>(at<T>(out, i), schoose<T>(load<T>(at<T>(c, i)), x, y));
  }
}

function select<T>(
  c: usize, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  c0: i32, c1: i32, c2: i32, a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      selectRun<T>(
        at<T>(c, i0 * c0 + i1 * c1), c2,
        at<T>(a, i0 * a0 + i1 * a1), a2,
        at<T>(b, i0 * b0 + i1 * b1), b2,
        at<T>(out, (i0 * n1 + i1) * n2), n2,
      );
    }
  }
}

export function select32(
  c: usize, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  c0: i32, c1: i32, c2: i32, a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  select<f32>(c, a, b, out, n0, n1, n2, c0, c1, c2, a0, a1, a2, b0, b1, b2);
}

export function select64(
  c: usize, a: usize, b: usize, out: usize, n0: i32, n1: i32, n2: i32,
  c0: i32, c1: i32, c2: i32, a0: i32, a1: i32, a2: i32, b0: i32, b1: i32, b2: i32,
): void {
  select<f64>(c, a, b, out, n0, n1, n2, c0, c1, c2, a0, a1, a2, b0, b1, b2);
}

// ---- unary: −x, √x, relu ----

@inline function sun<T>(op: i32, x: T): T {
  if (op == NEG) return -x;
  if (op == SQRT) return <T>sqrt<T>(x);
  return x > 0 || x != x ? x : <T>0; // relu: where(x > 0, x, 0) with NaN passed on
}

@inline function vun<T>(op: i32, x: v128): v128 {
  if (isF64<T>()) {
    if (op == NEG) return f64x2.neg(x);
    if (op == SQRT) return f64x2.sqrt(x);
    return v128.and(x, v128.or(f64x2.gt(x, f64x2.splat(0)), f64x2.ne(x, x)));
  }
  if (op == NEG) return f32x4.neg(x);
  if (op == SQRT) return f32x4.sqrt(x);
  return v128.and(x, v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
}

@inline function unaryRun<T>(op: i32, x: usize, out: usize, n: i32): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) v128.store(at<T>(out, i), vun<T>(op, v128.load(at<T>(x, i))));
  for (; i < n; i++) store<T>(at<T>(out, i), sun<T>(op, load<T>(at<T>(x, i))));
}

function unary<T>(op: i32, x: usize, out: usize, n: i32): void {
  if (op == NEG) unaryRun<T>(NEG, x, out, n);
  else if (op == SQRT) unaryRun<T>(SQRT, x, out, n);
  else unaryRun<T>(RELU, x, out, n);
}

export function unary32(op: i32, x: usize, out: usize, n: i32): void {
  unary<f32>(op, x, out, n);
}

export function unary64(op: i32, x: usize, out: usize, n: i32): void {
  unary<f64>(op, x, out, n);
}

// ---- casts (round to nearest, as storing into a Float32Array) ----

export function castTo32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(at<f64>(x, i)));
    const hi = f32x4.demote_f64x2_zero(v128.load(at<f64>(x, i + 2)));
    v128.store(at<f32>(out, i), i64x2.shuffle(lo, hi, 0, 2));
  }
  for (; i < n; i++) store<f32>(at<f32>(out, i), <f32>load<f64>(at<f64>(x, i)));
}

export function castTo64(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at<f32>(x, i));
    v128.store(at<f64>(out, i), f64x2.promote_low_f32x4(v));
    v128.store(at<f64>(out, i + 2), f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)));
  }
  for (; i < n; i++) store<f64>(at<f64>(out, i), <f64>load<f32>(at<f32>(x, i)));
}
