// Fused optimiser steps for the optimisers' hot loops: one pass over the data instead of one allocation and
// one pass per term. Only for concrete tensors; an update that is being differentiated (its inputs are
// tracers) goes through the composed ops instead. Every operation rounds as the composed ops do (float32
// at each step), so the results are bit-identical to them. Where the outputs are resident in WASM memory
// (storage.ts) the SIMD kernels of asm/optim.ts run; this file's loops are their reference.
import type { DType } from './dtype.js';
import { wasmKernelsOn } from './kernels/index.js';
import { wasmRuntime } from './kernels/wasm/module.js';
import { parallelRange, type ThreadKernel } from './kernels/wasm/threads.js';
import { isResident, releaseStaged, staged, type Numbers, type Storage } from './storage.js';
import { Tensor } from './tensor.js';

/** True when t holds numbers (not a tracer of some transformation). */
export function isConcrete(t: Tensor): boolean {
  return t.trace === null && (t.array !== null || t.block !== null);
}

/** max with NaN propagation, as the max primitive. */
const nanMax = (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b);

export type AdamConstants = { b1: number; b2: number; eps: number; bc1: number; bc2sqrt: number };

// Flags shared with asm/optim.ts.
export const STEP_FLAGS = {
  amsgrad: 1,
  decoupled: 2,
  coupled: 4,
  maximize: 8,
  momentum: 16,
  nesterov: 32,
  first: 64,
  dampened: 128,
} as const;

export interface AdamStepSettings extends AdamConstants {
  /** Weight decay λ: coupled (Adam's g + λθ) or decoupled (AdamW's u + λθ), by `decoupled`. */
  weightDecay: number;
  decoupled: boolean;
  maximize: boolean;
  lr: number;
}

export interface SgdStepSettings {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
  lr: number;
}

/** Rounds to the dtype at every operation (float32), or not at all (float64). */
const rounder = (dtype: DType): ((x: number) => number) => (dtype === 'float32' ? Math.fround : (x) => x);

/** The output for a leaf: the donated input itself when in place, else new numbers (resident in a scope). */
function outputFor(t: Tensor, inPlace: boolean): Tensor {
  return inPlace ? t : Tensor.allocate(t.dtype, t.shape, false);
}

/** Elements from which a step is split between two threads (when enabled). */
const PARALLEL_ELEMENTS = 1 << 16;

/**
 * Runs an optimiser kernel on resident outputs over [0, n), on two threads for large leaves (each element by
 * one thread, as with one), staging ordinary inputs; false to use the reference instead. `args(ptrs, lo, hi)`
 * gives the kernel's arguments for a range, from the input and output pointers (inputs first).
 */
function runWasm(
  kernel: ThreadKernel,
  inputs: readonly Numbers[],
  outputs: readonly Numbers[],
  n: number,
  args: (ptrs: number[], lo: number, hi: number) => number[],
): boolean {
  const rt = wasmRuntime();
  if (rt === null || !wasmKernelsOn() || !outputs.every(isResident)) return false;
  const temps: Storage[] = [];
  const ptrs: number[] = [];
  for (const st of inputs) {
    const s = staged(st, temps);
    if (s === null) {
      releaseStaged(temps);
      return false;
    }
    ptrs.push(s.ptr);
  }
  for (const o of outputs) ptrs.push((o.block as Storage).ptr);
  const size = outputs[0].dtype === 'float64' ? 8 : 4;
  const fn = rt.exports[kernel] as (...a: number[]) => void;
  parallelRange(
    n,
    PARALLEL_ELEMENTS,
    (lo, hi) => [
      kernel,
      args(
        ptrs.map((p) => p + lo * size),
        lo,
        hi,
      ),
    ],
    (_, a) => fn(...a),
  );
  releaseStaged(temps);
  return true;
}

/**
 * One Adam step on one leaf, as the chain [scale(−1)?, addWeightDecay | —, scaleByAdam, addDecayedWeights | —,
 * scaleByLearningRate] followed by θ + u composes it: m′ = β₁m + (1 − β₁)g, v′ = β₂v + (1 − β₂)g²,
 * v̂ = max(vmax, v′) under AMSGrad, u = (m′/(√v̂/bc2 + ε))/bc1, θ′ = θ − η·u. With `inPlace` the new values
 * overwrite θ, m, v (and vmax): the caller donates them.
 */
export function adamStep(
  p: Tensor,
  g: Tensor,
  m: Tensor,
  v: Tensor,
  vmax: Tensor | null,
  c: AdamStepSettings,
  inPlace = false,
): { p: Tensor; m: Tensor; v: Tensor; vmax: Tensor | null } {
  const F = STEP_FLAGS;
  const flags =
    (vmax ? F.amsgrad : 0) |
    (c.weightDecay !== 0 ? (c.decoupled ? F.decoupled : F.coupled) : 0) |
    (c.maximize ? F.maximize : 0);
  const n = p.size;
  const po = outputFor(p, inPlace);
  const mo = outputFor(m, inPlace);
  const vo = outputFor(v, inPlace);
  const xo = vmax ? outputFor(vmax, inPlace) : null;
  const inputs = [p, g, m, v, vmax ?? v];
  const outputs = [po, mo, vo, xo ?? vo];
  const { b1, b2, eps, bc1, bc2sqrt, weightDecay, lr } = c;
  const done = runWasm(p.dtype === 'float64' ? 'adam64' : 'adam32', inputs, outputs, n, (ptrs, lo, hi) => [
    ...ptrs,
    hi - lo,
    flags,
    b1,
    b2,
    eps,
    bc1,
    bc2sqrt,
    weightDecay,
    lr,
  ]);
  if (!done) {
    const f = rounder(p.dtype);
    const [pd, gd, md, vd] = [p.data, g.data, m.data, v.data];
    const xd = vmax ? vmax.data : null;
    const [P, M, V] = [po.data, mo.data, vo.data];
    const X = xo ? xo.data : null;
    const [sb1, sa1, sb2, sa2, se, sbc1, sbc2, swd, nlr] = [
      b1,
      1 - b1,
      b2,
      1 - b2,
      eps,
      bc1,
      bc2sqrt,
      weightDecay,
      -lr,
    ].map(f);
    for (let i = 0; i < n; i++) {
      const pi = pd[i];
      let gi = gd[i];
      if (c.maximize) gi = -gi;
      if (flags & F.coupled) gi = f(gi + f(pi * swd));
      const mi = f(f(md[i] * sb1) + f(gi * sa1));
      const vi = f(f(vd[i] * sb2) + f(f(gi * gi) * sa2));
      const vh = xd ? ((X as typeof xd)[i] = nanMax(xd[i], vi)) : vi;
      let u = f(f(mi / f(f(f(Math.sqrt(vh)) / sbc2) + se)) / sbc1);
      if (flags & F.decoupled) u = f(u + f(pi * swd));
      M[i] = mi;
      V[i] = vi;
      P[i] = f(pi + f(u * nlr));
    }
  }
  return { p: po, m: mo, v: vo, vmax: xo };
}

