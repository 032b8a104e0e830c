// What a sweep's results say: per setting (the grid's values, over the seeds) the training runs' final loss and test
// accuracy, an experiment's verdicts, or a network's extreme eigenvalues; and the figure of a training sweep.
import { linePlot, stackFigures } from '../plot/index.js';
import type { HessianResult, ReproduceResult, TrainResult } from '../sweep/index.js';

/** One line of the results: the job's varied settings, and its result or its error. */
export interface Line {
  id: string;
  settings: Record<string, unknown>;
  result?: TrainResult | ReproduceResult | HessianResult;
  error?: string;
}

export const label = (varied: Record<string, unknown>) =>
  Object.entries(varied)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(',') || 'base';

/** The lines of each setting (the grid's values without the seed), in the order the settings first appear. */
function bySetting(lines: readonly Line[]): Map<string, Line[]> {
  const groups = new Map<string, Line[]>();
  for (const line of lines) {
    const { seed: _, ...rest } = line.settings;
    const key = label(rest);
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  return groups;
}

const train = (l: Line) => l.result as TrainResult;
export const percent = (st: { mean: number; sd: number } | null) => st && { mean: 100 * st.mean, sd: 100 * st.sd };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));

export interface Summary {
  setting: string;
  runs: number;
  failed: number;
  trainLoss: { mean: number; sd: number } | null;
  testAccuracy: { mean: number; sd: number } | null;
  sharpness: { mean: number; sd: number; twoOverEta: number | null } | null;
}

export interface VerdictSummary {
  setting: string;
  runs: number;
  failed: number;
  verdicts: Record<string, number>;
}

export function summariseVerdicts(lines: Line[]): VerdictSummary[] {
  return [...bySetting(lines)].map(([setting, group]) => {
    const verdicts: Record<string, number> = {};
    for (const l of group)
      if (l.result) {
        const v = (l.result as ReproduceResult).verdict;
        verdicts[v] = (verdicts[v] ?? 0) + 1;
      }
    return { setting, runs: group.length, failed: group.filter((l) => !l.result).length, verdicts };
  });
}

export function summarise(lines: Line[]): Summary[] {
  return [...bySetting(lines)].map(([setting, group]) => {
    const ok = group.filter((l) => l.result);
    const stat = (xs: number[]) => (xs.length ? { mean: mean(xs), sd: sd(xs) } : null);
    const sharp = ok.flatMap((l) => (train(l).sharpness?.length ? [train(l).sharpness!.at(-1)!.value] : []));
    return {
      setting,
      runs: group.length,
      failed: group.length - ok.length,
      trainLoss: stat(ok.map((l) => train(l).final.trainLoss)),
      testAccuracy: stat(ok.map((l) => train(l).final.testAccuracy)),
      sharpness: sharp.length ? { ...stat(sharp)!, twoOverEta: train(ok[0]).threshold } : null,
    };
  });
}

export function figure(lines: Line[], summary: Summary[]): string {
  const groups = bySetting(lines.filter((l) => l.result));
  const panel = (what: string, value: (r: TrainResult) => number) => {
    const traces = [...groups].map(([setting, group]) => ({
      x: group.map((l) => l.settings.seed as number),
      y: group.map((l) => value(train(l))),
      label: setting,
    }));
    const [first, ...rest] = traces;
    return linePlot({
      ...first,
      traces: rest,
      yRange: 'all',
      title: `${what} against the seed`,
      xLabel: 'seed',
      yLabel: what,
    });
  };
  const figures = [
    panel('final training loss', (r) => r.final.trainLoss),
    panel('test accuracy', (r) => r.final.testAccuracy),
  ];
  const sharp = summary.filter((s) => s.sharpness && s.sharpness.twoOverEta !== null);
  if (sharp.length) {
    const x = sharp.map((s) => s.sharpness!.twoOverEta!);
    figures.push(
      linePlot({
        x,
        y: x,
        label: 'sharpness = 2/η',
        traces: [
          { x, y: sharp.map((s) => s.sharpness!.mean), label: 'final sharpness (mean over seeds)', line: false },
        ],
        yRange: 'all',
        title: 'Final sharpness against 2/η',
        xLabel: '2/η',
        yLabel: 'λ_max',
      }),
    );
  }
  return stackFigures(figures);
}

export interface HessianSummary {
  setting: string;
  runs: number;
  failed: number;
  lambdaMax: { mean: number; sd: number; min: number; max: number } | null;
  lambdaMin: { mean: number; sd: number } | null;
  trace: { mean: number; sd: number } | null;
}

/** λ_max (its spread over the seeds: PyHessian #5's question), λ_min and the trace per setting. */
export function summariseHessian(lines: Line[]): HessianSummary[] {
  return [...bySetting(lines)].map(([setting, group]) => {
    const ok = group.flatMap((l) => (l.result ? [l.result as HessianResult] : []));
    const tops = ok.flatMap((r) => (r.top.length ? [r.top[0].value] : []));
    const bottoms = ok.flatMap((r) => (r.bottom.length ? [r.bottom[0].value] : []));
    const traces = ok.flatMap((r) => (r.trace ? [r.trace.estimate] : []));
    const stat = (xs: number[]) => (xs.length ? { mean: mean(xs), sd: sd(xs) } : null);
    return {
      setting,
      runs: group.length,
      failed: group.length - ok.length,
      lambdaMax: tops.length
        ? { ...stat(tops)!, min: tops.reduce((a, b) => Math.min(a, b)), max: tops.reduce((a, b) => Math.max(a, b)) }
        : null,
      lambdaMin: stat(bottoms),
      trace: stat(traces),
    };
  });
}
