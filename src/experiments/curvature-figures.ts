// Figures of curvature: the spectral density on a log scale (as Ghorbani et al. 2019 and PyHessian draw
// it, so that outliers of weight 1/n stay visible beside the bulk) with the top eigenvalues marked, and
// sharpness against 2/η during training (Cohen et al. 2021, Fig. 1). Shared by the CLI, the experiments
// and the lab.
import { maxOf, minOf } from '../linalg/vectors.js';
import type { LandscapeResult } from '../curvature/index.js';
import { contourPlot, linePlot, stackFigures, wireframePlot } from '../plot/index.js';

export function densityFigure(
  density: { grid: readonly number[]; values: readonly number[]; sigma: number },
  options: {
    title?: string;
    eigenvalues?: readonly number[];
  } = {},
): string {
  const peak = maxOf(density.values);
  const floor = peak * 1e-8;
  const y = density.values.map((v) => Math.log10(Math.max(v, floor)));
  const marks = (options.eigenvalues ?? []).map((v) => ({ x: v, y: Math.log10(floor) }));
  return linePlot({
    x: density.grid,
    y,
    label: 'density',
    traces: marks.length
      ? [{ x: marks.map((m) => m.x), y: marks.map((m) => m.y), line: false, label: 'top eigenvalues (Lanczos)' }]
      : [],
    yRange: 'all',
    title: options.title ?? `Spectral density (SLQ, Gaussian σ = ${density.sigma.toPrecision(2)})`,
    xLabel: 'eigenvalue λ',
    yLabel: 'log₁₀ density',
  });
}

export function sharpnessFigure(
  points: readonly { step: number; value: number }[],
  threshold: number,
  options: { title?: string; xLabel?: string } = {},
): string {
  const steps = points.map((p) => p.step);
  const lo = minOf(steps, 0);
  const hi = maxOf(steps, 1);
  return linePlot({
    x: steps,
    y: points.map((p) => p.value),
    label: 'sharpness λ_max',
    traces: [{ x: [lo, hi], y: [threshold, threshold], label: `2/η = ${threshold.toPrecision(3)}` }],
    yRange: 'all',
    title: options.title ?? 'Sharpness during training',
    xLabel: options.xLabel ?? 'step',
    yLabel: 'top Hessian eigenvalue',
  });
}

/**
 * A loss landscape (src/curvature/slices.ts): the loss along the line (interpolation: the two endpoints marked;
 * test loss beside training loss when measured), or contours (or a wireframe surface) over the plane with the
 * trained point at the origin and, for a PCA plane, the trajectory drawn over it. Unfinished points are gaps.
 */
export function sliceFigure(
  result: LandscapeResult,
  options: { title?: string; surface?: boolean; xLabel?: string; yLabel?: string } = {},
): string {
  const loss = lossFigure(result, options);
  if (!result.ratio) return loss;
  return stackFigures([loss, ratioFigure(result)]);
}

/** |λ_min/λ_max| over the same axes: near 0 convex-looking, near 1 as curved downwards as upwards. */
function ratioFigure(result: LandscapeResult): string {
  const nan = (v: number | null) => (v === null ? NaN : v);
  const { x, y } = result.axes;
  const title = "|λ_min/λ_max| of the training loss's Hessian (Lanczos)";
  if (!y)
    return linePlot({
      x,
      y: (result.ratio as (number | null)[]).map(nan),
      label: '|λ_min/λ_max|',
      title,
      xLabel: 'coordinate',
      yLabel: 'ratio',
    });
  const z = (result.ratio as (number | null)[][]).map((row) => row.map(nan));
  return contourPlot({
    x,
    y,
    z,
    title,
    xLabel: 'direction 1',
    yLabel: 'direction 2',
    points: [{ x: 0, y: 0, label: 'centre', kind: 'minimum' }],
  });
}

function lossFigure(
  result: LandscapeResult,
  options: { title?: string; surface?: boolean; xLabel?: string; yLabel?: string } = {},
): string {
  const nan = (v: number | null) => (v === null ? NaN : v);
  const { x, y } = result.axes;
  const xLabel =
    options.xLabel ??
    (result.mode === 'interpolate' ? 'α  (θ = (1 − α)·θ₀ + α·θ₁)' : result.mode === 'pca' ? 'PC 1' : 'direction 1');
  if (!y) {
    const train = (result.trainLoss as (number | null)[]).map(nan);
    const test = result.testLoss ? (result.testLoss as (number | null)[]).map(nan) : undefined;
    const ends = result.mode === 'interpolate' ? [0, 1].map((a) => x.indexOf(a)).filter((i) => i >= 0) : [];
    return linePlot({
      x,
      y: train,
      label: 'training loss',
      traces: [
        ...(test ? [{ x, y: test, label: 'test loss', markers: false }] : []),
        ...(ends.length
          ? [{ x: ends.map((i) => x[i]), y: ends.map((i) => train[i]), label: 'endpoints', line: false }]
          : []),
      ],
      yRange: 'all',
      title: options.title ?? `Loss along the ${result.mode === 'interpolate' ? 'interpolation' : 'line'}`,
      xLabel,
      yLabel: 'loss',
    });
  }
  const z = (result.trainLoss as (number | null)[][]).map((row) => row.map(nan));
  const title =
    options.title ?? `Training loss over the ${result.mode === 'pca' ? 'PCA plane of the trajectory' : 'plane'}`;
  const centre = result.mode === 'pca' ? 'final point' : 'trained point';
  if (options.surface) {
    const atOrigin = x.indexOf(0) >= 0 && y.indexOf(0) >= 0 ? z[y.indexOf(0)][x.indexOf(0)] : NaN;
    return wireframePlot({
      x,
      y,
      z,
      title,
      points: Number.isFinite(atOrigin) ? [{ x: 0, y: 0, z: atOrigin, label: centre, kind: 'minimum' }] : [],
    });
  }
  return contourPlot({
    x,
    y,
    z,
    title,
    xLabel,
    yLabel: options.yLabel ?? (result.mode === 'pca' ? 'PC 2' : 'direction 2'),
    points: [{ x: 0, y: 0, label: centre, kind: 'minimum' }],
    paths: result.trajectory ? [{ ...result.trajectory, label: 'training trajectory' }] : [],
  });
}
