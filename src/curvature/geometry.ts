// The loss along lines and over planes through parameter space (Goodfellow, Vinyals & Saxe 2015; Li et al. 2018,
// "Visualizing the loss landscape of neural nets", arXiv 1712.09913): linear interpolation between two parameter
// sets, random directions with filter normalisation, and the PCA plane of a training trajectory with the
// measures that tell when its picture misleads (explained variance, each checkpoint's distance from the plane).
// Parameters are handled as flat float64 vectors (curvature/blocks.ts); a point is rounded once to the
// parameters' dtype when it is evaluated.
import { SaddleError } from '../core/errors.js';
import { fromData, scope, type Tree } from '../core/index.js';
import { eigh } from '../linalg/index.js';
import { accuracy, selectRows, type Dataset, type MlpParams } from '../models/index.js';
import type { Rng } from '../random/index.js';
import type { Block, BlockView } from './blocks.js';
import type { CurvatureLoss } from './losses.js';

/**
 * How a random direction is scaled to the parameters: 'filter' rescales every output unit's slice of each weight
 * tensor (a column of saddle's [in, out] matrix, a row of torch's [out, in]) to the norm of the same slice of the
 * weights, d_j ← d_j·‖w_j‖/(‖d_j‖ + 1e-10) (Li et al.'s filter normalisation); 'layer' rescales each tensor as a
 * whole; 'none' keeps the raw Gaussian direction.
 */
