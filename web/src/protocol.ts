// Messages between the page and its workers. All heavy work (analysis, optimisation, experiments,
// training) runs in a worker on the same src/ code as the CLI.
import type {
  AnalysisReport, ExperimentResult, Control, CurvatureReport, EpochReport, SharpnessPoint,
} from '../../src/index.js';

export type LandscapeRequest = { f: string; box: string; style?: 'line' | 'contour' | 'surface'; azimuth?: number; elevation?: number; paths?: { x: number[]; y: number[]; label?: string }[]; analyze?: boolean };
export type LandscapeResponse = { variables: string[]; box: [number, number][]; svg: string; report: AnalysisReport | null; style: 'line' | 'contour' | 'surface' };

export type PointRequest = { f: string; at: number[] };
export type PointResponse = { value: number; gradient: number[] };

export type RaceOptimizer = { name: string; optimizer: string; lr: number; momentum?: number };
export type RaceRequest = { f: string; start: number[]; optimizers: RaceOptimizer[]; steps: number };
export type RaceTrajectory = { name: string; points: number[][]; values: number[]; stopped: string; reason: string };
export type RaceResponse = { trajectories: RaceTrajectory[] };

export type ExperimentInfo = { id: string; title: string; claim: string; source: string; controls: readonly Control[] };
export type ExperimentRequest = { id: string; seed: number; params: Record<string, number | string> };

export type TrainRequest = { hidden: number[]; activation: 'relu' | 'tanh' | 'sigmoid'; init: string; optimizer: string; lr: number; batch: number; epochs: number; train: number; test: number; seed: number };
export type TrainEvent = { kind: 'epoch'; report: EpochReport } | { kind: 'batch'; batch: number; perEpoch: number; epoch: number } | { kind: 'loaded'; examples: number };

/** The network, its data and its loss: what a run and an analysis of its parameters share. */
export type CurvatureSettings = {
  train: number; hidden: number[]; activation: 'tanh' | 'relu'; loss: 'squared' | 'cross-entropy'; seed: number;
};
export type SharpnessRequest = CurvatureSettings & { lr: number; steps: number; every: number };
/** Parameters across the worker boundary (structured cloning drops the Tensor class); w is [inputs, outputs]. */
export type ParamSnapshot = {
  step: number; layers: { inputs: number; outputs: number; w: Float32Array; b: Float32Array }[];
};
export type LossPoint = { step: number; loss: number };
export type SharpnessEvent =
  | { kind: 'loaded'; examples: number; parameters: number }
  | { kind: 'progress'; losses: LossPoint[]; sharpness: SharpnessPoint[]; snapshot: ParamSnapshot };
export type SharpnessResponse = { outcome: 'finished' | 'diverged'; reason: string; snapshot: ParamSnapshot };
/** Analyse these parameters, or the initial ones of `settings` when snapshot is null. */
export type CurvatureRequest = { settings: CurvatureSettings; snapshot: ParamSnapshot | null };
export type CurvatureEvent = { stage: string; done: number; of: number };
export type CurvatureResponse = Pick<CurvatureReport,
  'top' | 'bottom' | 'trace' | 'density' | 'ratio' | 'outliers' | 'negativeMass' | 'parameters' | 'examples' | 'hvps'
  | 'seconds'
> & {
  step: number; loss: number; lossNormalization: string;
};

export type Requests = {
  landscape: [LandscapeRequest, LandscapeResponse];
  point: [PointRequest, PointResponse];
  race: [RaceRequest, RaceResponse];
  experiments: [Record<string, never>, ExperimentInfo[]];
  experiment: [ExperimentRequest, ExperimentResult];
  train: [TrainRequest, { epochs: EpochReport[] }];
  sharpness: [SharpnessRequest, SharpnessResponse];
  curvature: [CurvatureRequest, CurvatureResponse];
};
export type Kind = keyof Requests;

/** A user-facing error: the message, and for a parse error the column and a caret line. */
export type WorkerError = { message: string; pointer?: string; column?: number };

export type ToWorker = { id: number; kind: Kind; payload: unknown };
export type FromWorker =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerError }
  | { id: number; progress: unknown };
