// Figures of curvature: the spectral density on a log scale (as Ghorbani et al. 2019 and PyHessian draw
// it, so that outliers of weight 1/n stay visible beside the bulk) with the top eigenvalues marked, and
// sharpness against 2/η during training (Cohen et al. 2021, Fig. 1). Shared by the CLI, the experiments
// and the lab.
import { maxOf, minOf } from '../linalg/vectors.js';
import { linePlot } from '../plot/index.js';

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
