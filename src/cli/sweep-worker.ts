// A thread of the sweep pool (sweep-pool.ts): runs the jobs tinypool hands it, keeping the blobs it was given and
// the setups it built.
import { newCache, runJob } from '../sweep/index.js';
import { enableRelaxedSimd } from './node-runtime.js';
import type { PoolTask } from './sweep-pool.js';

enableRelaxedSimd();
const blobs = new Map<string, Uint8Array>();
const cache = newCache();

export default async function run(task: PoolTask): Promise<unknown> {
  for (const [sha, buffer] of task.blobs) if (!blobs.has(sha)) blobs.set(sha, new Uint8Array(buffer));
  return runJob(
    task.job.spec,
    async (ref) => {
      const bytes = blobs.get(ref.sha256);
      if (!bytes) throw new Error(`blob ${ref.sha256.slice(0, 12)}… was not given to this thread`);
      return bytes;
    },
    cache,
  );
}
