// analyze: the whole second-order picture of an objective on a box, in one report: every stationary
// point (certified, classified), whether the list is complete, the global minimum and maximum with
// the boundary, and convexity. The same report serves the CLI's JSON and the web lab.
import type { Interval, Objective } from '../expr/index.js';
import { convexity, type Convexity } from './convexity.js';
import { globalExtrema, type Extremum } from './extrema.js';
import { stationaryPoints, type StationaryOptions, type UnresolvedRegion } from './stationary.js';
import type { Kind } from './classify.js';

export interface AnalysisReport {
  objective: string;
  maximize: boolean;
  variables: string[];
  box: Record<string, [number, number]>;
  stationaryPoints: {
    point: Record<string, number>;
    value: number;
    gradientNorm: number;
    eigenvalues: number[];
    kind: Kind;
    test: string;
    certified: boolean;
  }[];
  complete: boolean;
  unresolved: UnresolvedRegion[];
  globalMinimum: Pick<Extremum, 'point' | 'value' | 'onBoundary'>;
  globalMaximum: Pick<Extremum, 'point' | 'value' | 'onBoundary'>;
  /** The extrema are exact when every face's search was complete. */
  extremaCertified: boolean;
  convexity: Convexity;
  boxesExamined: number;
  seconds: number;
}

export function analyze(objective: Objective, box: readonly Interval[], options: StationaryOptions = {}): AnalysisReport {
  const started = performance.now();
  const sp = stationaryPoints(objective, box, options);
  const vars = objective.variables;
  const hasUndefined = sp.unresolved.some((u) => u.kind === 'undefined');
  const extrema = hasUndefined ? null : globalExtrema(objective, box, options);
  const pick = (e: Extremum | undefined) => (e ? { point: e.point, value: e.value, onBoundary: e.onBoundary } : { point: {}, value: NaN, onBoundary: false });
  return {
    objective: objective.text,
    maximize: objective.maximize,
    variables: [...vars],
    box: Object.fromEntries(vars.map((v, i) => [v, [box[i].lo, box[i].hi] as [number, number]])),
    stationaryPoints: sp.points.map((p) => ({
      point: p.point, value: p.value, gradientNorm: p.gradientNorm, eigenvalues: p.eigenvalues, kind: p.kind, test: p.test, certified: p.certified,
    })),
    complete: sp.complete,
    unresolved: sp.unresolved,
    globalMinimum: pick(extrema?.minimum),
    globalMaximum: pick(extrema?.maximum),
    extremaCertified: extrema?.certified ?? false,
    convexity: convexity(objective, box),
    boxesExamined: sp.boxesExamined,
    seconds: (performance.now() - started) / 1000,
  };
}
