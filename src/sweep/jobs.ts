// A sweep is a list of independent, seeded jobs. Each kind of job has one runner (an exhaustive table), and a
// runner's result depends on the job alone, so the sweep's result is the same bytes whoever runs it.
import { SaddleError } from '../core/errors.js';
import type { BlobGetter } from './blobs.js';
import { runHessianJob, type HessianSettings } from './hessian-job.js';
import { landscapeContext, type LandscapeContext, type LandscapeSpec } from './landscape-job.js';
import { runReproduceJob, type ReproduceSettings } from './reproduce-job.js';
import { runTrainJob, type TrainSettings } from './train-job.js';

export interface JobKinds {
  /** Nothing: measures what the executor itself costs per job. */
  empty: Record<string, never>;
  /** Points of a landscape picture (a row, or one point). */
  landscape: { spec: LandscapeSpec; points: number[] };
  /** One training run. */
  train: { settings: TrainSettings };
  /** One experiment of the chapter. */
  reproduce: { settings: ReproduceSettings };
  /** One curvature measurement of a network. */
  hessian: { settings: HessianSettings };
}
export type JobKind = keyof JobKinds;
export type JobSpec = { [K in JobKind]: { kind: K } & JobKinds[K] }[JobKind];

export interface Job {
  /** Unique within its sweep and the same on every run of it (a coordinator's restart finds its jobs again). */
  id: string;
  spec: JobSpec;
}

/** What a worker keeps between jobs: the last landscape setups it built. */
export interface WorkerCache {
  landscapes: Map<string, Promise<LandscapeContext>>;
}

export const newCache = (): WorkerCache => ({ landscapes: new Map() });

type Runner<K extends JobKind> = (job: JobKinds[K], get: BlobGetter, cache: WorkerCache) => Promise<unknown>;

const RUNNERS: { [K in JobKind]: Runner<K> } = {
  empty: async () => null,
  landscape: async (job, get, cache) => {
    const key = JSON.stringify(job.spec);
    let context = cache.landscapes.get(key);
    if (!context) {
      if (cache.landscapes.size >= 2) cache.landscapes.clear();
      context = landscapeContext(job.spec, get);
      cache.landscapes.set(key, context);
    }
    const ready = await context;
    return job.points.map((k) => ready.evaluate(k));
  },
  train: async (job, get) => runTrainJob(job.settings, get),
  reproduce: async (job) => runReproduceJob(job.settings),
  hessian: async (job, get) => runHessianJob(job.settings, get),
};

/** Runs one job here. */
export async function runJob(spec: JobSpec, get: BlobGetter, cache: WorkerCache): Promise<unknown> {
  const runner = RUNNERS[spec.kind] as Runner<JobKind> | undefined;
  if (!runner) throw new SaddleError(`sweep: unknown job kind '${String((spec as { kind: unknown }).kind)}'`);
  return runner(spec as never, get, cache);
}
