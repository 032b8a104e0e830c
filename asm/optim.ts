// Whole optimiser steps in one pass over resident memory (torch.optim's Adam, AdamW and SGD with
// momentum): the moments, the update and the new parameters, written in place when the caller donates
// its buffers. Every operation rounds as the composed ops of src/optim do (a float32 lane rounds each op
// once, constants are rounded to the dtype first), so the result is bit-identical to the chain of
// transformations; the TypeScript reference is src/core/fused.ts.

export const AMSGRAD: i32 = 1;
/** AdamW: u ← u + λθ after the Adam scaling (Loshchilov & Hutter 2019). */
export const DECOUPLED: i32 = 2;
/** Adam and SGD: g ← g + λθ (torch's weight_decay). */
export const COUPLED: i32 = 4;
export const MAXIMIZE: i32 = 8;
export const MOMENTUM: i32 = 16;
export const NESTEROV: i32 = 32;
/** SGD's first step with momentum: the buffer starts as the gradient. */
export const FIRST: i32 = 64;
export const DAMPENED: i32 = 128;

@inline function isF64<T>(): bool {
  return sizeof<T>() == 8;
}

@inline function at<T>(p: usize, i: i32): usize {
  return p + (<usize>i << (isF64<T>() ? 3 : 2));
}

@inline function vs<T>(x: f64): v128 {
  return isF64<T>() ? f64x2.splat(x) : f32x4.splat(<f32>x);
}

@inline function vadd<T>(a: v128, b: v128): v128 {
  return isF64<T>() ? f64x2.add(a, b) : f32x4.add(a, b);
}

@inline function vmul<T>(a: v128, b: v128): v128 {
  return isF64<T>() ? f64x2.mul(a, b) : f32x4.mul(a, b);
}

@inline function vdiv<T>(a: v128, b: v128): v128 {
  return isF64<T>() ? f64x2.div(a, b) : f32x4.div(a, b);
}

@inline function vsqrt<T>(a: v128): v128 {
  return isF64<T>() ? f64x2.sqrt(a) : f32x4.sqrt(a);
}

/** max with NaN propagation, a > b ? a : b otherwise (the max primitive). */
@inline function vmaxNaN<T>(a: v128, b: v128): v128 {
  const gt = isF64<T>() ? f64x2.gt(a, b) : f32x4.gt(a, b);
  const nan = isF64<T>() ? v128.or(f64x2.ne(a, a), f64x2.ne(b, b)) : v128.or(f32x4.ne(a, a), f32x4.ne(b, b));
  return v128.bitselect(vs<T>(NaN), v128.bitselect(a, b, gt), nan);
}

@inline function smax<T>(a: T, b: T): T {
  return a != a || b != b ? <T>NaN : a > b ? a : b;
}

/**
 * Adam over n elements: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², v̂ = max(vmax, v) under AMSGrad,
 * u = (m / (√v̂ / bc2 + ε)) / bc1, then decay and −η, θ ← θ + u. Outputs may alias inputs.
 */
function adam<T>(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, pOut: usize, mOut: usize, vOut: usize, xOut: usize,
  n: i32, flags: i32, b1f: f64, b2f: f64, eps: f64, bc1: f64, bc2: f64, wd: f64, lr: f64,
): void {
  const L = 16 / sizeof<T>();
  const b1 = vs<T>(b1f), a1 = vs<T>(1 - b1f), b2 = vs<T>(b2f), a2 = vs<T>(1 - b2f);
  const ve = vs<T>(eps), vbc1 = vs<T>(bc1), vbc2 = vs<T>(bc2), vwd = vs<T>(wd), nlr = vs<T>(-lr), neg = vs<T>(-1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const pi = v128.load(at<T>(p, i));
    let gi = v128.load(at<T>(g, i));
    if (flags & MAXIMIZE) gi = vmul<T>(gi, neg);
    if (flags & COUPLED) gi = vadd<T>(gi, vmul<T>(pi, vwd));
    const mi = vadd<T>(vmul<T>(v128.load(at<T>(m, i)), b1), vmul<T>(gi, a1));
    const vi = vadd<T>(vmul<T>(v128.load(at<T>(v, i)), b2), vmul<T>(vmul<T>(gi, gi), a2));
    let vh = vi;
    if (flags & AMSGRAD) {
      vh = vmaxNaN<T>(v128.load(at<T>(vmax, i)), vi);
      v128.store(at<T>(xOut, i), vh);
    }
    let u = vdiv<T>(vdiv<T>(mi, vadd<T>(vdiv<T>(vsqrt<T>(vh), vbc2), ve)), vbc1);
    if (flags & DECOUPLED) u = vadd<T>(u, vmul<T>(pi, vwd));
    v128.store(at<T>(mOut, i), mi);
    v128.store(at<T>(vOut, i), vi);
    v128.store(at<T>(pOut, i), vadd<T>(pi, vmul<T>(u, nlr)));
  }
  const sb1 = <T>b1f, sa1 = <T>(1 - b1f), sb2 = <T>b2f, sa2 = <T>(1 - b2f);
  const se = <T>eps, sbc1 = <T>bc1, sbc2 = <T>bc2, swd = <T>wd, snlr = <T>-lr;
  for (; i < n; i++) {
    const pi = load<T>(at<T>(p, i));
    let gi = load<T>(at<T>(g, i));
    if (flags & MAXIMIZE) gi = gi * <T>-1;
    if (flags & COUPLED) gi = gi + pi * swd;
    const mi: T = load<T>(at<T>(m, i)) * sb1 + gi * sa1;
    const vi: T = load<T>(at<T>(v, i)) * sb2 + gi * gi * sa2;
    let vh = vi;
    if (flags & AMSGRAD) {
      vh = smax<T>(load<T>(at<T>(vmax, i)), vi);
      store<T>(at<T>(xOut, i), vh);
    }
    let u: T = mi / (<T>sqrt<T>(vh) / sbc2 + se) / sbc1;
    if (flags & DECOUPLED) u = u + pi * swd;
    store<T>(at<T>(mOut, i), mi);
    store<T>(at<T>(vOut, i), vi);
    store<T>(at<T>(pOut, i), pi + u * snlr);
  }
}