/**
 * One SGD step on one leaf, as torch.optim.SGD and the chain [scale(−1)?, addWeightDecay, trace?,
 * scaleByLearningRate]: g ← g + λθ; with momentum b ← μb + (1 − τ)g (b = g when `buffer` is null) and the step
 * b, or g + μb with Nesterov; θ′ = θ − η·d. With `inPlace` θ and the buffer are overwritten (donated).
 */
export function sgdStep(
  p: Tensor,
  g: Tensor,
  buffer: Tensor | null,
  c: SgdStepSettings,
  inPlace = false,
): { p: Tensor; buffer: Tensor | null } {
  const F = STEP_FLAGS;
  const momentum = c.momentum !== 0;
  const flags =
    (c.maximize ? F.maximize : 0) |
    (c.weightDecay !== 0 ? F.coupled : 0) |
    (momentum ? F.momentum : 0) |
    (c.nesterov ? F.nesterov : 0) |
    (buffer === null ? F.first : 0) |
    (c.dampening !== 0 ? F.dampened : 0);
  const n = p.size;
  const po = outputFor(p, inPlace);
  const bo = momentum
    ? buffer !== null
      ? outputFor(buffer, inPlace)
      : Tensor.allocate(p.dtype, p.shape, false)
    : null;
  const inputs = [p, g, buffer ?? g];
  const outputs = bo ? [po, bo] : [po, po];
  const done = runWasm(p.dtype === 'float64' ? 'sgd64' : 'sgd32', inputs, outputs, n, (ptrs, lo, hi) => [
    ...ptrs,
    hi - lo,
    flags,
    c.momentum,
    c.dampening,
    c.weightDecay,
    c.lr,
  ]);
  if (!done) {
    const f = rounder(p.dtype);
    const [pd, gd] = [p.data, g.data];
    const bd = buffer ? buffer.data : null;
    const P = po.data;
    const B = bo ? bo.data : null;
    const [mu, d1, swd, nlr] = [c.momentum, 1 - c.dampening, c.weightDecay, -c.lr].map(f);
    for (let i = 0; i < n; i++) {
      const pi = pd[i];
      let gi = gd[i];
      if (c.maximize) gi = -gi;
      if (flags & F.coupled) gi = f(gi + f(pi * swd));
      let d = gi;
      if (B !== null) {
        const b = bd === null ? gi : f(f(bd[i] * mu) + (flags & F.dampened ? f(gi * d1) : gi));
        B[i] = b;
        d = c.nesterov ? f(gi + f(b * mu)) : b;
      }
      P[i] = f(pi + f(d * nlr));
    }
  }
  return { p: po, buffer: bo };
}

/**
 * One Adam step on one leaf without the learning rate and the parameters: the update
 * (m′/(√v̂/bc2sqrt + ε))/bc1 of scaleByAdam, with the new moments (for `update`, which returns updates).
 */
export function fusedAdam(
  g: Tensor,
  m: Tensor,
  v: Tensor,
  vmax: Tensor | null,
  c: AdamConstants,
): { m: Tensor; v: Tensor; vmax: Tensor | null; update: Tensor } {
  const n = g.size;
  const f = rounder(g.dtype);
  const mo = Tensor.allocate(g.dtype, g.shape, false);
  const vo = Tensor.allocate(g.dtype, g.shape, false);
  const xo = vmax ? Tensor.allocate(g.dtype, g.shape, false) : null;
  const uo = Tensor.allocate(g.dtype, g.shape, false);
  const [gd, md, vd] = [g.data, m.data, v.data];
  const xd = vmax ? vmax.data : null;
  const [M, V, U] = [mo.data, vo.data, uo.data];
  const X = xo ? xo.data : null;
  const [b1, a1, b2, a2, eps, bc1, bc2] = [c.b1, 1 - c.b1, c.b2, 1 - c.b2, c.eps, c.bc1, c.bc2sqrt].map(f);
  for (let i = 0; i < n; i++) {
    const gi = gd[i];
    const mi = f(f(md[i] * b1) + f(gi * a1));
    const vi = f(f(vd[i] * b2) + f(f(gi * gi) * a2));
    const vh = xd ? ((X as typeof xd)[i] = nanMax(xd[i], vi)) : vi;
    M[i] = mi;
    V[i] = vi;
    U[i] = f(f(mi / f(f(f(Math.sqrt(vh)) / bc2) + eps)) / bc1);
  }
  return { m: mo, v: vo, vmax: xo, update: uo };
}
