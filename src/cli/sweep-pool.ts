// The embedded executor: a pool of worker threads on this machine (tinypool), sized to the cores. Each task carries
// the blobs its job names as SharedArrayBuffers (cloned by reference, not copied); each thread keeps the setups it
// built (a landscape's network and data) between jobs. `saddle worker` runs its queue's jobs in the same pool.
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { errorMessage, type BlobSet, type Executor, type Job, type JobSpec } from '../sweep/index.js';

export interface PoolTask {
  job: Job;
  blobs: [string, SharedArrayBuffer][];
}

/** The SHA-256 of every blob a job names ({sha256, size} anywhere in its spec). */
export function referencedBlobs(spec: JobSpec): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.sha256 === 'string' && typeof o.size === 'number') found.add(o.sha256);
    for (const child of Object.values(o)) walk(child);
  };
  walk(spec);
  return [...found];
}

export interface JobPool {
  readonly threads: number;
  run(job: Job, blobs: [string, SharedArrayBuffer][]): Promise<unknown>;
  close(): Promise<void>;
}

export function jobPool(threads = availableParallelism()): JobPool {
  const pool = new Tinypool({
    filename: new URL('./sweep-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    threads,
    run: (job, blobs) => pool.run({ job, blobs } satisfies PoolTask),
    close: () => pool.destroy(),
  };
}

export function poolExecutor(options: { blobs: BlobSet; workers?: number }): Executor {
  const pool = jobPool(options.workers);
  const shared = new Map(
    [...options.blobs.blobs].map(([sha, bytes]) => {
      const buffer = new SharedArrayBuffer(bytes.length);
      new Uint8Array(buffer).set(bytes);
      return [sha, buffer];
    }),
  );
  return {
    name: 'pool',
    workers: pool.threads,
    async run(jobs, handlers) {
      await Promise.all(
        jobs.map((job: Job) =>
          pool
            .run(
              job,
              referencedBlobs(job.spec).flatMap((sha) =>
                shared.has(sha) ? [[sha, shared.get(sha)!] as [string, SharedArrayBuffer]] : [],
              ),
            )
            .then(
              (result) => handlers.onResult(job, result),
              (err) => handlers.onError(job, errorMessage(err)),
            ),
        ),
      );
    },
    close: () => pool.close(),
  };
}