export function adam32(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, pOut: usize, mOut: usize, vOut: usize, xOut: usize,
  n: i32, flags: i32, b1: f64, b2: f64, eps: f64, bc1: f64, bc2: f64, wd: f64, lr: f64,
): void {
  adam<f32>(p, g, m, v, vmax, pOut, mOut, vOut, xOut, n, flags, b1, b2, eps, bc1, bc2, wd, lr);
}

export function adam64(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, pOut: usize, mOut: usize, vOut: usize, xOut: usize,
  n: i32, flags: i32, b1: f64, b2: f64, eps: f64, bc1: f64, bc2: f64, wd: f64, lr: f64,
): void {
  adam<f64>(p, g, m, v, vmax, pOut, mOut, vOut, xOut, n, flags, b1, b2, eps, bc1, bc2, wd, lr);
}

/**
 * SGD over n elements, as torch.optim.SGD: g ← g + λθ; with momentum b ← μb + (1 − τ)g (b = g on the
 * first step) and the step b, or g + μb with Nesterov; θ ← θ − ηd. Outputs may alias inputs.
 */
function sgd<T>(
  p: usize, g: usize, buf: usize, pOut: usize, bufOut: usize, n: i32, flags: i32,
  mu: f64, damp: f64, wd: f64, lr: f64,
): void {
  const L = 16 / sizeof<T>();
  const vmu = vs<T>(mu), vd = vs<T>(1 - damp), vwd = vs<T>(wd), nlr = vs<T>(-lr), neg = vs<T>(-1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const pi = v128.load(at<T>(p, i));
    let gi = v128.load(at<T>(g, i));
    if (flags & MAXIMIZE) gi = vmul<T>(gi, neg);
    if (flags & COUPLED) gi = vadd<T>(gi, vmul<T>(pi, vwd));
    let d = gi;
    if (flags & MOMENTUM) {
      let b = gi;
      if (!(flags & FIRST)) b = vadd<T>(vmul<T>(v128.load(at<T>(buf, i)), vmu), flags & DAMPENED ? vmul<T>(gi, vd) : gi);
      v128.store(at<T>(bufOut, i), b);
      d = flags & NESTEROV ? vadd<T>(gi, vmul<T>(b, vmu)) : b;
    }
    v128.store(at<T>(pOut, i), vadd<T>(pi, vmul<T>(d, nlr)));
  }
  const smu = <T>mu, sd = <T>(1 - damp), swd = <T>wd, snlr = <T>-lr;
  for (; i < n; i++) {
    const pi = load<T>(at<T>(p, i));
    let gi = load<T>(at<T>(g, i));
    if (flags & MAXIMIZE) gi = gi * <T>-1;
    if (flags & COUPLED) gi = gi + pi * swd;
    let d = gi;
    if (flags & MOMENTUM) {
      let b = gi;
      if (!(flags & FIRST)) b = load<T>(at<T>(buf, i)) * smu + (flags & DAMPENED ? gi * sd : gi);
      store<T>(at<T>(bufOut, i), b);
      d = flags & NESTEROV ? gi + b * smu : b;
    }
    store<T>(at<T>(pOut, i), pi + d * snlr);
  }
}

export function sgd32(
  p: usize, g: usize, buf: usize, pOut: usize, bufOut: usize, n: i32, flags: i32,
  mu: f64, damp: f64, wd: f64, lr: f64,
): void {
  sgd<f32>(p, g, buf, pOut, bufOut, n, flags, mu, damp, wd, lr);
}

export function sgd64(
  p: usize, g: usize, buf: usize, pOut: usize, bufOut: usize, n: i32, flags: i32,
  mu: f64, damp: f64, wd: f64, lr: f64,
): void {
  sgd<f64>(p, g, buf, pOut, bufOut, n, flags, mu, damp, wd, lr);
}
