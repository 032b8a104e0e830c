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
// The float64 kernels (exp64 … softplus64, at the end) skip the rounding test and are faithful: within 1 ulp.
// Special values come out of the fast path itself: the float32 domain maps into float64's normal range, so
// overflow to ±Infinity and underflow to subnormals or zero happen in the one final rounding, as in the reference.

const EXP = 0;
const LOG = 1;
const LOG1P = 2;
const TANH = 3;
const SIGMOID = 4;
const SOFTPLUS = 5;
const SIN = 6;
const COS = 7;

// ln2 = L1 + L2 + L3, L1 and L2 with 32 significant bits so k·L1 and k·L2 are exact for |k| < 2^21 (fdlibm's
// ln2HI is L1); LN2_LO = ln2 - L1 rounded.
const L1: f64 = reinterpret<f64>(0x3fe62e42fee00000);
const L2: f64 = reinterpret<f64>(0x3dea39ef35800000);
const L3: f64 = reinterpret<f64>(0xbbcb0e2633fe0685);
const LN2_LO: f64 = reinterpret<f64>(0x3dea39ef35793c76);
const INV_LN2: f64 = reinterpret<f64>(0x3ff71547652b82fe);
const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;
/** 1.5·2^52 plus 1023: x·(1/ln2) + SHIFT rounds to an integer k held in the low mantissa bits, biased by 1023. */
const SHIFT: f64 = 6755399441055744.0 + 1023.0;
/** 1.5·2^52: adding an integer i to its bit pattern gives the double 1.5·2^52 + i. */
const MAGIC: f64 = 6755399441055744.0;
const MAGIC_BITS: i64 = 0x4338000000000000;
/** Inputs of exp beyond these give 0 and +Infinity in float32 and stay finite in float64. */
const EXP_LO: f64 = -150;
const EXP_HI: f64 = 100;
/** Relative error bound of the fast path used by the rounding test (the approximations reach 2^-49). */
const BOUND: f64 = 5.684341886080802e-14; // 2^-44

@inline function c(v: f64): v128 {
  return f64x2.splat(v);
}

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
const MANTISSA: i64 = 0x000fffffffffffff;

@inline function logReduce(a: v128): v128 {
  return i64x2.sub(a, i64x2.splat(SQRT_HALF_BITS));
}

@inline function logMantissa(u: v128): v128 {
  return i64x2.add(v128.and(u, i64x2.splat(MANTISSA)), i64x2.splat(SQRT_HALF_BITS));
}

/** k + 1024 as integer lanes. */
@inline function logExponent(u: v128): v128 {
  return i64x2.shr_u(i64x2.add(u, i64x2.splat(0x4000000000000000)), 52);
}

/** k·ln2 + y for integer lanes k + 1024, with k·L1 exact. */
@inline function logCombine(k: v128, y: v128): v128 {
  const kd = f64x2.sub(i64x2.add(k, i64x2.splat(MAGIC_BITS)), c(MAGIC + 1024));
  return f64x2.add(f64x2.mul(kd, c(L1)), f64x2.add(f64x2.mul(kd, c(LN2_LO)), y));
}

/** log(0) = -Infinity, log(+Infinity) = +Infinity, NaN elsewhere, in the lanes where a is not positive and finite. */
@inline function logSpecial(a: v128, y: v128): v128 {
  const special = v128.bitselect(c(-Infinity), v128.bitselect(a, c(NaN), f64x2.eq(a, c(Infinity))), f64x2.eq(a, c(0)));
  return v128.bitselect(y, special, v128.and(f64x2.gt(a, c(0)), f64x2.lt(a, c(Infinity))));
}

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

// sin r = r·(1 + z·S(z)), cos r = 1 - z/2 + z²·C(z), z = r² ≤ (π/4)²: S and C interpolate at 6 Chebyshev nodes
// (mpmath chebyfit); relative errors 2^-55.6 and 2^-60.
@inline function sinPoly(r: v128, z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const s01 = f64x2.add(c(-0.16666666666666666), f64x2.mul(z, c(0.008333333333330938)));
  const s23 = f64x2.add(c(-0.00019841269836740955), f64x2.mul(z, c(2.7557316093417853e-6)));
  const s45 = f64x2.add(c(-2.5051129942141508e-8), f64x2.mul(z, c(1.5917992268027582e-10)));
  const p = f64x2.add(s01, f64x2.mul(z2, f64x2.add(s23, f64x2.mul(z2, s45))));
  // r·(1 + z·p) rather than r + r·z·p keeps the sign of r = -0.
  return f64x2.mul(r, f64x2.add(c(1), f64x2.mul(z, p)));
}

