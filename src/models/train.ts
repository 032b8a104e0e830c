// Training a classifier by minibatches, reporting training and test loss and accuracy per epoch, so
// the gap between optimisation (training error) and generalisation (test error) is visible. Any
// transformation of the shape {init, update} works (every optimiser in src/optim has it); models/
// does not depend on optim/.
import { add, treeMap, valueAndGrad, type Tensor, type Tree } from '../core/index.js';
import { minibatches } from '../random/index.js';
import { selectRows, type Dataset } from './data.js';
import { accuracy, classificationLoss, forward, type Activation, type MlpParams } from './mlp.js';

/** The shape of a gradient transformation (src/optim's GradientTransformation). */
export interface UpdateRule<S> {
  init(params: Tree): S;
  update(updates: Tree, state: S, params: Tree): [Tree, S];
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

export interface TrainOptions<S> {
  optimizer: UpdateRule<S>;
  epochs: number;
  batchSize: number;
  seed: number;
  activation?: Activation;
  dropLast?: boolean;
  /** Called after every epoch (e.g. for a progress display); return false to stop. */
  onEpoch?: (report: EpochReport) => boolean | void;
  /** Called after every batch with (batch index in the epoch, batches per epoch). */
  onBatch?: (batch: number, perEpoch: number) => void;
  /**
   * Called after every update with the step count (1, 2, …) and the new parameters, e.g. to track the
   * sharpness (src/curvature's sharpnessTracker); models/ knows nothing of curvature.
   */
  onStep?: (step: number, params: MlpParams) => void;
}

export function trainClassifier<S>(
  params: MlpParams,
  train: Dataset,
  test: Dataset,
  options: TrainOptions<S>,
): { params: MlpParams; epochs: EpochReport[] } {
  const activation = options.activation ?? 'relu';
  const n = train.x.shape[0];
  const batches = minibatches(n, { batchSize: options.batchSize, seed: options.seed, dropLast: options.dropLast });
  const vg = valueAndGrad((p: MlpParams, x: Tensor, y: Tensor) => classificationLoss(forward(p, x, activation), y));
  let state = options.optimizer.init(params);
  let current = params;
  const epochs: EpochReport[] = [];
  let step = 0;
  const evaluate = (ds: Dataset) => {
    const logits = forward(current, ds.x, activation);
    return { loss: classificationLoss(logits, ds.y).item(), accuracy: accuracy(logits, ds.y) };
  };
  for (let e = 1; e <= options.epochs; e++) {
    const started = performance.now();
    batches.epoch(e - 1).forEach((idx, b) => {
      const { x, y } = selectRows(train, idx);
      const [, g] = vg(current, x, y);
      const [updates, next] = options.optimizer.update(g, state, current);
      state = next;
      current = treeMap((p, u) => add(p, u), current, updates);
      options.onStep?.(++step, current);
      options.onBatch?.(b, batches.perEpoch);
    });
    const seconds = (performance.now() - started) / 1000;
    const tr = evaluate(train);
    const te = evaluate(test);
    const report = {
      epoch: e,
      trainLoss: tr.loss,
      trainAccuracy: tr.accuracy,
      testLoss: te.loss,
      testAccuracy: te.accuracy,
      seconds,
    };
    epochs.push(report);
    if (options.onEpoch?.(report) === false) break;
  }
  return { params: current, epochs };
}
