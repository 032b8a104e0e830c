// Messages between the page and its workers. All heavy work (analysis, optimisation, experiments,
// training) runs in a worker on the same src/ code as the CLI.
import type {
  Activation,
  AnalysisReport,
  ExperimentResult,
  Control,
  CurvatureReport,
  EpochReport,
  Initializer,
  Normalization,
  PointMetrics,
  SharpnessPoint,
} from '../../src/index.js';

export type LandscapeStyle = 'line' | 'contour' | 'surface';
export type LandscapeRequest = {
  f: string;
  box: string;
  style?: LandscapeStyle;
  azimuth?: number;
  elevation?: number;
  paths?: { x: number[]; y: number[]; label?: string }[];
  analyze?: boolean;
};
export type LandscapeResponse = {
  variables: string[];
  box: [number, number][];
  svg: string;
  report: AnalysisReport | null;
  style: LandscapeStyle;
};

export type PointRequest = { f: string; at: number[] };
export type PointResponse = { value: number; gradient: number[] };

export type RaceOptimizer = { name: string; optimizer: string; lr: number; momentum?: number };
export type RaceRequest = { f: string; start: number[]; optimizers: RaceOptimizer[]; steps: number };
export type RaceTrajectory = { name: string; points: number[][]; values: number[]; stopped: string; reason: string };
export type RaceResponse = { trajectories: RaceTrajectory[] };

export type ExperimentInfo = { id: string; title: string; claim: string; source: string; controls: readonly Control[] };
export type ExperimentRequest = { id: string; seed: number; params: Record<string, number | string> };

export type TrainRequest = {
  hidden: number[];
  activation: Activation;
  init: Initializer;
  optimizer: string;
  lr: number;
  batch: number;
  epochs: number;
  train: number;
  test: number;
  seed: number;
};
export type TrainEvent =
  | { kind: 'epoch'; report: EpochReport }
  | { kind: 'batch'; batch: number; perEpoch: number; epoch: number }
  | { kind: 'loaded'; examples: number };

/** The network, its data and its loss: what a run and an analysis of its parameters share. */
export type CurvatureSettings = {
  train: number;
  hidden: number[];
  activation: Activation;
  loss: 'squared' | 'cross-entropy';
  seed: number;
};
export type SharpnessRequest = CurvatureSettings & { lr: number; steps: number; every: number };
/** Parameters across the worker boundary (structured cloning drops the Tensor class); w is [inputs, outputs]. */
export type ParamSnapshot = {
  step: number;
  layers: { inputs: number; outputs: number; w: Float32Array; b: Float32Array }[];
};
export type LossPoint = { step: number; loss: number };
export type SharpnessEvent =
  | { kind: 'loaded'; examples: number; parameters: number }
  | { kind: 'progress'; losses: LossPoint[]; sharpness: SharpnessPoint[]; snapshot: ParamSnapshot };
export type SharpnessResponse = { outcome: 'finished' | 'diverged'; reason: string; snapshot: ParamSnapshot };
/** Analyse these parameters, or the initial ones of `settings` when snapshot is null. */
export type CurvatureRequest = { settings: CurvatureSettings; snapshot: ParamSnapshot | null };
export type CurvatureEvent = { stage: string; done: number; of: number };
export type CurvatureResponse = Pick<
  CurvatureReport,
  | 'top'
  | 'bottom'
  | 'trace'
  | 'density'
  | 'ratio'
  | 'outliers'
  | 'negativeMass'
  | 'parameters'
  | 'examples'
  | 'hvps'
  | 'seconds'
> & {
  step: number;
  loss: number;
  lossNormalization: string;
};

export type TrainResponse = { epochs: EpochReport[] };

/** A filter-normalised slice around a freshly trained MLP: this worker computes the points k ≡ part (mod parts). */
export type SliceRequest = {
  hidden: number[];
  activation: Activation;
  train: number;
  test: number;
  epochs: number;
  seed: number;
  grid: [number, number];
  range: number;
  normalize: Normalization;
  part: number;
  parts: number;
};
export type SliceEvent =
  { kind: 'trained'; trainLoss: number; parameters: number } | { kind: 'point'; k: number; metrics: PointMetrics };
export type SliceResponse = { points: number };
export type ExperimentProgress = { fraction: number; what: string };

/** One kind of request: what the page sends, what the worker answers, and what it reports on the way. */
type Exchange<Request, Response, Progress = never> = { request: Request; response: Response; progress: Progress };

/**
 * Every request the lab makes of a worker. The worker's handler table and the client's `call` are both
 * typed from this one map, so a kind added here does not compile until the worker handles it.
 */
export type Protocol = {
  landscape: Exchange<LandscapeRequest, LandscapeResponse>;
  point: Exchange<PointRequest, PointResponse>;
  race: Exchange<RaceRequest, RaceResponse>;
  experiments: Exchange<Record<string, never>, ExperimentInfo[]>;
  experiment: Exchange<ExperimentRequest, ExperimentResult, ExperimentProgress>;
  train: Exchange<TrainRequest, TrainResponse, TrainEvent>;
  sharpness: Exchange<SharpnessRequest, SharpnessResponse, SharpnessEvent>;
  curvature: Exchange<CurvatureRequest, CurvatureResponse, CurvatureEvent>;
  slice: Exchange<SliceRequest, SliceResponse, SliceEvent>;
};
export type Kind = keyof Protocol;
export type RequestOf<K extends Kind> = Protocol[K]['request'];
export type ResponseOf<K extends Kind> = Protocol[K]['response'];
export type ProgressOf<K extends Kind> = Protocol[K]['progress'];

/** The worker's side of one kind: its answer, reporting progress through `progress` as it goes. */
export type Handler<K extends Kind> = (
  payload: RequestOf<K>,
  progress: (p: ProgressOf<K>) => void,
) => ResponseOf<K> | Promise<ResponseOf<K>>;
/** One handler per kind, no more and no fewer. */
export type Handlers = { [K in Kind]: Handler<K> };

/** A user-facing error: the message, and for a parse error the column and a caret line. */
export type WorkerError = { message: string; pointer?: string; column?: number };

export type ToWorker = { [K in Kind]: { id: number; kind: K; payload: RequestOf<K> } }[Kind];
export type FromWorker<K extends Kind = Kind> =
  | { id: number; ok: true; result: ResponseOf<K> }
  | { id: number; ok: false; error: WorkerError }
  | { id: number; progress: ProgressOf<K> };
