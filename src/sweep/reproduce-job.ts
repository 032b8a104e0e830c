// One experiment of the chapter as a job (`saddle reproduce --only id --set …` with a seed): its settings, numbers,
// verdict and reasons. Figures and timings are left out, so a result is the same bytes on any worker.
import { SaddleError } from '../core/errors.js';
import { EXPERIMENTS, param, runExperiment, type Experiment, type Verdict } from '../experiments/index.js';

export interface ReproduceSettings {
  experiment: string;
  quick: boolean;
  seed: number;
  params: Record<string, number | string>;
}

export interface ReproduceResult {
  verdict: Verdict;
  reasons: string[];
  numbers: unknown;
  settings: Record<string, unknown>;
}

/** The experiment named, with `params` checked against its controls (a clear error otherwise). */
export function checkReproduce(settings: Pick<ReproduceSettings, 'experiment' | 'params'>): Experiment<never> {
  const e = EXPERIMENTS.find((x) => x.id === settings.experiment);
  if (!e)
    throw new SaddleError(
      `no experiment '${settings.experiment}'; the experiments are ${EXPERIMENTS.map((x) => x.id).join(', ')}`,
    );
  for (const [name, value] of Object.entries(settings.params)) {
    const control = e.controls?.find((c) => c.name === name);
    if (!control)
      throw new SaddleError(
        `${e.id} has no control '${name}'` +
          (e.controls?.length ? `; its controls are ${e.controls.map((c) => c.name).join(', ')}` : ' (it has none)'),
      );
    param<number | string>({ quick: true, seed: 0, params: { [name]: value } }, control);
  }
  return e as Experiment<never>;
}

export async function runReproduceJob(settings: ReproduceSettings): Promise<ReproduceResult> {
  const e = checkReproduce(settings);
  const r = await runExperiment(e, { quick: settings.quick, seed: settings.seed, params: settings.params });
  return { verdict: r.verdict, reasons: r.reasons, numbers: r.numbers, settings: r.settings };
}