export const NORMALIZATIONS = ['filter', 'layer', 'none'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export interface DirectionOptions {
  normalize?: Normalization;
  /**
   * 'zero' (default, loss-landscape's --xignore biasbn): the direction leaves rank-1 tensors alone; 'keep': they move
   * too, normalised like the weights (each bias entry is its unit's own filter: |d_j| = |b_j|, sign random).
   */
  biases?: 'zero' | 'keep';
}

/** Tensors of rank ≥ 2 are weights whose last axis indexes output units; rank ≤ 1 tensors are biases. */
const isWeight = (b: Block): boolean => b.shape.length >= 2;

/** Rescales `d` (flat, in `view`'s block order) in place against the flat parameters `w`. */
export function normalizeDirection(
  view: BlockView<Tree>,
  w: Float64Array,
  d: Float64Array,
  options: DirectionOptions = {},
): Float64Array {
  const normalize = options.normalize ?? 'filter';
  const biases = options.biases ?? 'zero';
  if (!NORMALIZATIONS.includes(normalize))
    throw new SaddleError(`normalizeDirection: normalize '${normalize}' is not ${NORMALIZATIONS.join(', ')}`);
  if (biases !== 'zero' && biases !== 'keep')
    throw new SaddleError(`normalizeDirection: biases '${String(biases)}' is not 'zero' or 'keep'`);
  for (const b of view.blocks) {
    if (!isWeight(b) && biases === 'zero') {
      d.fill(0, b.offset, b.offset + b.size);
      continue;
    }
    if (normalize === 'none') continue;
    // Output units: the last axis of a weight; every entry of a bias; the whole tensor for 'layer'.
    const units = normalize === 'layer' ? 1 : isWeight(b) ? b.shape[b.shape.length - 1] : b.size;
    const stride = normalize === 'layer' ? 1 : units;
    const length = b.size / units;
    for (let j = 0; j < units; j++) {
      let ww = 0;
      let dd = 0;
      for (let k = 0; k < length; k++) {
        const at = b.offset + (normalize === 'layer' ? k : j + k * stride);
        ww += w[at] * w[at];
        dd += d[at] * d[at];
      }
      const scale = Math.sqrt(ww) / (Math.sqrt(dd) + 1e-10);
      for (let k = 0; k < length; k++) d[b.offset + (normalize === 'layer' ? k : j + k * stride)] *= scale;
    }
  }
  return d;
}

/** A seeded Gaussian direction (flat, float64), normalised against the parameters of `view`. */
export function randomDirection(view: BlockView<Tree>, rng: Rng, options: DirectionOptions = {}): Float64Array {
  const d = new Float64Array(view.size);
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return normalizeDirection(view, view.point, d, options);
}

/** (1 − α)·a + α·b: exactly a at α = 0 and exactly b at α = 1. */
export function interpolate(a: Float64Array, b: Float64Array, alpha: number): Float64Array {
  if (a.length !== b.length) throw new SaddleError(`interpolate: ${a.length} parameters against ${b.length}`);
  const out = new Float64Array(a.length);
  const s = 1 - alpha;
  for (let i = 0; i < a.length; i++) out[i] = s * a[i] + alpha * b[i];
  return out;
}

/** center + Σ_k coords[k]·directions[k]. */
export function pointOnPlane(center: Float64Array, directions: readonly Float64Array[], coords: readonly number[]) {
  const out = Float64Array.from(center);
  directions.forEach((d, k) => {
    const c = coords[k];
    if (c !== 0) for (let i = 0; i < out.length; i++) out[i] += c * d[i];
  });
  return out;
}

export interface TrajectoryPca {
  /** The two principal directions (unit vectors, flat float64) of the checkpoints θ_i − θ_final. */
  directions: [Float64Array, Float64Array];
  /** Fraction of the trajectory's variance along each direction (sklearn's explained_variance_ratio_). */
  explainedVariance: [number, number];
  /** Each checkpoint's coordinates in the plane through θ_final, ⟨θ_i − θ_final, d_k⟩. */
  coordinates: [number, number][];
  /** Each checkpoint's distance from that plane, ‖(θ_i − θ_final) − its projection‖. */
  residuals: number[];
  /** The residual over ‖θ_i − θ_final‖ (0 for the final point itself): above ~0.3 the picture misleads. */
  relativeResiduals: number[];
}

function dotOf(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * PCA of a trajectory (loss-landscape's projection.py): the rows θ_i − θ_final, centred, give the two directions
 * of largest variance, found from the n × n Gram matrix (n checkpoints, however many parameters). Directions are
 * signed so that the first checkpoint has non-negative coordinates.
 */
export function trajectoryPca(checkpoints: readonly Float64Array[], final: Float64Array): TrajectoryPca {
  const n = checkpoints.length;
  if (n < 3) throw new SaddleError(`trajectoryPca: ${n} checkpoints; a plane needs at least 3`);
  const p = final.length;
  const diffs = checkpoints.map((c, i) => {
    if (c.length !== p) throw new SaddleError(`trajectoryPca: checkpoint ${i} has ${c.length} parameters, not ${p}`);
    return Float64Array.from(c, (v, k) => v - final[k]);
  });
  const mean = new Float64Array(p);
  for (const d of diffs) for (let k = 0; k < p; k++) mean[k] += d[k] / n;
  const centred = diffs.map((d) => Float64Array.from(d, (v, k) => v - mean[k]));
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) gram[i * n + j] = gram[j * n + i] = dotOf(centred[i], centred[j]);
  const { eigenvalues, eigenvectors } = eigh(fromData(gram, [n, n]));
  const values = eigenvalues.data;
  const vectors = eigenvectors.data;
  let total = 0;
  for (const v of values) total += Math.max(v, 0);
  if (!(total > 0)) throw new SaddleError('trajectoryPca: the checkpoints are all the same point');
  const directions = [n - 1, n - 2].map((col) => {
    const v = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const u = vectors[i * n + col];
      if (u !== 0) for (let k = 0; k < p; k++) v[k] += u * centred[i][k];
    }
    const norm = Math.sqrt(dotOf(v, v));
    if (!(norm > 0)) throw new SaddleError('trajectoryPca: the checkpoints lie on a line; there is no plane');
    const sign = dotOf(v, diffs[0]) < 0 ? -1 : 1;
    for (let k = 0; k < p; k++) v[k] *= sign / norm;
    return v;
  }) as [Float64Array, Float64Array];
  const coordinates = diffs.map((d) => [dotOf(d, directions[0]), dotOf(d, directions[1])] as [number, number]);
  const residuals = diffs.map((d, i) => {
    const [a, b] = coordinates[i];
    let s = 0;
    for (let k = 0; k < p; k++) {
      const r = d[k] - a * directions[0][k] - b * directions[1][k];
      s += r * r;
    }
    return Math.sqrt(s);
  });
  const relativeResiduals = diffs.map((d, i) => {
    const norm = Math.sqrt(dotOf(d, d));
    return norm > 0 ? residuals[i] / norm : 0;
  });
  const ratio = (v: number) => Math.max(v, 0) / total;
  return {
    directions,
    explainedVariance: [ratio(values[n - 1]), ratio(values[n - 2])],
    coordinates,
    residuals,
    relativeResiduals,
  };
}

export interface Metrics {
  loss: number;
  /** Fraction of examples whose largest output is their label; null when the data has no classes. */
  accuracy: number | null;
}

/**
 * The loss over a whole data set (each batch weighted by its size) and, for classes, the accuracy of the argmax of
 * the loss's outputs. Runs in a scope: nothing stays behind.
 */
export function datasetMetrics(
  loss: CurvatureLoss<MlpParams>,
  params: MlpParams,
  data: Dataset,
  options: { batchSize?: number; classes?: boolean } = {},
): Metrics {
  const n = data.x.shape[0];
  const size = Math.min(options.batchSize ?? 1000, n);
  let total = 0;
  let correct = 0;
  for (let start = 0, index = 0; start < n; start += size, index++) {
    const rows = Array.from({ length: Math.min(size, n - start) }, (_, i) => start + i);
    scope(() => {
      const { x, y } = rows.length === n ? data : selectRows(data, rows);
      const batch = { x, y, index, total: n };
      // One forward pass for both when the loss splits into outputs and a loss of the outputs.
      const z = loss.outputs && (options.classes || loss.outputLoss) ? loss.outputs(params, batch) : undefined;
      const value = z && loss.outputLoss ? loss.outputLoss(z, batch) : loss.value(params, batch);
      total += value.item() * rows.length;
      if (options.classes && z) correct += accuracy(z, y) * rows.length;
    });
  }
  return { loss: total / n, accuracy: options.classes && loss.outputs ? correct / n : null };
}

/** Flat parameters as a tree in the view's dtype (each number rounded once). */
export function paramsAt<P extends Tree>(view: BlockView<P>, flat: Float64Array): P {
  return view.merge(view.split(flat));
}
