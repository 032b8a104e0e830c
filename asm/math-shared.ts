// Constants and polynomials shared by the transcendental kernels: float32 fast and accurate paths (asm/math.ts,
// asm/accurate.ts) and float64 (asm/math64.ts).

export const EXP = 0;
export const LOG = 1;
export const LOG1P = 2;
export const TANH = 3;
export const SIGMOID = 4;
export const SOFTPLUS = 5;
export const SIN = 6;
export const COS = 7;

// ln2 = L1 + L2 + L3, L1 and L2 with 32 significant bits so k·L1 and k·L2 are exact for |k| < 2^21 (fdlibm's
// ln2HI is L1); LN2_LO = ln2 - L1 rounded.
export const L1: f64 = reinterpret<f64>(0x3fe62e42fee00000);
export const L2: f64 = reinterpret<f64>(0x3dea39ef35800000);
export const L3: f64 = reinterpret<f64>(0xbbcb0e2633fe0685);
export const LN2_LO: f64 = reinterpret<f64>(0x3dea39ef35793c76);
export const INV_LN2: f64 = reinterpret<f64>(0x3ff71547652b82fe);
export const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;
/** 1.5·2^52 plus 1023: x·(1/ln2) + SHIFT rounds to an integer k held in the low mantissa bits, biased by 1023. */
export const SHIFT: f64 = 6755399441055744.0 + 1023.0;
/** 1.5·2^52: adding an integer i to its bit pattern gives the double 1.5·2^52 + i. */
export const MAGIC: f64 = 6755399441055744.0;
export const MAGIC_BITS: i64 = 0x4338000000000000;
/** Inputs of exp beyond these give 0 and +Infinity in float32 and stay finite in float64. */
export const EXP_LO: f64 = -150;
export const EXP_HI: f64 = 100;
/** Relative error bound of the fast path used by the rounding test (the approximations reach 2^-49). */
export const BOUND: f64 = 5.684341886080802e-14; // 2^-44
export const MANTISSA: i64 = 0x000fffffffffffff;

@inline export function c(v: f64): v128 {
  return f64x2.splat(v);
}

// sin r = r·(1 + z·S(z)), cos r = 1 - z/2 + z²·C(z), z = r² ≤ (π/4)²: S and C interpolate at 6 Chebyshev nodes
// (mpmath chebyfit); relative errors 2^-55.6 and 2^-60.
@inline export function sinPoly(r: v128, z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const s01 = f64x2.add(c(-0.16666666666666666), f64x2.mul(z, c(0.008333333333330938)));
  const s23 = f64x2.add(c(-0.00019841269836740955), f64x2.mul(z, c(2.7557316093417853e-6)));
  const s45 = f64x2.add(c(-2.5051129942141508e-8), f64x2.mul(z, c(1.5917992268027582e-10)));
  const p = f64x2.add(s01, f64x2.mul(z2, f64x2.add(s23, f64x2.mul(z2, s45))));
  // r·(1 + z·p) rather than r + r·z·p keeps the sign of r = -0.
  return f64x2.mul(r, f64x2.add(c(1), f64x2.mul(z, p)));
}

@inline export function cosPoly(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const c01 = f64x2.add(c(0.041666666666666664), f64x2.mul(z, c(-0.0013888888888887389)));
  const c23 = f64x2.add(c(2.4801587298754668e-5), f64x2.mul(z, c(-2.7557317266015365e-7)));
  const c45 = f64x2.add(c(2.0876145077997095e-9), f64x2.mul(z, c(-1.1382546702689447e-11)));
  const p = f64x2.add(c01, f64x2.mul(z2, f64x2.add(c23, f64x2.mul(z2, c45))));
  return f64x2.add(f64x2.sub(c(1), f64x2.mul(z, c(0.5))), f64x2.mul(z2, p));
}

@inline export function logReduce(a: v128): v128 {
  return i64x2.sub(a, i64x2.splat(SQRT_HALF_BITS));
}

@inline export function logMantissa(u: v128): v128 {
  return i64x2.add(v128.and(u, i64x2.splat(MANTISSA)), i64x2.splat(SQRT_HALF_BITS));
}

@inline export function logExponent(u: v128): v128 {
  return i64x2.shr_u(i64x2.add(u, i64x2.splat(0x4000000000000000)), 52);
}

@inline export function logSpecial(a: v128, y: v128): v128 {
  const special = v128.bitselect(c(-Infinity), v128.bitselect(a, c(NaN), f64x2.eq(a, c(Infinity))), f64x2.eq(a, c(0)));
  return v128.bitselect(y, special, v128.and(f64x2.gt(a, c(0)), f64x2.lt(a, c(Infinity))));
}
