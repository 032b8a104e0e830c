// Figures shared by the CLI, the experiments and the web lab. An objective on a box: the grid is
// evaluated in one vectorised pass, stationary points are labelled as the chapter labels them
// ("local minimum", "global minimum", "saddle point").
import { SaddleError } from '../core/errors.js';
import { linspace, tensor } from '../core/index.js';
import type { Interval, Objective } from '../expr/index.js';
import type { AnalysisReport } from '../landscape/index.js';
import type { NumericalRegressionResult } from '../models/index.js';
import { contourPlot, linePlot, wireframePlot, type LinePlotOptions } from '../plot/index.js';

export type Style = 'line' | 'contour' | 'surface';
// A record rather than a list, so that a style added to Style fails to compile until it is listed here.
const STYLE_SET: Record<Style, true> = { line: true, contour: true, surface: true };
/** The figures landscapeFigure draws: a curve (one variable), contours or a surface (two). */
export const STYLES = Object.keys(STYLE_SET) as readonly Style[];

/** "global" only for an extremum the analysis certified: an uncertified one may be beaten elsewhere in the box. */
function labelFor(p: AnalysisReport['stationaryPoints'][number], report: AnalysisReport): string {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const global = (e: AnalysisReport['globalMinimum']) => e.certified && close(p.value, e.value);
  if (p.kind === 'minimum') return global(report.globalMinimum) ? 'global minimum' : 'local minimum';
  if (p.kind === 'maximum') return global(report.globalMaximum) ? 'global maximum' : 'local maximum';
  if (p.kind === 'saddle') return 'saddle point';
  return 'degenerate point';
}

export type LandscapeFigureOptions = {
  /** Grid points per axis (default: 400 for a curve, 120 for contours, 30 for a wireframe). */
  resolution?: number;
  /** Wireframe camera, in degrees. */
  azimuth?: number;
  elevation?: number;
  /** Optimiser trajectories over a contour map. */
  paths?: readonly { x: readonly number[]; y: readonly number[]; label?: string }[];
  /** Optimiser iterates over a curve, as (x, f(x)) joined in order (linePlot's traces). */
  traces?: LinePlotOptions['traces'];
};

export function landscapeFigure(
  objective: Objective,
  box: readonly Interval[],
  style: Style | undefined,
  report: AnalysisReport | null,
  options: LandscapeFigureOptions = {},
): string {
  const resolution = options.resolution ?? 0;
  const n = objective.variables.length;
  const chosen = style ?? (n === 1 ? 'line' : 'contour');
  const title = `f(${objective.variables.join(', ')}) = ${objective.text}`;
  const points = report?.stationaryPoints ?? [];
  if (chosen === 'line') {
    if (n !== 1) {
      throw new SaddleError(
        `a line figure draws functions of one variable; ${objective.text} has ${n}: draw contours or a surface`,
      );
    }
    const xs = linspace(box[0].lo, box[0].hi, resolution || 400);
    const ys = Array.from(objective.evaluate([xs]).data);
    return linePlot({
      x: Array.from(xs.data),
      y: ys,
      title,
      xLabel: objective.variables[0],
      yLabel: 'f',
      annotations: points.map((p) => ({
        x: p.point[objective.variables[0]],
        y: p.value,
        label: labelFor(p, report as AnalysisReport),
        kind: p.kind,
      })),
      traces: options.traces,
    });
  }
  if (n !== 2) throw new SaddleError(`a ${chosen} figure draws functions of two variables; ${objective.text} has ${n}`);
  const m = resolution || (chosen === 'contour' ? 120 : 30);
  const x = Array.from(linspace(box[0].lo, box[0].hi, m).data);
  const y = Array.from(linspace(box[1].lo, box[1].hi, m).data);
  const gx = tensor(
    y.map(() => x),
    { shape: [m, m] },
  );
  const gy = tensor(
    y.map((yj) => x.map(() => yj)),
    { shape: [m, m] },
  );
  const zFlat = objective.evaluate([gx, gy]).data;
  const z = y.map((_, j) => Array.from(zFlat.subarray(j * m, (j + 1) * m)));
  const [vx, vy] = objective.variables;
  const marks = points.map((p) => ({
    x: p.point[vx],
    y: p.point[vy],
    z: p.value,
    label: labelFor(p, report as AnalysisReport),
    kind: p.kind,
  }));
  return chosen === 'contour'
    ? contourPlot({ x, y, z, points: marks, title, xLabel: vx, yLabel: vy, paths: options.paths })
    : wireframePlot({ x, y, z, points: marks, title, azimuth: options.azimuth, elevation: options.elevation });
}

/** A numerical linear regression against the analytic solution: log10 distance and excess loss per step. */
export function regressionFigure(r: NumericalRegressionResult, method: string): string {
  const k = r.trajectory.map((p) => p.step);
  // Below ε·loss the excess loss is rounding, not progress: it is drawn at that floor.
  const floor = Number.EPSILON * r.analytic.trainingLoss;
  return linePlot({
    x: k,
    y: r.trajectory.map((p) => Math.log10(Math.max(p.distanceToAnalytic, 1e-300))),
    label: 'distance to the analytic solution',
    traces: [
      {
        x: k,
        y: r.trajectory.map((p) => Math.log10(Math.max(p.loss - r.analytic.trainingLoss, floor))),
        label: 'excess training loss',
        markers: false,
      },
    ],
    yRange: 'all',
    title: `${method} against the analytic solution`,
    xLabel: 'step',
    yLabel: 'log10',
  });
}
