// The spectral density by stochastic Lanczos quadrature (Golub & Meurant; Ghorbani, Krishnan & Xiao
// 2019, arXiv 1901.10159): m Lanczos steps from a random unit vector v give T_m, whose eigenvalues θₖ
// and squared first eigenvector components τₖ are the nodes and weights of the Gauss quadrature of the
// measure vᵀ δ(λ − M) v, an unbiased estimate of the spectral distribution; n_v runs are averaged and
// each node is broadened by a Gaussian of standard deviation σ. T_m is symmetric and solved as such
// (PyHessian calls a non-symmetric eig and gets complex weights). Without reorthogonalisation the
// quadrature stays accurate (Meurant & Strakoš 2006), which makes the low-memory mode sound here.
import { SaddleError } from '../core/errors.js';
import { lanczosRun, tridiagonalEigen } from '../linalg/lanczos.js';
import { Rng } from '../random/index.js';
import type { SymmetricOperator } from './spectrum.js';

export interface DensityOptions {
  /** Lanczos steps per run, m (default 80, as hessian-eigenthings and Ghorbani et al.). */
  steps?: number;
  /** Independent runs, n_v (default 1). */
  runs?: number;
  seed: number;
  /** Gaussian broadening: the kernel's STANDARD DEVIATION (default 1% of the nodes' range). */
  sigma?: number;
  /** Grid points (default 512). */
  points?: number;
  lowMemory?: boolean;
  onProgress?: (products: number, of: number) => void;
}

export interface SpectralDensity {
  /** λ values, ascending, spanning the nodes ± 3σ. */
  grid: number[];
  /** The broadened density at each grid point (integrates to 1). */
  values: number[];
  sigma: number;
  runs: number;
  steps: number;
  /**
   * Quadrature nodes and weights of each run (weights of a run sum to 1), and each node's Ritz residual
   * estimate β_m·|last component|: small for a node that has converged to one isolated eigenvalue.
   */
  nodes: { values: number[]; weights: number[]; residuals: number[] }[];
  /**
   * SLQ's estimate of the fraction of eigenvalues below −σ: the weight of the nodes there. Eigenvalues
   * within σ of zero are below the density's resolution (a trained network has many; their Ritz node
   * lands on either side of 0), so they are not counted as negative curvature.
   */
  negativeMass: number;
  /** The extreme nodes over all runs (the extreme Ritz values converge first). */
  min: number;
  max: number;
  products: number;
  seed: number;
  lowMemory: boolean;
  seconds: number;
}

export function spectralDensity(op: SymmetricOperator, options: DensityOptions): SpectralDensity {
  const started = performance.now();
  const steps = Math.min(options.steps ?? 80, op.size);
  const runs = options.runs ?? 1;
  const points = options.points ?? 512;
  for (const [name, v, least] of [
    ['steps', steps, 1],
    ['runs', runs, 1],
    ['points', points, 2],
  ] as const) {
    if (!Number.isInteger(v) || v < least)
      throw new SaddleError(`spectralDensity: ${name} must be an integer of at least ${least}, got ${v}`);
  }
  if (options.sigma !== undefined && !(options.sigma > 0))
    throw new SaddleError(`spectralDensity: sigma must be positive, got ${options.sigma}`);
  const rng = new Rng(options.seed);
  const nodes: { values: number[]; weights: number[]; residuals: number[] }[] = [];
  let products = 0;
  for (let r = 0; r < runs; r++) {
    // A Rademacher start scaled to unit length: E[vvᵀ] = I/n, so the quadrature estimates tr(δ(λ − M))/n.
    const start = new Float64Array(op.size);
    for (let i = 0; i < start.length; i++) start[i] = (rng.float() < 0.5 ? -1 : 1) / Math.sqrt(op.size);
    const run = lanczosRun((v) => op.apply(v), op.size, {
      steps,
      start,
      reorthogonalize: options.lowMemory ? 'none' : 'full',
      float32Basis: op.dtype === 'float32',
      onStep: (s) => options.onProgress?.(products + s, steps * runs),
    });
    products += run.products;
    const eig = tridiagonalEigen(run);
    nodes.push({
      values: eig.values,
      weights: eig.weights,
      residuals: eig.vectors.map((z) => Math.abs(run.lastBeta * z[z.length - 1])),
    });
  }
  // Loops, not Math.min(...values): runs × steps nodes can be more arguments than the call stack holds.
  let min = Infinity;
  let max = -Infinity;
  for (const n of nodes) {
    for (const v of n.values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  }
  const sigma = options.sigma ?? Math.max(0.01 * (max - min), 1e-12 * Math.max(Math.abs(min), Math.abs(max), 1));
  const lo = min - 3 * sigma;
  const hi = max + 3 * sigma;
  const grid = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const values = new Array<number>(points).fill(0);
  const c = 1 / (runs * sigma * Math.sqrt(2 * Math.PI));
  for (const run of nodes) {
    run.values.forEach((theta, k) => {
      const w = run.weights[k] * c;
      for (let i = 0; i < points; i++) {
        const z = (grid[i] - theta) / sigma;
        if (z > -9 && z < 9) values[i] += w * Math.exp(-0.5 * z * z);
      }
    });
  }
  let negativeMass = 0;
  for (const run of nodes)
    run.values.forEach((theta, k) => {
      if (theta < -sigma) negativeMass += run.weights[k] / runs;
    });
  return {
    grid,
    values,
    sigma,
    runs,
    steps,
    nodes,
    negativeMass,
    min,
    max,
    products,
    seed: options.seed,
    lowMemory: options.lowMemory ?? false,
    seconds: (performance.now() - started) / 1000,
  };
}

type Atoms = [number, number][];

function atomsOf(density: Pick<SpectralDensity, 'nodes'>, sign: 1 | -1): Atoms {
  const runs = density.nodes.length;
  return density.nodes.flatMap((r) => r.values.map((v, k) => [v, (sign * r.weights[k]) / runs] as [number, number]));
}

/** ∫ |F_a(λ) − F_b(λ)| dλ for the signed atoms of two probability measures (a positive, b negative). */
function w1(atoms: Atoms): number {
  atoms.sort((x, y) => x[0] - y[0]);
  let cdf = 0;
  let w = 0;
  for (let i = 0; i < atoms.length - 1; i++) {
    cdf += atoms[i][1];
    w += Math.abs(cdf) * (atoms[i + 1][0] - atoms[i][0]);
  }
  return w;
}

/**
 * The 1-Wasserstein distance between the SLQ measure (all runs' nodes, weights averaged) and the
 * uniform measure on a set of exact eigenvalues: ∫ |F_SLQ(λ) − F_exact(λ)| dλ.
 */
export function wasserstein1(density: Pick<SpectralDensity, 'nodes'>, eigenvalues: readonly number[]): number {
  return w1([...atomsOf(density, 1), ...eigenvalues.map((v) => [v, -1 / eigenvalues.length] as [number, number])]);
}

/** The 1-Wasserstein distance between two SLQ measures (e.g. with and without reorthogonalisation). */
export function wasserstein1Between(a: Pick<SpectralDensity, 'nodes'>, b: Pick<SpectralDensity, 'nodes'>): number {
  return w1([...atomsOf(a, 1), ...atomsOf(b, -1)]);
}
