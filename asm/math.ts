// Elementwise transcendental kernels over float32 arrays (AssemblyScript, WASM SIMD): exp, log, log1p, tanh,
// sigmoid, softplus, sin, cos. Each exported function reads n floats at byte address x and writes n floats at out
// (x may equal out); memory belongs to the caller.
//
// The results are correctly rounded float32, which is what saddle's reference kernels give (elementwise.ts
// evaluates in float64 with Math and rounds once) in all but a handful of the 2^32 inputs, where the float64
// Math result itself lies on the wrong side of a float32 midpoint: on Node 20, 5 for log, 9 log1p, 78 sigmoid,
// 1 softplus, 2 sin, 4 cos, none for exp and tanh (scripts/check-math.mjs lists and judges them). Method, as
// in CORE-MATH's binary32 functions (Sibidanov, Zimmermann, Glondu, "The CORE-MATH project", ARITH 2022):
//  1. fast path: four lanes widened to two f64x2 vectors, a float64 approximation with relative error below
//     2^-49 (range reduction after fdlibm: exp by k·ln2 with a Cody–Waite split of ln2, log by an exponent and
//     mantissa split around √2 and log1p(f) = 2·atanh(f/(2+f))), then rounded once to float32;
//  2. rounding test: y·(1 - 2^-44) and y·(1 + 2^-44) bracket the exact value; where both round to the same
//     float32, that float32 is the correctly rounded result. Otherwise the lane is recomputed in double-double
//     arithmetic (error below 2^-90), which decides the rounding of every float32 input (verified exhaustively by
//     scripts/check-math.mjs). Over all 2^32 inputs 400 to 2,900 lanes per function take that path, and without it
//     5 (log), 8 (log1p), 68 (sigmoid) and 1 (softplus) would be misrounded. sin and cos also send |x| > 2^20 there.
// Special values come out of the fast path itself: the float32 domain maps into float64's normal range, so
// overflow to ±Infinity and underflow to subnormals or zero happen in the one final rounding, as in the reference.

import {
  EXP, LOG, LOG1P, TANH, SIGMOID, SOFTPLUS, SIN, COS, L1, LN2_LO, INV_LN2, SQRT_HALF_BITS, SHIFT, MAGIC, MAGIC_BITS,
  EXP_LO, EXP_HI, BOUND, MANTISSA, c, sinPoly, cosPoly, logReduce, logMantissa, logExponent, logSpecial,
} from './math-shared';
import { accurate } from './accurate';


// expm1(r) ≈ r + r²·P(r) on |r| ≤ ln2/2: P interpolates (expm1(r) - r)/r² at 10 Chebyshev nodes (mpmath chebyfit,
// 200-bit arithmetic); relative error of the result with the coefficients rounded to double: 2^-54.5.
@inline function expm1Poly(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p01 = f64x2.add(c(0.5000000000000001), f64x2.mul(r, c(0.16666666666666669)));
  const p23 = f64x2.add(c(0.041666666666624164), f64x2.mul(r, c(0.008333333333330065)));
  const p45 = f64x2.add(c(0.0013888888917196881), f64x2.mul(r, c(0.0001984126986304067)));
  const p67 = f64x2.add(c(2.4801521322116825e-5), f64x2.mul(r, c(2.7557268480116333e-6)));
  const p89 = f64x2.add(c(2.762007599981065e-7), f64x2.mul(r, c(2.5100375924709717e-8)));
  const p03 = f64x2.add(p01, f64x2.mul(r2, p23));
  const p47 = f64x2.add(p45, f64x2.mul(r2, p67));
  const p = f64x2.add(p03, f64x2.mul(r4, f64x2.add(p47, f64x2.mul(r4, p89))));
  return f64x2.add(r, f64x2.mul(r2, p));
}

/** x·(1/ln2) + SHIFT: the nearest integer k to x/ln2 sits in the low bits (valid for |x| < 2^40). */
@inline function expShift(x: v128): v128 {
  return f64x2.add(f64x2.mul(x, c(INV_LN2)), c(SHIFT));
}

