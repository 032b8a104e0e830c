// Fused elementwise updates for the optimisers' hot loops: one pass over the data instead of one
// allocation and one pass per term. Only for concrete tensors; an update that is being
// differentiated (its inputs are tracers) goes through the composed ops instead. Every operation
// rounds as the composed ops do (float32 at each step), so the results are bit-identical to them.
import type { Tensor } from './tensor.js';
import { fromData } from './tensor.js';
import { allocate } from './dtype.js';

/** True when t holds numbers (not a tracer of some transformation). */
export function isConcrete(t: Tensor): boolean {
  return t.trace === null && t.storage !== null;
}

/** max with NaN propagation, as the max primitive. */
const nanMax = (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b);

export type AdamConstants = { b1: number; b2: number; eps: number; bc1: number; bc2sqrt: number };

/**
 * One Adam step on one leaf: m' = β₁m + (1 − β₁)g, v' = β₂v + (1 − β₂)g², v̂ = max(vmax, v') under
 * AMSGrad (else v'), and the update (m'/(√v̂/bc2sqrt + ε))/bc1, as scaleByAdam composes it.
 */
export function fusedAdam(
  g: Tensor,
  m: Tensor,
  v: Tensor,
  vmax: Tensor | null,
  c: AdamConstants,
): { m: Tensor; v: Tensor; vmax: Tensor | null; update: Tensor } {
  const n = g.size;
  const dtype = g.dtype;
  const mo = allocate(dtype, n);
  const vo = allocate(dtype, n);
  const xo = vmax ? allocate(dtype, n) : null;
  const u = allocate(dtype, n);
  const gd = g.data;
  const md = m.data;
  const vd = v.data;
  const xd = vmax ? vmax.data : null;
  if (dtype === 'float32') {
    const f = Math.fround;
    const [b1, a1, b2, a2, eps, bc1, bc2] = [c.b1, 1 - c.b1, c.b2, 1 - c.b2, c.eps, c.bc1, c.bc2sqrt].map(f);
    for (let i = 0; i < n; i++) {
      const gi = gd[i];
      const mi = f(f(md[i] * b1) + f(gi * a1));
      const vi = f(f(vd[i] * b2) + f(f(gi * gi) * a2));
      const vh = xd ? (xo![i] = nanMax(xd[i], vi)) : vi;
      mo[i] = mi;
      vo[i] = vi;
      u[i] = f(mi / f(f(f(Math.sqrt(vh)) / bc2) + eps)) / bc1;
    }
  } else {
    const { b1, b2, eps, bc1, bc2sqrt: bc2 } = c;
    const a1 = 1 - b1;
    const a2 = 1 - b2;
    for (let i = 0; i < n; i++) {
      const gi = gd[i];
      const mi = md[i] * b1 + gi * a1;
      const vi = vd[i] * b2 + gi * gi * a2;
      const vh = xd ? (xo![i] = nanMax(xd[i], vi)) : vi;
      mo[i] = mi;
      vo[i] = vi;
      u[i] = mi / (Math.sqrt(vh) / bc2 + eps) / bc1;
    }
  }
  const shape = g.shape;
  return {
    m: fromData(mo, shape),
    v: fromData(vo, shape),
    vmax: xo ? fromData(xo, shape) : null,
    update: fromData(u, shape),
  };
}
