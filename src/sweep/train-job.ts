// One training run as a job: `saddle train` with the same settings gives the same numbers (its split, its
// initialisation and its minibatches all come from the seed); timings are left out, so a result is the same bytes
// on any worker.
import { SaddleError } from '../core/errors.js';
import { crossEntropyLoss, sharpnessTracker, stabilityThreshold, type SharpnessPoint } from '../curvature/index.js';
import {
  mlp,
  splitDataset,
  trainClassifier,
  type Activation,
  type EpochReport,
  type Initializer,
} from '../models/index.js';
import { makeOptimizer } from '../optim/index.js';
import { Rng } from '../random/index.js';
import type { BlobGetter } from './blobs.js';
import { loadSweepData, type DataSpec } from './data.js';

export interface TrainSettings {
  /** Layer widths, input first. */
  model: number[];
  activation: Activation;
  init: Initializer;
  data: DataSpec;
  train: number;
  test: number;
  optimizer: string;
  /** Default: the optimiser's torch.optim default. */
  lr?: number;
  batch: number;
  epochs: number;
  seed: number;
  /** Every this many steps, λ_max of the training loss on up to 1,000 training examples (saddle train's). */
  trackSharpness?: number;
}

export interface TrainResult {
  final: Omit<EpochReport, 'seconds'>;
  epochs: Omit<EpochReport, 'seconds'>[];
  /** GD's threshold 2/η for the optimiser (null for adaptive ones). */
  threshold: number | null;
  sharpness?: SharpnessPoint[];
}

export async function runTrainJob(settings: TrainSettings, get: BlobGetter): Promise<TrainResult> {
  const { model: sizes, seed } = settings;
  const data = await loadSweepData(settings.data, get, true);
  if (sizes[0] !== data.x.shape[1] || sizes.at(-1) !== data.classNames?.length)
    throw new SaddleError(
      `train: mlp:${sizes.join('-')} does not fit the data (${data.x.shape[1]} features, ` +
        `${data.classNames?.length} classes)`,
    );
  if (settings.train + settings.test > data.x.shape[0])
    throw new SaddleError(`train: ${settings.train} + ${settings.test} examples; the data has ${data.x.shape[0]}`);
  const { train, test } = splitDataset(data, { train: settings.train, test: settings.test, seed });
  const params = mlp(sizes, { init: settings.init, rng: new Rng(seed), dtype: data.x.dtype });
  const optimizer = makeOptimizer(settings.optimizer, { lr: settings.lr });
  const tracker =
    settings.trackSharpness === undefined
      ? undefined
      : sharpnessTracker({
          loss: crossEntropyLoss({ activation: settings.activation }),
          data: train,
          every: settings.trackSharpness,
          examples: Math.min(1000, settings.train),
          seed,
          dtype: data.x.dtype,
        });
  tracker?.at(0, params);
  const result = trainClassifier(params, train, test, {
    optimizer,
    epochs: settings.epochs,
    batchSize: settings.batch,
    seed,
    activation: settings.activation,
    onStep: tracker?.onStep,
  });
  const epochs = result.epochs.map(({ seconds: _, ...rest }) => rest);
  return {
    final: epochs[epochs.length - 1],
    epochs,
    threshold: stabilityThreshold(optimizer.name, optimizer.learningRate(1)),
    ...(tracker ? { sharpness: tracker.points } : {}),
  };
}
