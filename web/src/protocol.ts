// Messages between the page and its workers. All heavy work (analysis, optimisation, experiments,
// training) runs in a worker on the same src/ code as the CLI.
import type { AnalysisReport, ExperimentResult, Control, EpochReport } from '../../src/index.js';

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

export type Requests = {
  landscape: [LandscapeRequest, LandscapeResponse];
  point: [PointRequest, PointResponse];
  race: [RaceRequest, RaceResponse];
  experiments: [Record<string, never>, ExperimentInfo[]];
  experiment: [ExperimentRequest, ExperimentResult];
  train: [TrainRequest, { epochs: EpochReport[] }];
};
export type Kind = keyof Requests;

/** A user-facing error: the message, and for a parse error the column and a caret line. */
export type WorkerError = { message: string; pointer?: string; column?: number };

export type ToWorker = { id: number; kind: Kind; payload: unknown };
export type FromWorker =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerError }
  | { id: number; progress: unknown };
