// A thread of the sweep pool (sweep-pool.ts): runs the jobs tinypool hands it.
import Tinypool from 'tinypool';
import { newCache, runJob, type Job } from '../sweep/index.js';
import { enableRelaxedSimd } from './node-runtime.js';
import type { PoolWorkerData } from './sweep-pool.js';

enableRelaxedSimd();
const blobs = new Map((Tinypool.workerData as PoolWorkerData).blobs.map(([sha, buffer]) => [sha, new Uint8Array(buffer)]));
const cache = newCache();

export default async function run(job: Job): Promise<unknown> {
  return runJob(
    job.spec,
    async (ref) => {
      const bytes = blobs.get(ref.sha256);
      if (!bytes) throw new Error(`blob ${ref.sha256.slice(0, 12)}… was not given to the pool`);
      return bytes;
    },
    cache,
  );
}
