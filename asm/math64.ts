// Elementwise transcendental kernels over float64 arrays (AssemblyScript, WASM SIMD): exp, log, log1p, tanh, sigmoid,
// softplus, two lanes at a time, each within 1 ulp of the exact value (faithful, not always correctly rounded; the
// float32 kernels are in asm/math.ts). Each exported function reads n doubles at x and writes n doubles at out
// (x may equal out).
import {
  EXP, LOG, LOG1P, TANH, SIGMOID, SOFTPLUS, L1, LN2_LO, INV_LN2, SHIFT, MAGIC, MAGIC_BITS, c, logReduce, logMantissa, logExponent, logSpecial,
} from './math-shared';

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

/** The low part of the last expNegAbs (AssemblyScript functions return one value). */
let EL: v128 = f64x2.splat(0);

/**
 * E = exp(-|x|) as Eh + El (Eh returned, El left in EL), its scale 2^k applied in two factors so that subnormal
 * values round once.
 */
@inline function expNegAbs(x: v128): v128 {
  const a = f64x2.pmax(f64x2.neg(f64x2.abs(x)), c(-746));
  const k = expK(a);
  const s = expS(a, k);
  const w = expSum(a, k, s);
  const yh = f64x2.add(s, w);
  const yl = f64x2.add(f64x2.sub(s, yh), w);
  const k1 = f64x2.floor(f64x2.mul(k, c(0.5)));
  const s1 = pow2d(k1);
  const s2 = pow2d(f64x2.sub(k, k1));
  EL = f64x2.mul(f64x2.mul(yl, s1), s2);
  return f64x2.mul(f64x2.mul(yh, s1), s2);
}

/**
 * sigmoid(x) = n/(1 + E) with E = exp(-|x|) = Eh + El and n = 1 for x ≥ 0, n = E below (as the reference); E's
 * scale 2^k is applied in two factors so that its subnormal values round once.
 */
@inline function sigmoid64Vec(x: v128): v128 {
  const eh = expNegAbs(x);
  const el = EL;
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
  const eh = expNegAbs(x);
  const el = EL;
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