/** r = x - k·ln2, with x a float32 value: x - k·L1 is exact (Sterbenz), so r carries only the error of k·LN2_LO. */
@inline function expReduce(x: v128, t: v128): v128 {
  const k = f64x2.sub(t, c(SHIFT));
  return f64x2.sub(f64x2.sub(x, f64x2.mul(k, c(L1))), f64x2.mul(k, c(LN2_LO)));
}

/** 2^k from the shifted value: the biased k lands in the exponent field. */
@inline function pow2(t: v128): v128 {
  return i64x2.shl(t, 52);
}

/** exp(x) for x in [EXP_LO, EXP_HI] or NaN: 2^k·(1 + expm1(r)). */
@inline function expCore(x: v128): v128 {
  const t = expShift(x);
  return f64x2.mul(f64x2.add(c(1), expm1Poly(expReduce(x, t))), pow2(t));
}

@inline function expVec(x: v128): v128 {
  return expCore(f64x2.pmin(f64x2.pmax(x, c(EXP_LO)), c(EXP_HI)));
}

// log1p(f) = 2·atanh(s), s = f/(2+f), = s·(2 + z·R(z)) with z = s² ≤ 0.1718²: R interpolates
// (2·atanh(s)/s - 2)/z at 7 Chebyshev nodes (mpmath chebyfit); relative error 2^-57.5.
@inline function log1pCore(f: v128): v128 {
  const s = f64x2.div(f, f64x2.add(c(2), f));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const r01 = f64x2.add(c(0.666666666666667), f64x2.mul(z, c(0.39999999999898234)));
  const r23 = f64x2.add(c(0.28571428626551765), f64x2.mul(z, c(0.22222211040820639)));
  const r45 = f64x2.add(c(0.18182895965069287), f64x2.mul(z, c(0.15331494480719504)));
  const r46 = f64x2.add(r45, f64x2.mul(z2, c(0.14619254091354544)));
  const r = f64x2.add(r01, f64x2.mul(z2, f64x2.add(r23, f64x2.mul(z2, r46))));
  return f64x2.mul(s, f64x2.add(c(2), f64x2.mul(z, r)));
}

// The split of a positive normal double a = 2^k·m with m in [√½, √2) (as in musl's log): u = bits(a) - bits(√½),
// bits(m) = (u & mantissa) + bits(√½), and k + 1024 = (u + 2^62) >>> 52, a logical shift (x86 has no 64-bit
// arithmetic shift below AVX-512, so V8 emulates i64x2.shr_s).



/** k + 1024 as integer lanes. */

/** k·ln2 + y for integer lanes k + 1024, with k·L1 exact. */
@inline function logCombine(k: v128, y: v128): v128 {
  const kd = f64x2.sub(i64x2.add(k, i64x2.splat(MAGIC_BITS)), c(MAGIC + 1024));
  return f64x2.add(f64x2.mul(kd, c(L1)), f64x2.add(f64x2.mul(kd, c(LN2_LO)), y));
}

/** log(0) = -Infinity, log(+Infinity) = +Infinity, NaN elsewhere, in the lanes where a is not positive and finite. */

/** log(a) for float32 a promoted to double (subnormal floats are normal doubles). */
@inline function logOf(a: v128): v128 {
  const u = logReduce(a);
  return logSpecial(a, logCombine(logExponent(u), log1pCore(f64x2.sub(logMantissa(u), c(1)))));
}

/**
 * log1p(x): where 1 + x rounds into [√½, √2) the series takes x itself (no rounding of 1 + x, and -0 stays -0);
 * elsewhere 1 + x is exact for float32 x below 2^53, and beyond that its rounding changes log by under 2^-58.
 */
