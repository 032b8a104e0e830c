// The Curvature page's work, in the worker: full-batch gradient descent on an MNIST subset with the
// sharpness λ_max measured every K steps beside 2/η (Cohen, Kaur, Li, Kolter & Talwalkar 2021,
// arXiv 2103.00065: GD on a network sharpens until λ_max reaches 2/η and then hovers there), and a
// curvature report of the parameters where a run stopped.
import {
  ACTIVATIONS,
  add,
  crossEntropyLoss,
  curvatureOperator,
  curvatureReport,
  fromData,
  loadMnist,
  mlp,
  Rng,
  SaddleError,
  sgd,
  sharpnessTracker,
  splitDataset,
  squaredErrorLoss,
  stabilityThreshold,
  treeMap,
  valueAndGrad,
  type CurvatureLoss,
  type Dataset,
  type MlpParams,
} from '../../src/index.js';
import type {
  CurvatureEvent,
  CurvatureRequest,
  CurvatureResponse,
  CurvatureSettings,
  LossPoint,
  ParamSnapshot,
  SharpnessEvent,
  SharpnessRequest,
  SharpnessResponse,
} from './protocol.js';

/** Progress at most this often: the page redraws on every message and must stay responsive. */
const INTERVAL_MS = 100;
const MNIST_DIGITS = 10_000;

/** The loss gradient descent follows is the loss whose Hessian is measured, or 2/η means nothing. */
type LossFor = (activation: CurvatureSettings['activation']) => CurvatureLoss<MlpParams>;
const LOSSES: Record<CurvatureSettings['loss'], LossFor> = {
  // ½‖f − y‖² against one-hot targets, averaged over digits: Cohen et al.'s edge-of-stability loss.
  squared: (activation) => squaredErrorLoss({ activation, reduction: 'half-sum' }),
  'cross-entropy': (activation) => crossEntropyLoss({ activation }),
};

const sizesOf = (s: CurvatureSettings) => [784, ...s.hidden, 10];

function checkSettings(s: CurvatureSettings): void {
  if (!Number.isInteger(s.train) || s.train < 1 || s.train > MNIST_DIGITS) {
    throw new SaddleError(`digits: ${s.train} is not a whole number from 1 to ${MNIST_DIGITS}`);
  }
  if (!(s.loss in LOSSES)) throw new SaddleError(`unknown loss '${s.loss}'; use ${Object.keys(LOSSES).join(' or ')}`);
  if (!ACTIVATIONS.includes(s.activation)) {
    throw new SaddleError(`unknown activation '${s.activation}'; use ${ACTIVATIONS.join(', ')}`);
  }
  if (s.hidden.length === 0 || !s.hidden.every((v) => Number.isInteger(v) && v > 0 && v <= 1024)) {
    throw new SaddleError(`hidden widths [${s.hidden.join(', ')}]: give one or more whole numbers from 1 to 1024`);
  }
  if (!Number.isInteger(s.seed) || s.seed < 0) throw new SaddleError(`seed: ${s.seed} is not a whole number ≥ 0`);
}

async function examples(s: CurvatureSettings): Promise<Dataset> {
  const data = await loadMnist({ dtype: 'float32' });
  return splitDataset(data, { train: s.train, test: 0, seed: s.seed }).train;
}

// PyTorch's nn.Linear default U[−1/√fan_in, 1/√fan_in], as Cohen et al. trained (saddle's biases start at zero).
const initialParams = (s: CurvatureSettings) =>
  mlp(sizesOf(s), { init: 'uniform', rng: new Rng(s.seed), dtype: 'float32' });

function toSnapshot(step: number, params: MlpParams): ParamSnapshot {
  return {
    step,
    layers: params.layers.map(({ w, b }) => ({
      inputs: w.shape[0],
      outputs: w.shape[1],
      w: new Float32Array(w.data),
      b: new Float32Array(b.data),
    })),
  };
}

function fromSnapshot(s: ParamSnapshot, settings: CurvatureSettings): MlpParams {
  const sizes = sizesOf(settings);
  const got = [s.layers[0]?.inputs, ...s.layers.map((l) => l.outputs)];
  if (got.join() !== sizes.join()) {
    throw new SaddleError(`these parameters are of a ${got.join('-')} network; the settings say ${sizes.join('-')}`);
  }
  return { layers: s.layers.map((l) => ({ w: fromData(l.w, [l.inputs, l.outputs]), b: fromData(l.b, [l.outputs]) })) };
}

