// Every computation of the lab's pages, on the library's own code: one handler per request kind.
import {
  ACTIVATIONS,
  analyze,
  crossEntropyLoss,
  landscape as landscapeOf,
  landscapePoint,
  NORMALIZATIONS,
  compile,
  EXPERIMENTS,
  FIRST_ORDER_OPTIMIZERS,
  grad,
  parseBox,
  landscapeFigure,
  loadMnist,
  makeOptimizer,
  minimize,
  mlp,
  runExperiment,
  SaddleError,
  splitDataset,
  tensor,
  trainClassifier,
  Rng,
  INITIALIZERS,
  type Tensor,
} from '../../src/index.js';
import { curvatureAnalysis, sharpnessRun } from './curvature-jobs.js';
import type {
  ExperimentInfo,
  ExperimentProgress,
  ExperimentRequest,
  Handlers,
  LandscapeRequest,
  LandscapeResponse,
  PointRequest,
  PointResponse,
  RaceRequest,
  RaceResponse,
  SliceEvent,
  SliceRequest,
  SliceResponse,
  TrainEvent,
  TrainRequest,
  TrainResponse,
} from './protocol.js';

function objective(f: string) {
  const o = compile(f);
  const n = o.variables.length;
  if (n < 1 || n > 2) {
    const names = o.variables.join(', ') || 'none';
    throw new SaddleError(`the lab draws functions of 1 or 2 variables; '${f}' has ${n} (${names})`);
  }
  return o;
}

function landscape(req: LandscapeRequest): LandscapeResponse {
  const o = objective(req.f);
  const intervals = parseBox(req.box, o.variables);
  const box = intervals.map(({ lo, hi }) => [lo, hi] as [number, number]);
  const style = o.variables.length === 1 ? 'line' : req.style === 'surface' ? 'surface' : 'contour';
  const report = req.analyze === false ? null : analyze(o, intervals, { maxBoxes: 20_000 });
  const view = { azimuth: req.azimuth, elevation: req.elevation, paths: req.paths };
  const svg = landscapeFigure(o, intervals, style, report, view);
  return { variables: [...o.variables], box, svg, report, style };
}

function point(req: PointRequest): PointResponse {
  const o = objective(req.f);
  const x = tensor(req.at);
  const value = o.at(x).item();
  const g = grad((p: Tensor) => o.at(p))(x);
  return { value, gradient: Array.from(g.data) };
}

function race(req: RaceRequest): RaceResponse {
  const o = objective(req.f);
  if (req.start.length !== o.variables.length) {
    throw new SaddleError(`the start point needs ${o.variables.length} coordinates`);
  }
  const trajectories = req.optimizers.map((spec) => {
    const opt = makeOptimizer(spec.optimizer, { lr: spec.lr, momentum: spec.momentum });
    try {
      const r = minimize((p: Tensor) => o.at(p), tensor(req.start), opt, { steps: req.steps, recordPoints: true });
      const [points, values] = [r.trajectory.map((t) => t.point), r.trajectory.map((t) => t.value)];
      return { name: spec.name, points, values, stopped: r.stopped, reason: r.reason };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const values = [o.at(tensor(req.start)).item()];
      return { name: spec.name, points: [req.start], values, stopped: 'failed', reason };
    }
  });
  return { trajectories };
}

function experiments(): ExperimentInfo[] {
  return EXPERIMENTS.map((e) => ({
    id: e.id,
    title: e.title,
    claim: e.claim,
    source: e.source,
    controls: e.controls ?? [],
  }));
}

async function experiment(req: ExperimentRequest, progress: (p: ExperimentProgress) => void) {
  const e = EXPERIMENTS.find((x) => x.id === req.id);
  if (!e) throw new SaddleError(`no experiment '${req.id}'`);
  return runExperiment(e, {
    quick: true,
    seed: req.seed,
    params: req.params,
    onProgress: (fraction, what) => progress({ fraction, what }),
  });
}

/** `value` if it is one of `names`, else an error naming what is allowed. */
function oneOf<T extends string>(what: string, value: string, names: readonly T[]): T {
  if ((names as readonly string[]).includes(value)) return value as T;
  throw new SaddleError(`unknown ${what} '${value}'; use one of ${names.join(', ')}`);
}

async function train(req: TrainRequest, progress: (p: TrainEvent) => void): Promise<TrainResponse> {
  const init = oneOf('initialiser', req.init, INITIALIZERS);
  const activation = oneOf('activation', req.activation, ACTIVATIONS);
  const optimizer = makeOptimizer(oneOf('optimiser for training', req.optimizer, FIRST_ORDER_OPTIMIZERS), {
    lr: req.lr,
    seed: req.seed,
  });
  const data = await loadMnist({ dtype: 'float32' });
  progress({ kind: 'loaded', examples: data.x.shape[0] });
  const { train: tr, test } = splitDataset(data, { train: req.train, test: req.test, seed: req.seed });
  const params = mlp([784, ...req.hidden, 10], { init, rng: new Rng(req.seed), dtype: 'float32' });
  let epoch = 1;
  const r = trainClassifier(params, tr, test, {
    optimizer,
    epochs: req.epochs,
    batchSize: req.batch,
    seed: req.seed,
    activation,
    onBatch: (batch, perEpoch) => {
      if (batch % 8 === 0) progress({ kind: 'batch', batch, perEpoch, epoch });
    },
    onEpoch: (report) => {
      epoch = report.epoch + 1;
      progress({ kind: 'epoch', report });
    },
  });
  return { epochs: r.epochs };
}

/**
 * Trains the MLP of the request (the same network in every worker: the seed decides everything), then computes its
 * share of the slice's points, reporting each as it is done.
 */
async function slice(req: SliceRequest, progress: (p: SliceEvent) => void): Promise<SliceResponse> {
  const activation = oneOf('activation', req.activation, ACTIVATIONS);
  const normalize = oneOf('normalisation', req.normalize, NORMALIZATIONS);
  const data = await loadMnist({ dtype: 'float32' });
  const { train: tr, test } = splitDataset(data, { train: req.train, test: req.test, seed: req.seed });
  const initial = mlp([784, ...req.hidden, 10], { init: 'he-uniform', rng: new Rng(req.seed), dtype: 'float32' });
  const trained = trainClassifier(initial, tr, test, {
    optimizer: makeOptimizer('adam', { lr: 1e-3 }),
    epochs: req.epochs,
    batchSize: 64,
    seed: req.seed,
    activation,
  });
  const report = trained.epochs[trained.epochs.length - 1];
  const parameters = trained.params.layers.reduce((n, l) => n + l.w.size + l.b.size, 0);
  progress({ kind: 'trained', trainLoss: report.trainLoss, parameters });
  const picture = landscapeOf({
    mode: 'slice',
    params: trained.params,
    grid: req.grid,
    range: [
      [-req.range, req.range],
      [-req.range, req.range],
    ],
    normalize,
    seed: req.seed,
  });
  const loss = crossEntropyLoss({ activation });
  let points = 0;
  for (let k = req.part; k < picture.size; k += req.parts) {
    progress({ kind: 'point', k, metrics: landscapePoint(picture, k, loss, { train: tr, test, classes: true }) });
    points++;
  }
  return { points };
}

// One handler per request kind, typed from protocol.ts's map: a new kind there does not compile
// until it is handled here, and each handler takes and answers exactly its kind's messages.
export const HANDLERS: Handlers = {
  landscape,
  point,
  race,
  experiments,
  experiment,
  train,
  sharpness: sharpnessRun,
  curvature: curvatureAnalysis,
  slice,
};