@inline function log1pVec(x: v128): v128 {
  const a = f64x2.add(c(1), x);
  const u = logReduce(a);
  const k = logExponent(u);
  const near = i64x2.eq(k, i64x2.splat(1024));
  const y = log1pCore(v128.bitselect(x, f64x2.sub(logMantissa(u), c(1)), near));
  return logSpecial(a, v128.bitselect(y, logCombine(k, y), near));
}

/**
 * tanh(x) = sign(x)·e/(e + 2) with e = expm1(2|x|) = (2^k - 1) + 2^k·expm1(r) (fdlibm's s_tanh.c uses the same
 * identity); 2|x| is clamped at 40, where tanh is 1 in float32, and the sign is copied so tanh(-0) = -0.
 */
@inline function tanhVec(x: v128): v128 {
  const ax = f64x2.abs(x);
  const y = f64x2.pmin(f64x2.add(ax, ax), c(40));
  const t = expShift(y);
  const s = pow2(t);
  const e = f64x2.add(f64x2.sub(s, c(1)), f64x2.mul(s, expm1Poly(expReduce(y, t))));
  return v128.bitselect(x, f64x2.div(e, f64x2.add(e, c(2))), i64x2.splat(i64.MIN_VALUE));
}

/** sigmoid(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) below, with e = exp(-|x|) ≤ 1 (as the reference). */
@inline function sigmoidVec(x: v128): v128 {
  const e = expCore(f64x2.pmax(f64x2.neg(f64x2.abs(x)), c(EXP_LO)));
  const q = f64x2.div(c(1), f64x2.add(c(1), e));
  return v128.bitselect(q, f64x2.mul(e, q), f64x2.ge(x, c(0)));
}

/** softplus(x) = max(x, 0) + log1p(exp(-|x|)), which neither overflows nor loses log1p's small values. */
@inline function softplusVec(x: v128): v128 {
  const e = expCore(f64x2.pmax(f64x2.neg(f64x2.abs(x)), c(EXP_LO)));
  return f64x2.add(f64x2.pmax(x, c(0)), log1pVec(e));
}

// sin and cos: x = k·π/2 + r with |r| ≤ π/4, π/2 = PIO2_1 + PIO2_2 + PIO2_3 with 33-bit PIO2_1 and PIO2_2 (so k·PIO2_i
// is exact for |k| < 2^20, and r keeps a relative error near 2^-52 even at the float32 x closest to a multiple of
// π/2), then sin r or cos r by the quadrant k mod 4, as fdlibm's __kernel_sin/__kernel_cos. Lanes beyond 2^20 go to
// the accurate path, which reduces with the bits of 2/π (Payne and Hanek 1983).
const PIO2_1: f64 = reinterpret<f64>(0x3ff921fb54400000);
const PIO2_2: f64 = reinterpret<f64>(0x3dd0b4611a600000);
const PIO2_3: f64 = reinterpret<f64>(0x3ba3198a2e037073);
const TWO_OVER_PI: f64 = reinterpret<f64>(0x3fe45f306dc9c883);
const TRIG_FAST: f32 = 1048576;


/** sin r or cos r by quadrant q (integer lanes; cos x = sin(x + π/2), quadrant q + 1): odd q swaps, q & 2 negates. */
@inline function quadrant(r: v128, q: v128): v128 {
  const z = f64x2.mul(r, r);
  const odd = i64x2.eq(v128.and(q, i64x2.splat(1)), i64x2.splat(1));
  const y = v128.bitselect(cosPoly(z), sinPoly(r, z), odd);
  return v128.xor(y, i64x2.shl(v128.and(q, i64x2.splat(2)), 62));
}

@inline function trigVec(x: v128, cosine: bool): v128 {
  const t = f64x2.add(f64x2.mul(x, c(TWO_OVER_PI)), c(MAGIC));
  const k = f64x2.sub(t, c(MAGIC));
  const r1 = f64x2.sub(f64x2.sub(x, f64x2.mul(k, c(PIO2_1))), f64x2.mul(k, c(PIO2_2)));
  const r = f64x2.sub(r1, f64x2.mul(k, c(PIO2_3)));
  return quadrant(r, cosine ? i64x2.add(t, i64x2.splat(1)) : t);
}

