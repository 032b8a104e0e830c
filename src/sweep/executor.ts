// Who runs a sweep's jobs: this thread, a pool of worker threads on this machine (pool.ts), or workers on any
// number of machines through Redis (queue.ts). Each reports every job once, by its id, as it finishes.
import { SaddleError } from '../core/errors.js';
import type { BlobGetter } from './blobs.js';
import { newCache, runJob, type Job } from './jobs.js';

export interface JobHandlers {
  onResult(job: Job, result: unknown): void;
  /** A job that failed by itself (its error), after which the others go on. */
  onError(job: Job, message: string): void;
}

export interface Executor {
  /** 'inline', 'pool' or 'redis', for reports. */
  readonly name: string;
  readonly workers: number;
  run(jobs: readonly Job[], handlers: JobHandlers): Promise<void>;
  close(): Promise<void>;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs the jobs one after another in this thread (the browser's lab and tests). */
export function inlineExecutor(get: BlobGetter): Executor {
  const cache = newCache();
  return {
    name: 'inline',
    workers: 1,
    async run(jobs, handlers) {
      for (const job of jobs) {
        let result: unknown;
        try {
          result = await runJob(job.spec, get, cache);
        } catch (err) {
          if (!(err instanceof SaddleError)) throw err;
          handlers.onError(job, errorMessage(err));
          continue;
        }
        handlers.onResult(job, result);
      }
    },
    async close() {},
  };
}