@inline function cosPoly(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const c01 = f64x2.add(c(0.041666666666666664), f64x2.mul(z, c(-0.0013888888888887389)));
  const c23 = f64x2.add(c(2.4801587298754668e-5), f64x2.mul(z, c(-2.7557317266015365e-7)));
  const c45 = f64x2.add(c(2.0876145077997095e-9), f64x2.mul(z, c(-1.1382546702689447e-11)));
  const p = f64x2.add(c01, f64x2.mul(z2, f64x2.add(c23, f64x2.mul(z2, c45))));
  return f64x2.add(f64x2.sub(c(1), f64x2.mul(z, c(0.5))), f64x2.mul(z2, p));
}

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

// ---------------------------------------------------------------------------------------------------------------
// float64: exp, log, log1p, tanh, sigmoid, softplus, two lanes at a time, each within 1 ulp (no rounding test; the
// error analysis of fdlibm's e_exp.c and e_log.c carries over; measured against numpy's long double on 2^21 inputs
// per function by check-math --float64: at most 0.81 ulp, where Math reaches 2.2 ulp for tanh).
// exp: x = k·ln2 + r with r = hi - lo and its rounding error kept, exp(r) = 1 + r + r²·P(r) summed as
// (1 + r) + (e + r²·P(r)) with e the error of 1 + r, so the only large error is the last rounding (0.5 ulp);
// 2^k is applied as two factors so overflow and gradual underflow round once.
// log: fdlibm's log(1 + f) = f - (f²/2 - s·(f²/2 + R)), s = f/(2 + f), R = 2·atanh(s)/s - 2, with k·ln2 added as
// k·L1 (exact) and k·LN2_LO (in the small terms).

// P interpolates (expm1(r) - r)/r² at 11 Chebyshev nodes (mpmath chebyfit): relative error of expm1 2^-60.
@inline function expm1Poly64(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p01 = f64x2.add(c(0.5), f64x2.mul(r, c(0.1666666666666667)));
  const p23 = f64x2.add(c(0.04166666666666667), f64x2.mul(r, c(0.008333333333326141)));
  const p45 = f64x2.add(c(0.0013888888888883752), f64x2.mul(r, c(0.00019841269874800683)));
  const p67 = f64x2.add(c(2.4801587325533502e-5), f64x2.mul(r, c(2.75572554255029e-6)));
  const p89 = f64x2.add(c(2.7557273661174726e-7), f64x2.mul(r, c(2.5105206475334834e-8)));
  const p810 = f64x2.add(p89, f64x2.mul(r2, c(2.091467944897855e-9)));
  const p03 = f64x2.add(p01, f64x2.mul(r2, p23));
  const p47 = f64x2.add(p45, f64x2.mul(r2, p67));
  return f64x2.add(p03, f64x2.mul(r4, f64x2.add(p47, f64x2.mul(r4, p810))));
}

