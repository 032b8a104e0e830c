// The accurate path of the float32 transcendental kernels (asm/math.ts): lanes whose fast result the rounding
// test cannot certify are recomputed here in double-double arithmetic, which decides the rounding of every
// float32 input (verified exhaustively by scripts/check-math.mjs).
import {
  EXP, LOG, LOG1P, TANH, SIGMOID, SIN, COS, L1, L2, L3, INV_LN2, SQRT_HALF_BITS, EXP_LO, EXP_HI, BOUND, MANTISSA,
  sinPoly, cosPoly,
} from './math-shared';

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

@noinline export function accurate(op: i32, xf: f32): f32 {
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