/** `due()` is true at most every `ms` (and the first time). */
function throttle(ms = INTERVAL_MS): { due: () => boolean } {
  let last = -Infinity;
  return {
    due: () => {
      const now = performance.now();
      if (now - last < ms) return false;
      last = now;
      return true;
    },
  };
}

export async function sharpnessRun(
  req: SharpnessRequest,
  report: (e: SharpnessEvent) => void,
): Promise<SharpnessResponse> {
  checkSettings(req);
  if (!(req.lr > 0)) throw new SaddleError(`learning rate: ${req.lr} is not positive`);
  for (const [name, v] of [
    ['steps', req.steps],
    ['sharpness every K steps', req.every],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SaddleError(`${name}: ${v} is not a positive whole number`);
  }
  const data = await examples(req);
  const n = data.x.shape[0];
  let params = initialParams(req);
  report({ kind: 'loaded', examples: n, parameters: params.layers.reduce((a, { w, b }) => a + w.size + b.size, 0) });
  const loss = LOSSES[req.loss](req.activation);
  // One batch of every example: full-batch gradient descent, for which 2/η is the stability threshold.
  const batch = { x: data.x, y: data.y, index: 0, total: n };
  const lossAndGrad = valueAndGrad((p: MlpParams) => loss.value(p, batch));
  const optimizer = sgd(req.lr);
  const threshold = stabilityThreshold('sgd', req.lr)!;
  let state = optimizer.init(params);
  const tracker = sharpnessTracker({
    loss,
    data,
    every: req.every,
    seed: req.seed,
    batchSize: n,
    dtype: 'float32',
    steps: 20,
  });
  const losses: LossPoint[] = [];
  let sent = 0;
  const flush = (snapshot: ParamSnapshot) => {
    report({ kind: 'progress', losses: losses.splice(0), sharpness: tracker.points.slice(sent), snapshot });
    sent = tracker.points.length;
  };
  const progress = throttle();
  let finite = { step: 0, params };
  const diverged = (step: number, what: string): SharpnessResponse => {
    const good = toSnapshot(finite.step, finite.params);
    flush(good);
    const last = tracker.points.at(-1);
    const sharp = last ? `; λ_max was ${last.value.toPrecision(4)} at step ${last.step}` : '';
    const reason = `diverged at step ${step}: ${what}${sharp}, 2/η = ${threshold.toPrecision(4)}`;
    return { outcome: 'diverged', reason, snapshot: good };
  };
  for (let step = 0; ; step++) {
    const [value, g] = lossAndGrad(params);
    const l = value.item();
    if (!Number.isFinite(l)) return diverged(step, `the loss is ${l}`);
    losses.push({ step, loss: l });
    finite = { step, params };
    try {
      tracker.onStep(step, params);
    } catch (err) {
      // A Hessian product overflows float32 shortly before the loss does.
      if (err instanceof SaddleError) return diverged(step, 'a Hessian-vector product overflowed');
      throw err;
    }
    if (step === req.steps) break;
    if (progress.due()) flush(toSnapshot(step, params));
    const [updates, next] = optimizer.update(g, state, params);
    state = next;
    params = treeMap((p, u) => add(p, u), params, updates);
  }
  const snapshot = toSnapshot(req.steps, params);
  flush(snapshot);
  return { outcome: 'finished', reason: `${req.steps} steps of full-batch gradient descent`, snapshot };
}

export async function curvatureAnalysis(
  req: CurvatureRequest,
  report: (e: CurvatureEvent) => void,
): Promise<CurvatureResponse> {
  const s = req.settings;
  checkSettings(s);
  const data = await examples(s);
  const params = req.snapshot ? fromSnapshot(req.snapshot, s) : initialParams(s);
  const op = curvatureOperator({
    loss: LOSSES[s.loss](s.activation),
    params,
    data,
    batchSize: data.x.shape[0],
    dtype: 'float32',
  });
  const progress = throttle();
  const r = curvatureReport(op, {
    seed: s.seed,
    top: 5,
    bottom: 1,
    trace: { probes: 30 },
    density: { steps: 60 },
    onProgress: (stage, done, of) => {
      if (progress.due()) report({ stage, done, of });
    },
  });
  return {
    step: req.snapshot?.step ?? 0,
    loss: op.value(),
    lossNormalization: op.lossNormalization,
    top: r.top,
    bottom: r.bottom,
    trace: r.trace,
    density: r.density,
    ratio: r.ratio,
    outliers: r.outliers,
    negativeMass: r.negativeMass,
    parameters: r.parameters,
    examples: r.examples,
    hvps: r.hvps,
    seconds: r.seconds,
  };
}