@inline function approximate(op: i32, x: v128): v128 {
  if (op == EXP) return expVec(x);
  if (op == LOG) return logOf(x);
  if (op == LOG1P) return log1pVec(x);
  if (op == TANH) return tanhVec(x);
  if (op == SIGMOID) return sigmoidVec(x);
  if (op == SOFTPLUS) return softplusVec(x);
  return trigVec(x, op == COS);
}

/** Two f64x2 vectors rounded to float32, into one f32x4. */
@inline function demote(lo: v128, hi: v128): v128 {
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Four float32 lanes of op(x): the fast path, and the double-double path for lanes the rounding test rejects. */
@inline function kernel(op: i32, x: v128): v128 {
  const lo = approximate(op, f64x2.promote_low_f32x4(x));
  const hi = approximate(op, f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3)));
  const down = c(1 - BOUND);
  const up = c(1 + BOUND);
  let y = demote(f64x2.mul(lo, down), f64x2.mul(hi, down));
  let unsure = i32x4.ne(y, demote(f64x2.mul(lo, up), f64x2.mul(hi, up)));
  if (op == SIN || op == COS) unsure = v128.or(unsure, f32x4.gt(f32x4.abs(x), f32x4.splat(TRIG_FAST)));
  if (v128.any_true(unsure)) {
    if (i32x4.extract_lane(unsure, 0)) y = f32x4.replace_lane(y, 0, accurate(op, f32x4.extract_lane(x, 0)));
    if (i32x4.extract_lane(unsure, 1)) y = f32x4.replace_lane(y, 1, accurate(op, f32x4.extract_lane(x, 1)));
    if (i32x4.extract_lane(unsure, 2)) y = f32x4.replace_lane(y, 2, accurate(op, f32x4.extract_lane(x, 2)));
    if (i32x4.extract_lane(unsure, 3)) y = f32x4.replace_lane(y, 3, accurate(op, f32x4.extract_lane(x, 3)));
  }
  return y;
}

/** out[i] = op(x[i]) for i < n: whole vectors, then the last n mod 4 floats lane by lane (nothing read past n). */
@inline function map(op: i32, x: usize, out: usize, n: i32): void {
  if (n <= 0) return;
  const whole = <usize>(n & ~3) << 2;
  for (let p: usize = 0; p < whole; p += 16) v128.store(out + p, kernel(op, v128.load(x + p)));
  const rest = n & 3;
  if (rest == 0) return;
  x += whole;
  out += whole;
  let v = v128.load32_zero(x);
  if (rest > 1) v = v128.load32_lane(x + 4, v, 1);
  if (rest > 2) v = v128.load32_lane(x + 8, v, 2);
  const y = kernel(op, v);
  v128.store32_lane(out, y, 0);
  if (rest > 1) v128.store32_lane(out + 4, y, 1);
  if (rest > 2) v128.store32_lane(out + 8, y, 2);
}

export function exp32(x: usize, out: usize, n: i32): void {
  map(EXP, x, out, n);
}

export function log32(x: usize, out: usize, n: i32): void {
  map(LOG, x, out, n);
}

export function log1p32(x: usize, out: usize, n: i32): void {
  map(LOG1P, x, out, n);
}

export function tanh32(x: usize, out: usize, n: i32): void {
  map(TANH, x, out, n);
}

export function sigmoid32(x: usize, out: usize, n: i32): void {
  map(SIGMOID, x, out, n);
}

export function softplus32(x: usize, out: usize, n: i32): void {
  map(SOFTPLUS, x, out, n);
}

export function sin32(x: usize, out: usize, n: i32): void {
  map(SIN, x, out, n);
}

export function cos32(x: usize, out: usize, n: i32): void {
  map(COS, x, out, n);
}
