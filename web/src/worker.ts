// The lab's worker: every computation of the pages, on the library's own code.
import {
  analyze, compile, EXPERIMENTS, grad, parseBox, landscapeFigure, loadMnist, makeOptimizer, minimize, mlp, ParseError, runExperiment,
  SaddleError, splitDataset, tensor, trainClassifier, Rng, INITIALIZERS, type Initializer, type Tensor,
} from '../../src/index.js';
import { curvatureAnalysis, sharpnessRun } from './curvature-jobs.js';
import type {
  ExperimentInfo, ExperimentRequest, FromWorker, Kind, LandscapeRequest, LandscapeResponse, PointRequest, PointResponse,
  RaceRequest, RaceResponse, Requests, ToWorker, TrainRequest, WorkerError,
} from './protocol.js';

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

function objective(f: string) {
  const o = compile(f);
  if (o.variables.length < 1 || o.variables.length > 2) throw new SaddleError(`the lab draws functions of 1 or 2 variables; '${f}' has ${o.variables.length} (${o.variables.join(', ') || 'none'})`);
  return o;
}

function landscape(req: LandscapeRequest): LandscapeResponse {
  const o = objective(req.f);
  const intervals = parseBox(req.box, o.variables);
  const box = intervals.map(({ lo, hi }) => [lo, hi] as [number, number]);
  const style = o.variables.length === 1 ? 'line' : req.style === 'surface' ? 'surface' : 'contour';
  const report = req.analyze === false ? null : analyze(o, intervals, { maxBoxes: 20_000 });
  const svg = landscapeFigure(o, intervals, style, report, { azimuth: req.azimuth, elevation: req.elevation, paths: req.paths });
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
  if (req.start.length !== o.variables.length) throw new SaddleError(`the start point needs ${o.variables.length} coordinates`);
  const trajectories = req.optimizers.map((spec) => {
    const opt = makeOptimizer(spec.optimizer, { lr: spec.lr, momentum: spec.momentum });
    try {
      const r = minimize((p: Tensor) => o.at(p), tensor(req.start), opt, { steps: req.steps, recordPoints: true });
      return { name: spec.name, points: r.trajectory.map((t) => t.point), values: r.trajectory.map((t) => t.value), stopped: r.stopped, reason: r.reason };
    } catch (err) {
      return { name: spec.name, points: [req.start], values: [o.at(tensor(req.start)).item()], stopped: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  });
  return { trajectories };
}

function experiments(): ExperimentInfo[] {
  return EXPERIMENTS.map((e) => ({ id: e.id, title: e.title, claim: e.claim, source: e.source, controls: e.controls ?? [] }));
}

async function experiment(req: ExperimentRequest, progress: (p: { fraction: number; what: string }) => void) {
  const e = EXPERIMENTS.find((x) => x.id === req.id);
  if (!e) throw new SaddleError(`no experiment '${req.id}'`);
  return runExperiment(e, {
    quick: true, seed: req.seed, params: req.params, onProgress: (fraction, what) => progress({ fraction, what }),
  });
}

async function train(req: TrainRequest, progress: (p: unknown) => void) {
  if (!(INITIALIZERS as readonly string[]).includes(req.init)) throw new SaddleError(`unknown initialiser '${req.init}'`);
  const data = await loadMnist({ dtype: 'float32' });
  progress({ kind: 'loaded', examples: data.x.shape[0] });
  const { train: tr, test } = splitDataset(data, { train: req.train, test: req.test, seed: req.seed });
  const params = mlp([784, ...req.hidden, 10], { init: req.init as Initializer, rng: new Rng(req.seed), dtype: 'float32' });
  let epoch = 1;
  const r = trainClassifier(params, tr, test, {
    optimizer: makeOptimizer(req.optimizer, { lr: req.lr }), epochs: req.epochs, batchSize: req.batch, seed: req.seed, activation: req.activation,
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

function toError(err: unknown): WorkerError {
  if (err instanceof ParseError) return { message: err.message, pointer: err.pointer(), column: err.column };
  if (err instanceof SaddleError) return { message: err.message };
  return { message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}

// One handler per request kind, checked exhaustive by the type system: a new kind in protocol.ts
// does not compile until it is handled here.
type Handler<K extends Kind> = (
  payload: Requests[K][0], progress: (p: unknown) => void,
) => Requests[K][1] | Promise<Requests[K][1]>;
const HANDLERS: { [K in Kind]: Handler<K> } = {
  landscape, point, race, experiments, experiment, train, sharpness: sharpnessRun, curvature: curvatureAnalysis,
};

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const { id, kind, payload } = event.data;
  try {
    if (!Object.hasOwn(HANDLERS, kind)) throw new SaddleError(`unknown request '${kind as string}'`);
    const handle = HANDLERS[kind] as Handler<Kind>;
    const result = await handle(payload as never, (progress) => post({ id, progress }));
    post({ id, ok: true, result });
  } catch (err) {
    post({ id, ok: false, error: toError(err) });
  }
};
