// The embedded executor: a pool of worker threads on this machine (tinypool), sized to the cores. Blobs reach
// every worker once, in shared memory; each worker keeps the setups it built (a landscape's network and data)
// between jobs.
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { errorMessage, type BlobSet, type Executor, type Job } from '../sweep/index.js';

export interface PoolWorkerData {
  blobs: [string, SharedArrayBuffer][];
}

/** Shared copies of the blobs (structured cloning a SharedArrayBuffer shares it). */
function shared(blobs: BlobSet): [string, SharedArrayBuffer][] {
  return [...blobs.blobs].map(([sha, bytes]) => {
    const buffer = new SharedArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    return [sha, buffer];
  });
}

export function poolExecutor(options: { blobs: BlobSet; workers?: number }): Executor {
  const workers = options.workers ?? availableParallelism();
  const pool = new Tinypool({
    filename: new URL('./sweep-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    workerData: { blobs: shared(options.blobs) } satisfies PoolWorkerData,
  });
  return {
    name: 'pool',
    workers,
    async run(jobs, handlers) {
      await Promise.all(
        jobs.map((job: Job) =>
          pool.run(job).then(
            (result) => handlers.onResult(job, result),
            (err) => handlers.onError(job, errorMessage(err)),
          ),
        ),
      );
    },
    async close() {
      await pool.destroy();
    },
  };
}
