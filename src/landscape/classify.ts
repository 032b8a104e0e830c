// Classification of a stationary point. Second order: the Hessian's eigenvalues (all positive: a
// minimum; all negative: a maximum; both signs: a saddle). Where second order cannot decide (a zero
// eigenvalue), the first non-zero derivative along the Hessian's null space decides: odd order, a
// saddle (x³ at 0, the chapter's inflection; the monkey saddle x³ − 3xy²); even order, its sign
// (x⁴: a minimum). Several null directions are tried; disagreeing signs make a saddle.
import { add, cast, grad, hessian, mul, tensor, type Tensor } from '../core/index.js';
import { eigh } from '../linalg/index.js';
import type { Objective } from '../expr/index.js';
import { Rng } from '../random/index.js';
import { hypot, maxAbs } from '../linalg/vectors.js';

export type Kind = 'minimum' | 'maximum' | 'saddle' | 'degenerate';

export interface Classification {
  kind: Kind;
  /** How it was decided. */
  test: 'second-order' | 'higher-order' | 'undecided';
  eigenvalues: number[];
}

const MAX_ORDER = 8;

/** d^k/dt^k f(x + t·v) at t = 0 for k = 0..MAX_ORDER+2 (nested reverse mode on one variable). */
function directionalDerivatives(objective: Objective, x: readonly number[], v: readonly number[]): number[] {
  const x0 = tensor([...x]);
  const dir = tensor([...v]);
  let h: (t: Tensor) => Tensor = (t) => objective.at(add(x0, mul(dir, t)));
  const out: number[] = [];
  const t0 = tensor(0);
  for (let k = 0; k <= MAX_ORDER + 2; k++) {
    out.push(h(t0).item());
    h = grad(h);
  }
  return out;
}

/**
 * Classifies the stationary point x. `uncertainty` is how far x may be from the true point (a
 * degenerate point is located only that well); derivatives that small are treated as zero.
 */
export function classifyStationaryPoint(objective: Objective, x: readonly number[], uncertainty = 0): Classification {
  const n = x.length;
  const { eigenvalues: ev, eigenvectors } = eigh(cast(hessian(objective.at)(tensor([...x])), 'float64'));
  const eigenvalues = Array.from(ev.data);
  const scale = Math.max(1, maxAbs(eigenvalues));
  const tol = 1e-8 * scale + 100 * uncertainty * scale;
  const positive = eigenvalues.filter((l) => l > tol).length;
  const negative = eigenvalues.filter((l) => l < -tol).length;
  if (positive === n) return { kind: 'minimum', test: 'second-order', eigenvalues };
  if (negative === n) return { kind: 'maximum', test: 'second-order', eigenvalues };
  if (positive > 0 && negative > 0) return { kind: 'saddle', test: 'second-order', eigenvalues };
  // Null space of the Hessian: eigenvectors of the (numerically) zero eigenvalues.
  const V = eigenvectors.toArray() as number[][];
  const nullDirs: number[][] = [];
  eigenvalues.forEach((l, j) => {
    if (Math.abs(l) <= tol) nullDirs.push(V.map((row) => row[j]));
  });
  const directions = [...nullDirs];
  const rng = new Rng(2014);
  for (let a = 0; a < nullDirs.length; a++) {
    for (let b = a + 1; b < nullDirs.length; b++) {
      directions.push(nullDirs[a].map((v, i) => (v + nullDirs[b][i]) / Math.SQRT2));
      directions.push(nullDirs[a].map((v, i) => (v - nullDirs[b][i]) / Math.SQRT2));
    }
  }
  if (nullDirs.length > 1) {
    for (let r = 0; r < 8; r++) {
      const c = nullDirs.map(() => rng.normal());
      const v = x.map((_, i) => nullDirs.reduce((s, d, q) => s + c[q] * d[i], 0));
      const norm = hypot(v);
      directions.push(v.map((vi) => vi / norm));
    }
  }
  const signs = new Set<number>();
  if (positive > 0) signs.add(1);
  if (negative > 0) signs.add(-1);
  for (const v of directions) {
    const D = directionalDerivatives(objective, x, v);
    let decided = false;
    for (let k = 2; k <= MAX_ORDER; k++) {
      // D_k at a point `uncertainty` away from the true one differs from it by about u·D_{k+1}.
      const zeroTol =
        1e-9 * Math.max(1, Math.abs(D[0])) +
        10 * uncertainty * Math.abs(D[k + 1]) +
        50 * uncertainty ** 2 * Math.abs(D[k + 2]);
      if (Math.abs(D[k]) <= zeroTol) continue;
      if (k % 2 === 1) return { kind: 'saddle', test: 'higher-order', eigenvalues };
      signs.add(Math.sign(D[k]));
      decided = true;
      break;
    }
    if (!decided) return { kind: 'degenerate', test: 'undecided', eigenvalues };
    if (signs.size > 1) return { kind: 'saddle', test: 'higher-order', eigenvalues };
  }
  return { kind: signs.has(1) ? 'minimum' : 'maximum', test: 'higher-order', eigenvalues };
}