@inline function exp64Vec(x0: v128): v128 {
  const x = f64x2.pmin(f64x2.pmax(x0, c(-746)), c(710));
  const k = f64x2.sub(f64x2.add(f64x2.mul(x, c(INV_LN2)), c(MAGIC)), c(MAGIC));
  const hi = f64x2.sub(x, f64x2.mul(k, c(L1)));
  const lo = f64x2.mul(k, c(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const cr = f64x2.sub(f64x2.sub(hi, r), lo);
  const q = f64x2.add(f64x2.mul(f64x2.mul(r, r), expm1Poly64(r)), f64x2.mul(cr, f64x2.add(c(1), r)));
  const s = f64x2.add(c(1), r);
  const y = f64x2.add(s, f64x2.add(f64x2.add(f64x2.sub(c(1), s), r), q));
  const k1 = f64x2.floor(f64x2.mul(k, c(0.5)));
  const s1 = i64x2.shl(f64x2.add(k1, c(SHIFT)), 52);
  const s2 = i64x2.shl(f64x2.add(f64x2.sub(k, k1), c(SHIFT)), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

// R(z) interpolates (2·atanh(s)/s - 2)/z at 8 Chebyshev nodes on z ≤ 0.1718²: relative error 2^-60.7.
@inline function logPoly64(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const r01 = f64x2.add(c(0.6666666666666666), f64x2.mul(z, c(0.4000000000000089)));
  const r23 = f64x2.add(c(0.28571428570795687), f64x2.mul(z, c(0.22222222393509158)));
  const r45 = f64x2.add(c(0.18181795448498017), f64x2.mul(z, c(0.15386250115431446)));
  const r67 = f64x2.add(c(0.13268494566905267), f64x2.mul(z, c(0.13089536423525533)));
  const r47 = f64x2.add(r45, f64x2.mul(z2, r67));
  return f64x2.add(f64x2.add(r01, f64x2.mul(z2, r23)), f64x2.mul(f64x2.mul(z2, z2), r47));
}

@inline function log1pCore64(kd: v128, f: v128, corr: v128): v128 {
  const s = f64x2.div(f, f64x2.add(c(2), f));
  const z = f64x2.mul(s, s);
  const p = logPoly64(z);
  const hfsq = f64x2.mul(c(0.5), f64x2.mul(f, f));
  const small = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, f64x2.mul(z, p))), f64x2.add(f64x2.mul(kd, c(LN2_LO)), corr));
  return f64x2.sub(f64x2.mul(kd, c(L1)), f64x2.sub(f64x2.sub(hfsq, small), f));
}

/** k as a double from integer lanes k + 1024. */
@inline function exponentOf(k: v128): v128 {
  return f64x2.sub(i64x2.add(k, i64x2.splat(MAGIC_BITS)), c(MAGIC + 1024));
}

/** log(x); subnormal x is scaled by 2^52 first so the exponent split sees a normal number. */
@inline function log64Vec(x: v128): v128 {
  const tiny = f64x2.lt(x, c(2.2250738585072014e-308));
  const u = logReduce(v128.bitselect(f64x2.mul(x, c(4503599627370496)), x, tiny));
  const kd = f64x2.sub(exponentOf(logExponent(u)), v128.and(tiny, c(52)));
  return logSpecial(x, log1pCore64(kd, f64x2.sub(logMantissa(u), c(1)), c(0)));
}

/**
 * log1p(x) = log(u) + e/u with u = 1 + x rounded and e its rounding error (fdlibm's s_log1p.c), except where u
 * falls in [√½, √2), where f = x is exact; below 2^-54 log1p(x) rounds to x (and -0 stays -0).
 */
@inline function log1p64Vec(x: v128): v128 {
  const u = f64x2.add(c(1), x);
  const red = logReduce(u);
  const k = logExponent(red);
  const near = i64x2.eq(k, i64x2.splat(1024));
  const f = v128.bitselect(x, f64x2.sub(logMantissa(red), c(1)), near);
  const ax = f64x2.abs(x);
  const err = v128.bitselect(f64x2.sub(x, f64x2.sub(u, c(1))), f64x2.sub(c(1), f64x2.sub(u, x)), f64x2.lt(ax, c(1)));
  const corr = v128.andnot(f64x2.div(err, u), near);
  const y = log1pCore64(exponentOf(k), f, corr);
  return logSpecial(u, v128.bitselect(x, y, f64x2.lt(ax, c(5.551115123125783e-17))));
}

// tanh, sigmoid and softplus in float64 need exp(-|x|) or expm1(2|x|) to better than an ulp before their last
// divisions and sums, so exp's result is kept as a pair yh + yl (the rounding error of its last sum, exact by
// Fast2Sum), quotients get one correction step with the exact residual of qh·d (Dekker's product), and sums of
// large terms use TwoSum: then only the final rounding is large.

/** The rounding error of p = a·b (Dekker 1971, Veltkamp splitting; there is no FMA in plain WASM SIMD). */
@inline function productError(a: v128, b: v128, p: v128): v128 {
  const ta = f64x2.mul(a, c(134217729));
  const ah = f64x2.sub(ta, f64x2.sub(ta, a));
  const al = f64x2.sub(a, ah);
  const tb = f64x2.mul(b, c(134217729));
  const bh = f64x2.sub(tb, f64x2.sub(tb, b));
  const bl = f64x2.sub(b, bh);
  const e = f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(ah, bh), p), f64x2.mul(ah, bl)), f64x2.mul(al, bh));
  return f64x2.add(e, f64x2.mul(al, bl));
}

