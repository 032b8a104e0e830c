// analyze: the whole second-order picture of an objective on a box, in one report: every stationary
// point (certified, classified), whether the list is complete, the global minimum and maximum with
// the boundary, and convexity. The same report serves the CLI's JSON and the web lab, so every
// number in it is finite (JSON has no Infinity or NaN): what cannot be given as a finite number is
// absent, and the reason says why.
import { SaddleError } from '../core/errors.js';
import type { Interval, Objective } from '../expr/index.js';
import { convexity, type Convexity } from './convexity.js';
import { globalExtrema, type ExtremaOptions, type Extremum } from './extrema.js';
import { stationaryPoints, type RegionKind } from './stationary.js';
import type { Kind } from './classify.js';

export interface ReportExtremum {
  point: Record<string, number>;
  value: number;
  onBoundary: boolean;
  /** Proved: nothing in the box is better than this (absent when no finite bound is proved). */
  bound?: number;
  /** The value is the global extremum (to within EXTREMUM_TOLERANCE, relative), proved. */
  certified: boolean;
  /** Why it is not certified. */
  reason?: string;
}

export interface ReportRegion {
  box: Interval[];
  boxes: number;
  kind: RegionKind;
  reason: string;
  valueRange?: [number, number];
}

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
  /** Why the list of stationary points is not complete (absent when it is). */
  incompleteReason?: string;
  unresolved: ReportRegion[];
  globalMinimum: ReportExtremum;
  globalMaximum: ReportExtremum;
  /** Both extrema are certified. */
  extremaCertified: boolean;
  convexity: Convexity;
  /** Work done (boxes examined over every search), within `workBudget`: counted, so reports are reproducible. */
  boxesExamined: number;
  workBudget: number;
  seconds: number;
}

export type AnalyzeOptions = ExtremaOptions;

const finiteNumbers = (xs: readonly number[]) => xs.every(Number.isFinite);

function reportExtremum(e: Extremum): ReportExtremum {
  const out: ReportExtremum = { point: e.point, value: e.value, onBoundary: e.onBoundary, certified: e.certified };
  if (e.bound !== undefined) out.bound = e.bound;
  if (e.reason !== undefined) out.reason = e.reason;
  return out;
}

export function analyze(objective: Objective, box: readonly Interval[], options: AnalyzeOptions = {}): AnalysisReport {
  const started = performance.now();
  const vars = objective.variables;
  box.forEach((x, i) => {
    if (!(Number.isFinite(x.lo) && Number.isFinite(x.hi) && x.lo <= x.hi)) {
      throw new SaddleError(
        `analyze: the range of ${vars[i] ?? `variable ${i + 1}`} is [${x.lo}, ${x.hi}]; ` +
          'give two finite numbers, the lower first',
      );
    }
  });
  const sp = stationaryPoints(objective, box, options);
  const workBudget = options.maxWork ?? 100_000;
  // Throws, saying why, when f has no finite value at any candidate point (no extremum can be named).
  const extrema = globalExtrema(objective, box, options, sp);
  // A point whose numbers are not all finite cannot be reported as a number: it is an unresolved region.
  const points = sp.points.filter((p) => finiteNumbers([p.value, p.gradientNorm, ...p.eigenvalues, ...p.coordinates]));
  const unresolved: ReportRegion[] = sp.unresolved.map((u) => {
    const r: ReportRegion = { box: u.box, boxes: u.boxes, kind: u.kind, reason: u.reason };
    if (u.valueRange) r.valueRange = u.valueRange;
    return r;
  });
  for (const p of sp.points.filter((q) => !points.includes(q))) {
    unresolved.push({
      box: p.enclosure,
      boxes: 1,
      kind: 'unlocated',
      reason: 'a candidate whose value or derivatives are not finite',
    });
  }
  const kinds = [...new Set(unresolved.map((u) => u.kind))];
  const report: AnalysisReport = {
    objective: objective.text,
    maximize: objective.maximize,
    variables: [...vars],
    box: Object.fromEntries(vars.map((v, i) => [v, [box[i].lo, box[i].hi] as [number, number]])),
    stationaryPoints: points.map((p) => ({
      point: p.point,
      value: p.value,
      gradientNorm: p.gradientNorm,
      eigenvalues: p.eigenvalues,
      kind: p.kind,
      test: p.test,
      certified: p.certified,
    })),
    complete: unresolved.length === 0,
    unresolved,
    globalMinimum: reportExtremum(extrema.minimum),
    globalMaximum: reportExtremum(extrema.maximum),
    extremaCertified: extrema.certified,
    // Within the same budget as one search (at most its default of 4096 boxes).
    convexity: convexity(objective, box, { maxBoxes: Math.min(4096, options.maxBoxes ?? 4096) }),
    boxesExamined: extrema.boxesExamined,
    workBudget,
    seconds: (performance.now() - started) / 1000,
  };
  if (unresolved.length > 0) {
    report.incompleteReason =
      `${unresolved.length} region${unresolved.length === 1 ? '' : 's'} of the box could not be ` +
      `resolved (${kinds.join(', ')}); see unresolved`;
  }
  return report;
}
