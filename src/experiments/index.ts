// The chapter's claims as experiments, in the chapter's order, and the runner that turns one into
// a result (numbers, figures, verdict) without letting a failure stop the others.
import { Rng } from '../random/index.js';
import { analyticVsNumerical } from './analytic-vs-numerical.js';
import { cliffs } from './cliffs.js';
import { criticalPointsOfNetworks } from './critical-points-of-networks.js';
import { edgeOfStability } from './edge-of-stability.js';
import { goodBadMinima } from './good-bad-minima.js';
import { hessianClassification } from './hessian-classification.js';
import { hessianOutliers } from './hessian-outliers.js';
import { localGlobalMinima } from './local-global-minima.js';
import { machinePrecision } from './machine-precision.js';
import { newtonSaddles } from './newton-saddles.js';
import { optimizationVsGeneralization } from './optimization-vs-generalization.js';
import { plateaus } from './plateaus.js';
import { randomMatrix } from './random-matrix.js';
import { sgdEscapesSaddles } from './sgd-escapes-saddles.js';
import { vanishingExploding } from './vanishing-exploding.js';
import { saddle1d } from './saddle-1d.js';
import { saddle2d } from './saddle-2d.js';
import type { Experiment, ExperimentConfig, ExperimentResult } from './types.js';

export { landscapeFigure, regressionFigure, STYLES, type LandscapeFigureOptions, type Style } from './figures.js';
export { densityFigure, sharpnessFigure, sliceFigure } from './curvature-figures.js';
export { positiveDefiniteCounts, wilson } from './random-matrix.js';
export {
  Conditions,
  param,
  type CheckResult,
  type Control,
  type Experiment,
  type ExperimentConfig,
  type ExperimentOutput,
  type ExperimentResult,
  type Figure,
  type Verdict,
} from './types.js';

export const EXPERIMENTS: readonly Experiment<never>[] = [
  localGlobalMinima,
  saddle1d,
  saddle2d,
  hessianClassification,
  randomMatrix,
  criticalPointsOfNetworks,
  analyticVsNumerical,
  machinePrecision,
  newtonSaddles,
  sgdEscapesSaddles,
  plateaus,
  cliffs,
  vanishingExploding,
  goodBadMinima,
  optimizationVsGeneralization,
  hessianOutliers,
  edgeOfStability,
] as unknown as Experiment<never>[];

export function findExperiment(id: string): Experiment<never> | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

/** Runs one experiment from its seed and checks it. Errors propagate: the caller reports them. */
export async function runExperiment(
  experiment: Experiment<never>,
  config: ExperimentConfig,
): Promise<ExperimentResult> {
  const started = performance.now();
  const e = experiment as unknown as Experiment<unknown>;
  const out = await e.run(config, new Rng(config.seed));
  const { verdict, reasons } = e.check(out.numbers);
  return {
    id: e.id,
    title: e.title,
    claim: e.claim,
    source: e.source,
    seed: config.seed,
    quick: config.quick,
    settings: out.settings,
    numbers: out.numbers,
    verdict,
    reasons,
    figures: out.figures,
    seconds: (performance.now() - started) / 1000,
  };
}
export { reportHtml, type ReportEntry } from './report.js';