/** (nh + nl)/(dh + dl) to about 2^-100 relative, plus the final rounding: qh = nh/dh, then the exact residual. */
@inline function divide(nh: v128, nl: v128, dh: v128, dl: v128): v128 {
  const q = f64x2.div(nh, dh);
  const p = f64x2.mul(q, dh);
  const rho = f64x2.add(f64x2.sub(f64x2.sub(nh, p), productError(q, dh, p)), f64x2.sub(nl, f64x2.mul(q, dl)));
  return f64x2.add(q, f64x2.div(rho, dh));
}

/** The rounding error of a + b (Knuth's TwoSum, any order of magnitudes). */
@inline function sumError(a: v128, b: v128, s: v128): v128 {
  const bb = f64x2.sub(s, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(s, bb)), f64x2.sub(b, bb));
}

/** The nearest integer k to x/ln2 (as a double), for |x| ≤ 746. */
@inline function expK(x: v128): v128 {
  return f64x2.sub(f64x2.add(f64x2.mul(x, c(INV_LN2)), c(MAGIC)), c(MAGIC));
}

/** exp(x - k·ln2) = s + w with s = 1 + r rounded: the same evaluation as exp64Vec before its last sum. */
@inline function expSum(x: v128, k: v128, s: v128): v128 {
  const hi = f64x2.sub(x, f64x2.mul(k, c(L1)));
  const lo = f64x2.mul(k, c(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const cr = f64x2.sub(f64x2.sub(hi, r), lo);
  const q = f64x2.add(f64x2.mul(f64x2.mul(r, r), expm1Poly64(r)), f64x2.mul(cr, f64x2.add(c(1), r)));
  return f64x2.add(f64x2.add(f64x2.sub(c(1), s), r), q);
}

@inline function expS(x: v128, k: v128): v128 {
  return f64x2.add(c(1), f64x2.sub(f64x2.sub(x, f64x2.mul(k, c(L1))), f64x2.mul(k, c(LN2_LO))));
}

/** 2^k for integer k in [-1022, 1023]. */
@inline function pow2d(k: v128): v128 {
  return i64x2.shl(f64x2.add(k, c(SHIFT)), 52);
}

/**
 * sigmoid(x) = n/(1 + E) with E = exp(-|x|) = Eh + El and n = 1 for x ≥ 0, n = E below (as the reference); E's
 * scale 2^k is applied in two factors so that its subnormal values round once.
 */
@inline function sigmoid64Vec(x: v128): v128 {
  const a = f64x2.pmax(f64x2.neg(f64x2.abs(x)), c(-746));
  const k = expK(a);
  const s = expS(a, k);
  const w = expSum(a, k, s);
  const yh = f64x2.add(s, w);
  const yl = f64x2.add(f64x2.sub(s, yh), w);
  const k1 = f64x2.floor(f64x2.mul(k, c(0.5)));
  const s1 = pow2d(k1);
  const s2 = pow2d(f64x2.sub(k, k1));
  const eh = f64x2.mul(f64x2.mul(yh, s1), s2);
  const el = f64x2.mul(f64x2.mul(yl, s1), s2);
  const dh = f64x2.add(c(1), eh);
  const dl = f64x2.add(f64x2.add(f64x2.sub(c(1), dh), eh), el);
  const pos = f64x2.ge(x, c(0));
  return divide(v128.bitselect(c(1), eh, pos), v128.andnot(el, pos), dh, dl);
}

/**
 * tanh(x) = sign(x)·e/(e + 2) with e = expm1(2|x|) = (2^k·yh - 1) + 2^k·yl, the first term exact (2|x| ≤ 40
 * keeps k ≤ 58, and past k = 52 tanh rounds to 1 regardless); below 2^-27 tanh(x) rounds to x.
 */
@inline function tanh64Vec(x: v128): v128 {
  const ax = f64x2.abs(x);
  const y = f64x2.pmin(f64x2.add(ax, ax), c(40));
  const k = expK(y);
  const s = expS(y, k);
  const w = expSum(y, k, s);
  const yh = f64x2.add(s, w);
  const yl = f64x2.add(f64x2.sub(s, yh), w);
  const scale = pow2d(k);
  const eh = f64x2.sub(f64x2.mul(yh, scale), c(1));
  const el = f64x2.mul(yl, scale);
  const dh = f64x2.add(eh, c(2));
  const dl = f64x2.add(sumError(eh, c(2), dh), el);
  const t = v128.bitselect(x, divide(eh, el, dh, dl), i64x2.splat(i64.MIN_VALUE));
  return v128.bitselect(x, t, f64x2.lt(ax, c(7.450580596923828e-9)));
}

/**
 * softplus(x) = max(x, 0) + log1p(E), E = exp(-|x|) = Eh + El in (0, 1]: log1p(E) = k·ln2 + log1p(f) + c with
 * u = 1 + Eh, k = 0 and f = Eh below √2, else k = 1, f = u/2 - 1 (exact), and c = (error of u + El)/u; the
 * large terms max(x, 0), k·L1 and f are added with TwoSum, the rest (f²/2-sized and smaller) in plain double.
 */
@inline function softplus64Vec(x: v128): v128 {
  const a = f64x2.pmax(f64x2.neg(f64x2.abs(x)), c(-746));
  const k = expK(a);
  const s = expS(a, k);
  const w = expSum(a, k, s);
  const yh = f64x2.add(s, w);
  const yl = f64x2.add(f64x2.sub(s, yh), w);
  const k1 = f64x2.floor(f64x2.mul(k, c(0.5)));
  const s1 = pow2d(k1);
  const s2 = pow2d(f64x2.sub(k, k1));
  const eh = f64x2.mul(f64x2.mul(yh, s1), s2);
  const el = f64x2.mul(f64x2.mul(yl, s1), s2);
  const u = f64x2.add(c(1), eh);
  const high = f64x2.ge(u, c(Math.SQRT2));
  const kd = v128.and(high, c(1));
  const f = v128.bitselect(f64x2.sub(f64x2.mul(u, c(0.5)), c(1)), eh, high);
  const corr = v128.bitselect(f64x2.div(f64x2.add(f64x2.sub(eh, f64x2.sub(u, c(1))), el), u), el, high);
  // log1p(f) = f - (f²/2 - s·(f²/2 + R)) as in log1pCore64, here with its two large terms kept apart.
  const sf = f64x2.div(f, f64x2.add(c(2), f));
  const z = f64x2.mul(sf, sf);
  const hfsq = f64x2.mul(c(0.5), f64x2.mul(f, f));
  const small = f64x2.add(f64x2.mul(kd, c(LN2_LO)), corr);
  const tail = f64x2.sub(f64x2.add(f64x2.mul(sf, f64x2.add(hfsq, f64x2.mul(z, logPoly64(z)))), small), hfsq);
  const m = f64x2.pmax(x, c(0));
  const kl = f64x2.mul(kd, c(L1));
  const a1 = f64x2.add(m, kl);
  const a1e = sumError(m, kl, a1);
  const a2 = f64x2.add(a1, f);
  const a2e = sumError(a1, f, a2);
  // Past 40, exp(-x) < 2^-57·x and softplus(x) rounds to x (this also keeps +Infinity out of TwoSum).
  return v128.bitselect(x, f64x2.add(a2, f64x2.add(f64x2.add(a1e, a2e), tail)), f64x2.gt(x, c(40)));
}

@inline function approximate64(op: i32, x: v128): v128 {
  if (op == EXP) return exp64Vec(x);
  if (op == LOG) return log64Vec(x);
  if (op == LOG1P) return log1p64Vec(x);
  if (op == TANH) return tanh64Vec(x);
  if (op == SIGMOID) return sigmoid64Vec(x);
  return softplus64Vec(x);
}

/** out[i] = op(x[i]) for i < n over float64 arrays: whole vectors, then the last element alone. */
@inline function map64(op: i32, x: usize, out: usize, n: i32): void {
  if (n <= 0) return;
  const whole = <usize>(n & ~1) << 3;
  for (let p: usize = 0; p < whole; p += 16) v128.store(out + p, approximate64(op, v128.load(x + p)));
  if (n & 1) v128.store64_lane(out + whole, approximate64(op, v128.load64_zero(x + whole)), 0);
}

export function exp64(x: usize, out: usize, n: i32): void {
  map64(EXP, x, out, n);
}

export function log64(x: usize, out: usize, n: i32): void {
  map64(LOG, x, out, n);
}

export function log1p64(x: usize, out: usize, n: i32): void {
  map64(LOG1P, x, out, n);
}

export function tanh64(x: usize, out: usize, n: i32): void {
  map64(TANH, x, out, n);
}

export function sigmoid64(x: usize, out: usize, n: i32): void {
  map64(SIGMOID, x, out, n);
}

export function softplus64(x: usize, out: usize, n: i32): void {
  map64(SOFTPLUS, x, out, n);
}

// ---------------------------------------------------------------------------------------------------------------
// The accurate path: double-double arithmetic (Dekker 1971; the algorithms of Hida, Li and Bailey's QD library).
// A result is a pair hi + lo with |lo| ≤ ulp(hi)/2, passed in two globals since functions return one value.

let H: f64 = 0;
let L: f64 = 0;

/** H + L = a + b exactly (Knuth's TwoSum). */
@inline function twoSum(a: f64, b: f64): void {
  const s = a + b;
  const bb = s - a;
  L = a - (s - bb) + (b - bb);
  H = s;
}

/** H + L = a·b exactly (Dekker's product with Veltkamp splitting; no FMA in plain WASM). */
function twoProd(a: f64, b: f64): void {
  const p = a * b;
  const ca = 134217729.0 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729.0 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  L = ah * bh - p + ah * bl + al * bh + al * bl;
  H = p;
}

function ddAdd(ah: f64, al: f64, bh: f64, bl: f64): void {
  twoSum(ah, bh);
  const sh = H;
  const sl = L;
  twoSum(al, bl);
  const th = H;
  const tl = L;
  twoSum(sh, sl + th);
  twoSum(H, L + tl);
}

function ddMul(ah: f64, al: f64, bh: f64, bl: f64): void {
  twoProd(ah, bh);
  twoSum(H, L + (ah * bl + al * bh));
}

/** H + L = a/b: q1 = a/b rounded, then the quotient of the remainder a - q1·b (error about 2^-104). */
function ddDiv(ah: f64, al: f64, bh: f64, bl: f64): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  ddAdd(ah, al, -H, -L);
  twoSum(q1, (H + L) / bh);
}

@inline function scale2(k: i32): f64 {
  return reinterpret<f64>(<i64>(k + 1023) << 52);
}

/**
 * Sets H + L = expm1(r) where x = k·ln2 + r, |r| ≤ ln2/2, and returns k; x is a float32 value in [-150, 100].
 * Taylor series to r^25/25! (below 2^-120 of the sum), evaluated as r·(1 + r/2·(1 + r/3·(…))).
 */
function expm1Reduced(x: f64): i32 {
  const k = nearest(x * INV_LN2);
  twoSum(x - k * L1, -k * L2);
  const rh = H;
  const rl = L - k * L3;
  let sh: f64 = 1;
  let sl: f64 = 0;
  for (let n = 25; n >= 2; n--) {
    ddMul(rh, rl, sh, sl);
    ddDiv(H, L, <f64>n, 0);
    ddAdd(1, 0, H, L);
    sh = H;
    sl = L;
  }
  ddMul(rh, rl, sh, sl);
  return <i32>k;
}

/** H + L = exp(x) for float32 x in [-150, 100]. */
function expDD(x: f64): void {
  const s = scale2(expm1Reduced(x));
  ddAdd(1, 0, H, L);
  H *= s;
  L *= s;
}

/** H + L = log(a) for a = ah + al > 0 (normal): the series of 2·atanh(s), s = (m - 1)/(m + 1), to s^45. */
function logDD(ah: f64, al: f64): void {
  const k = <i32>((reinterpret<i64>(ah) - SQRT_HALF_BITS) >> 52);
  const down = scale2(-k);
  twoSum(ah * down - 1, al * down);
  const fh = H;
  const fl = L;
  ddAdd(2, 0, fh, fl);
  ddDiv(fh, fl, H, L);
  const sh = H;
  const sl = L;
  ddMul(sh, sl, sh, sl);
  const zh = H;
  const zl = L;
  let th: f64 = 0;
  let tl: f64 = 0;
  for (let j = 22; j >= 0; j--) {
    ddMul(zh, zl, th, tl);
    const ph = H;
    const pl = L;
    ddDiv(1, 0, <f64>(2 * j + 1), 0);
    ddAdd(H, L, ph, pl);
    th = H;
    tl = L;
  }
  ddMul(sh, sl, th, tl);
  const lh = 2 * H;
  const ll = 2 * L;
  twoSum(k * L1, k * L2);
  ddAdd(H, L + k * L3, lh, ll);
}

/** hi + lo rounded to float32: hi is first rounded to odd (Boldo and Melquiond 2008), so the rounding is single. */
function roundDD(hi: f64, lo: f64): f32 {
  let bits = reinterpret<i64>(hi);
  if (lo != 0 && (bits & 1) == 0) bits += (lo > 0) == (hi > 0) ? 1 : -1;
  return <f32>reinterpret<f64>(bits);
}

/** 2/π in 24-bit chunks: 2/π = Σ TWO_OVER_PI_BITS[i]·2^(-24(i+1)) (the table of fdlibm's __kernel_rem_pio2). */
const TWO_OVER_PI_BITS = memory.data<u32>([
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163, 0xabdebb, 0xc561b7,
  0x246e3a,
]);
const PIO2_HI: f64 = reinterpret<f64>(0x3ff921fb54442d18);
const TWO_M62: f64 = 2.168404344971009e-19;
const TWO_M53: f64 = 1.1102230246251565e-16;
const PIO2_LO: f64 = reinterpret<f64>(0x3c91a62633145c07);

/**
 * Sets H + L = r with x = k·π/2 + r, |r| ≤ π/4, and returns k mod 4, for finite float32 x ≥ 0. x = M·2^E with M below
 * 2^24, and x·2/π mod 4 is summed exactly as a 124-bit fixed-point number (2 integer bits) from the products of M
 * with the 24-bit chunks of 2/π (each below 2^48, so exact in u64); chunks whose product is a multiple of 4 are
 * skipped. The fraction keeps 122 bits, which leaves r at least 90 bits even at the float32 closest to a multiple
 * of π/2 (16367173·2^72, r ≈ 2^-29.2; Muller, "Elementary Functions", 3rd ed., ch. 11).
 */
function reduceQuadrant(x: f64): i32 {
  if (abs(x) < 0.78) {
    H = x;
    L = 0;
    return 0;
  }
  const bits = reinterpret<u64>(x);
  const m = (((bits & <u64>MANTISSA) | (<u64>1 << 52)) >> 29) as u64;
  const e = <i32>((bits >> 52) & 0x7ff) - 1075 + 29;
  let hi: u64 = 0;
  let lo: u64 = 0;
  for (let i = 0; i < 12; i++) {
    const shift = e + 98 - 24 * i;
    if (shift >= 124) continue;
    if (shift <= -48) break;
    const p = m * <u64>load<u32>(TWO_OVER_PI_BITS + (<usize>i << 2));
    let addHi: u64 = 0;
    let addLo: u64 = 0;
    if (shift >= 64) addHi = p << (shift - 64);
    else if (shift > 0) {
      addLo = p << shift;
      addHi = p >> (64 - shift);
    } else addLo = p >> -shift;
    lo += addLo;
    hi += addHi + (lo < addLo ? 1 : 0);
  }
  // Round to the nearest quadrant: k = ⌊v + 1/2⌋ mod 4, and the fraction v - k, a signed 124-bit number ·2^122.
  const k = <i32>(((hi + (<u64>1 << 57)) >> 58) & 3);
  hi -= <u64>k << 58;
  // Shifted left by 4 the fraction is a signed 128-bit integer A·2^64 + B equal to f·2^126, |f| ≤ 1/2.
  const a = <i64>((hi << 4) | (lo >> 60));
  const b = lo << 4;
  const ah = <f64>a;
  // f = A·2^-62 + B·2^-126; A - <i64>ah is exact, and B keeps its top 53 bits.
  twoSum(ah * TWO_M62, (<f64>(a - <i64>ah) + <f64>(b >> 11) * TWO_M53) * TWO_M62);
  ddMul(H, L, PIO2_HI, PIO2_LO);
  return k;
}

/** Correctly rounded sin x or cos x: reduce, evaluate in double with the rounding test, else Taylor series in dd. */
function trigAccurate(x: f64, cosine: bool): f32 {
  if (!(abs(x) < Infinity)) return <f32>NaN;
  // sin is odd and cos even: reduce |x|, and give sin the sign of x at the end (so sin(-0) = -0).
  const q = reduceQuadrant(abs(x)) + (cosine ? 1 : 0);
  const flip = (q & 2) != 0 != (!cosine && x < 0);
  const rh = H;
  const rl = L;
  // sin(rh + rl) ≈ sin rh + rl·cos rh and cos(rh + rl) ≈ cos rh - rl·sin rh, with rl ≤ 2^-53·|rh|.
  const r = f64x2.splat(rh);
  const z = f64x2.mul(r, r);
  const odd = (q & 1) != 0;
  const y0 = odd ? f64x2.extract_lane(cosPoly(z), 0) - rl * rh : f64x2.extract_lane(sinPoly(r, z), 0) + rl;
  const y = flip ? -y0 : y0;
  const down = <f32>(y * (1 - BOUND));
  if (down == <f32>(y * (1 + BOUND))) return down;
  // Taylor series to z^15/30! (below 2^-105): sin r = r·Σ(-z)^j/(2j+1)!, cos r = Σ(-z)^j/(2j)!.
  ddMul(rh, rl, rh, rl);
  const zh = H;
  const zl = L;
  let th: f64 = 1;
  let tl: f64 = 0;
  for (let j = 15; j >= 1; j--) {
    ddMul(zh, zl, th, tl);
    ddDiv(H, L, odd ? <f64>((2 * j - 1) * (2 * j)) : <f64>((2 * j) * (2 * j + 1)), 0);
    ddAdd(1, 0, -H, -L);
    th = H;
    tl = L;
  }
  if (!odd) ddMul(rh, rl, th, tl);
  const v = roundDD(H, L);
  return flip ? -v : v;
}

@noinline function accurate(op: i32, xf: f32): f32 {
  const x = <f64>xf;
  if (!(x == x)) return xf;
  if (op == SIN || op == COS) return trigAccurate(x, op == COS);
  if (op == EXP) {
    expDD(min(max(x, EXP_LO), EXP_HI));
  } else if (op == LOG) {
    if (!(x > 0) || x == Infinity) return x == 0 ? <f32>-Infinity : x == Infinity ? xf : <f32>NaN;
    logDD(x, 0);
  } else if (op == LOG1P) {
    if (!(x > -1) || x == Infinity) return x == -1 ? <f32>-Infinity : x == Infinity ? xf : <f32>NaN;
    twoSum(1, x);
    logDD(H, L);
  } else if (op == TANH) {
    const y = min(2 * abs(x), 40);
    const k = expm1Reduced(y);
    if (k != 0) {
      const s = scale2(k);
      ddAdd(1, 0, H, L);
      ddAdd(H * s, L * s, -1, 0);
    }
    const eh = H;
    const el = L;
    ddAdd(eh, el, 2, 0);
    ddDiv(eh, el, H, L);
    const r = roundDD(H, L);
    return x < 0 ? -r : r;
  } else {
    expDD(max(-abs(x), EXP_LO));
    const eh = H;
    const el = L;
    ddAdd(1, 0, eh, el);
    if (op == SIGMOID) {
      ddDiv(1, 0, H, L);
      if (x < 0) ddMul(eh, el, H, L);
    } else {
      logDD(H, L);
      ddAdd(H, L, max(x, 0), 0);
    }
  }
  return roundDD(H, L);
}
