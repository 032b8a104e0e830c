// A landscape picture as a sweep: its setup (parameters, data, grid: everything but the point) is one serialisable
// spec whose files travel as blobs, so a coordinator and any worker build the same picture from it, and a point is
// the same bytes wherever it is computed.
import { SaddleError } from '../core/errors.js';
import { cast } from '../core/index.js';
import {
  landscape,
  landscapePoint,
  namedLoss,
  type Landscape,
  type LandscapeMode,
  type Normalization,
  type PointMetrics,
} from '../curvature/index.js';
import {
  decodeSafetensors,
  decodeTrajectory,
  mlpFromStateDict,
  splitDataset,
  type Activation,
  type Dataset,
  type MlpParams,
} from '../models/index.js';
import type { BlobGetter, BlobRef } from './blobs.js';
import { loadSweepData, type DataSpec } from './data.js';

export interface LandscapeSpec {
  mode: LandscapeMode;
  params: BlobRef;
  to?: BlobRef;
  trajectory?: BlobRef;
  data: DataSpec;
  activation: Activation;
  loss: 'ce' | 'mse';
  /** Training examples and held-out test examples: splitDataset(data, {train, test, seed}). */
  examples: number;
  test: number;
  seed: number;
  grid: number[];
  range?: [number, number][];
  normalize: Normalization;
  biases: 'zero' | 'keep';
  batch: number;
  /** The |λ_min/λ_max| map: Lanczos over this many training examples, this many steps, at every point. */
  eigen?: { examples: number; steps: number };
}

export interface LandscapeContext {
  picture: Landscape;
  params: MlpParams;
  evaluate(point: number): PointMetrics;
}

async function paramsFrom(ref: BlobRef, get: BlobGetter, what: string): Promise<MlpParams> {
  const { tensors } = decodeSafetensors(await get(ref), { source: what });
  return mlpFromStateDict(tensors, { source: what });
}

/**
 * The picture and the evaluation of its points, from the spec alone; `loaded` is the data set the spec names when
 * the caller has it already (a coordinator that checked it), so that it is not read twice.
 */
export async function landscapeContext(
  spec: LandscapeSpec,
  get: BlobGetter,
  loaded?: Dataset,
): Promise<LandscapeContext> {
  const params = await paramsFrom(spec.params, get, 'params');
  const to = spec.to ? await paramsFrom(spec.to, get, 'to') : undefined;
  const trajectory = spec.trajectory
    ? decodeTrajectory(await get(spec.trajectory), { source: 'trajectory' })
    : undefined;
  const classes = spec.loss === 'ce';
  const full = loaded ?? (await loadSweepData(spec.data, get, classes));
  const dtype = params.layers[0].w.dtype;
  const typed: Dataset = { ...full, x: cast(full.x, dtype), y: cast(full.y, dtype) };
  if (spec.examples + spec.test > typed.x.shape[0])
    throw new SaddleError(`landscape: ${spec.examples} + ${spec.test} examples; the data has ${typed.x.shape[0]} rows`);
  const { train, test } = splitDataset(typed, { train: spec.examples, test: spec.test, seed: spec.seed });
  const picture = landscape({
    mode: spec.mode,
    params,
    to,
    checkpoints: trajectory?.checkpoints,
    grid: spec.grid,
    range: spec.range,
    normalize: spec.normalize,
    biases: spec.biases,
    seed: spec.seed,
  });
  const loss = namedLoss(spec.loss, spec.activation);
  const eigen = spec.eigen ? { ...spec.eigen, seed: spec.seed } : undefined;
  const data = { train, test: spec.test > 0 ? test : undefined, classes, batchSize: spec.batch, eigen };
  return { picture, params, evaluate: (k) => landscapePoint(picture, k, loss, data) };
}
