// Training a classifier by minibatches, reporting training and test loss and accuracy per epoch, so
// the gap between optimisation (training error) and generalisation (test error) is visible. Any
// transformation of the shape {init, update} works (every optimiser in src/optim has it); models/
// does not depend on optim/.
import {
  add,
  currentScope,
  detached,
  retire,
  scope,
  treeMap,
  valueAndGrad,
  type Tensor,
  type Tree,
} from '../core/index.js';
import { minibatches } from '../random/index.js';
import { selectRows, type Dataset } from './data.js';
import { accuracy, classificationLoss, forward, type Activation, type MlpParams } from './mlp.js';

/** The shape of a gradient transformation (src/optim's GradientTransformation). */
export interface UpdateRule<S> {
  init(params: Tree): S;
  update(updates: Tree, state: S, params: Tree): [Tree, S];
  /** update and θ + u at once (src/optim's fused steps); `donate` lets it overwrite params and state. */
  step?(grads: Tree, state: S, params: Tree, options?: { donate?: boolean }): [Tree, S];
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

/**
 * Minibatch training. The loop runs in a scope (core/storage.ts): parameters, optimiser state and each
 * step's batch, activations and gradients stay resident in WASM memory, each step's temporaries are
 * released when it ends, and the previous parameters and state when the next exist, so memory stays flat
 * over any number of epochs; with a fused optimiser step the parameters and moments are updated in place.
 * Callbacks run outside the scope: parameters shown to onStep are never overwritten or released under
 * the caller (they move to ordinary memory when the loop is done with them).
 */
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
  const optimizer = options.optimizer;
  const takeStep = (g: Tree, state: S, params: MlpParams, donate: boolean): [MlpParams, S] => {
    if (optimizer.step) return optimizer.step(g, state, params, { donate }) as [MlpParams, S];
    const [updates, next] = optimizer.update(g, state, params);
    return [treeMap((p, u) => add(p, u), params, updates), next];
  };
  return scope(() => {
    const loop = currentScope();
    let state = optimizer.init(params);
    let current = params;
    const epochs: EpochReport[] = [];
    let step = 0;
    /** Whether `current` was handed to user code (then it is never overwritten or released). */
    let shown = false;
    const evaluate = (ds: Dataset) =>
      scope(() => {
        const logits = forward(current, ds.x, activation);
        return { loss: classificationLoss(logits, ds.y).item(), accuracy: accuracy(logits, ds.y) };
      });
    for (let e = 1; e <= options.epochs; e++) {
      const started = performance.now();
      batches.epoch(e - 1).forEach((idx, b) => {
        // The user's own parameters (step 0) and parameters shown to onStep are never donated.
        const donate = step > 0 && !shown;
        const next = scope(() => {
          const { x, y } = selectRows(train, idx);
          const [, g] = vg(current, x, y);
          return takeStep(g, state, current, donate);
        });
        retire([current, state], next, loop, shown);
        [current, state] = next;
        shown = false;
        step++;
        if (options.onStep) {
          shown = true;
          detached(() => options.onStep?.(step, current));
        }
        if (options.onBatch) detached(() => options.onBatch?.(b, batches.perEpoch));
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
      if (detached(() => options.onEpoch?.(report)) === false) break;
    }
    return { params: current, epochs };
  });
}
