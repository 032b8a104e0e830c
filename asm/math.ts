// Elementwise transcendental kernels over float32 arrays (AssemblyScript, WASM SIMD): exp, log, log1p, tanh,
// sigmoid, softplus. Each exported function reads n floats at byte address x and writes n floats at out (x may
// equal out); memory belongs to the caller.
//
// The results are correctly rounded float32, which is what saddle's reference kernels give (elementwise.ts
// evaluates in float64 with Math and rounds once) in all but a handful of the 2^32 inputs, where the float64
// Math result itself lies on the wrong side of a float32 midpoint (scripts/check-math.mjs lists them). Method, as
// in CORE-MATH's binary32 functions (Sibidanov, Zimmermann, Glondu, "The CORE-MATH project", ARITH 2022):
//  1. fast path: four lanes widened to two f64x2 vectors, a float64 approximation with relative error below
//     2^-49 (range reduction after fdlibm: exp by k·ln2 with a Cody–Waite split of ln2, log by an exponent and
//     mantissa split around √2 and log1p(f) = 2·atanh(f/(2+f))), then rounded once to float32;
//  2. rounding test: y·(1 - 2^-44) and y·(1 + 2^-44) bracket the exact value; where both round to the same
//     float32, that float32 is the correctly rounded result. Otherwise (about one lane in 2^19) the lane is
//     recomputed in double-double arithmetic (error below 2^-90), which decides the rounding of every float32
//     input (verified exhaustively by scripts/check-math.mjs).
// Special values come out of the fast path itself: the float32 domain maps into float64's normal range, so
// overflow to ±Infinity and underflow to subnormals or zero happen in the one final rounding, as in the reference.

const EXP = 0;
const LOG = 1;
const LOG1P = 2;
const TANH = 3;
const SIGMOID = 4;
const SOFTPLUS = 5;

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

@inline function approximate(op: i32, x: v128): v128 {
  if (op == EXP) return expVec(x);
  if (op == LOG) return logOf(x);
  if (op == LOG1P) return log1pVec(x);
  if (op == TANH) return tanhVec(x);
  if (op == SIGMOID) return sigmoidVec(x);
  return softplusVec(x);
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
  const unsure = i32x4.ne(y, demote(f64x2.mul(lo, up), f64x2.mul(hi, up)));
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

@noinline function accurate(op: i32, xf: f32): f32 {
  const x = <f64>xf;
  if (!(x == x)) return xf;
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
