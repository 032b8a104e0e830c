// Sweeps beyond one machine: BullMQ on Redis. A coordinator (saddle landscape … --queue redis://…, saddle sweep
// … --queue …) puts its blobs in Redis under their SHA-256 and its jobs on one queue, with ids made from the sweep's
// content, so a restarted coordinator finds the jobs it submitted (and the results of those that finished) instead
// of adding them again. `saddle worker --queue …` on any number of machines takes jobs, fetches the blobs it lacks,
// and computes in a pool of worker threads, so its main thread keeps renewing the job locks. A worker killed in the
// middle of a job loses its lock; BullMQ's stalled-job check gives the job to another worker, and the coordinator
// counts each job once.
import { Queue, QueueEvents, Worker, type ConnectionOptions, type Job as QueueJob } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage, sha256, type BlobSet, type Executor, type Job } from '../sweep/index.js';
import { UsageError } from './arguments.js';
import { fromJson, toJson } from './output.js';
import { jobPool, referencedBlobs } from './sweep-pool.js';

/** The one queue saddle's jobs go through. */
export const QUEUE_NAME = 'saddle-jobs';
const blobKey = (sha: string) => `saddle:blob:${sha}`;
/** Finished jobs (and their results) stay this long, so a coordinator restarted within it redoes nothing. */
const KEEP_SECONDS = 7 * 24 * 3600;

/** host, port, credentials and database of a redis:// URL, or a usage error naming it. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue: '${url}' is not a URL such as redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`--queue: '${url}' should start with redis:// (or rediss:// for TLS)`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new UsageError(`--queue: '${u.pathname}' in ${url} is not a database number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A connection that is known to work: reaching Redis is tried once, and failing is a clear error naming the URL. */
export async function connectRedis(url: string): Promise<Redis> {
  const options = redisOptions(url);
  const probe = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause = '';
  probe.on('error', (err: NodeJS.ErrnoException) => {
    cause ||= err.code ?? err.message;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    probe.disconnect();
    throw new UsageError(
      `cannot reach Redis at ${url} (${cause || errorMessage(err)}); is redis-server running there, and does it ` +
        'accept connections from this machine?',
    );
  }
  probe.disconnect();
  const redis = new Redis({ ...options, maxRetriesPerRequest: null });
  redis.on('error', () => {});
  return redis;
}

/** BullMQ's connection options (it makes its own clients). */
const bullConnection = (url: string): ConnectionOptions =>
  ({ ...redisOptions(url), maxRetriesPerRequest: null }) as ConnectionOptions;

/**
 * The executor of a coordinator: blobs to Redis, jobs to the queue under `${sweep}.${job.id}`, results as workers
 * finish them (already finished ones at once).
 */
export async function queueExecutor(options: { url: string; blobs: BlobSet; sweep: string }): Promise<Executor> {
  const redis = await connectRedis(options.url);
  for (const [sha, bytes] of options.blobs.blobs) await redis.set(blobKey(sha), Buffer.from(bytes), 'EX', KEEP_SECONDS);
  const connection = bullConnection(options.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  await events.waitUntilReady();
  return {
    name: 'redis',
    workers: 0,
    async run(jobs, handlers) {
      const byId = new Map(jobs.map((job) => [`${options.sweep}.${job.id}`, job]));
      const pending = new Set(byId.keys());
      let wake: () => void = () => {};
      const finish = (id: string, outcome: { result: unknown } | { error: string }) => {
        const job = byId.get(id);
        if (!job || !pending.delete(id)) return;
        if ('result' in outcome) handlers.onResult(job, outcome.result);
        else handlers.onError(job, outcome.error);
        if (pending.size === 0) wake();
      };
      const settle = async (id: string) => {
        // The state first, then the job: read the other way round, a job finishing in between would be
        // 'completed' with the return value it had before (none).
        const state = await queue.getJobState(id);
        if (state !== 'completed' && state !== 'failed') return;
        const job = await queue.getJob(id);
        if (!job) return;
        if (state === 'completed') finish(id, { result: fromJson(job.returnvalue as string) });
        else finish(id, { error: job.failedReason || 'failed' });
      };
      events.on('completed', ({ jobId }) => void settle(jobId));
      events.on('failed', ({ jobId }) => void settle(jobId));
      const ids = [...byId.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        await queue.addBulk(
          ids.slice(i, i + 500).map((id) => ({
            name: byId.get(id)!.spec.kind,
            data: byId.get(id)!,
            opts: {
              jobId: id,
              attempts: 1,
              removeOnComplete: { age: KEEP_SECONDS },
              removeOnFail: { age: KEEP_SECONDS },
            },
          })),
        );
      }
      // Jobs this sweep submitted before (a restarted coordinator) may be finished already.
      for (const id of ids) await settle(id);
      if (pending.size > 0) {
        const done = new Promise<void>((resolve) => (wake = resolve));
        // A missed event cannot hang the sweep: what is still pending is looked at again every few seconds.
        const timer = setInterval(() => {
          for (const id of [...pending].slice(0, 1000)) void settle(id);
        }, 3000);
        await done;
        clearInterval(timer);
      }
    },
    async close() {
      await events.close();
      await queue.close();
      redis.disconnect();
    },
  };
}

/** The id of a sweep: the first 16 hex digits of the SHA-256 of what defines it. */
export async function sweepId(definition: unknown): Promise<string> {
  return (await sha256(new TextEncoder().encode(JSON.stringify(definition)))).slice(0, 16);
}

export interface WorkerOptions {
  url: string;
  /** Jobs at once (threads of the pool). */
  concurrency: number;
  /** A job whose worker stops renewing its lock for this long goes to another worker. */
  lockSeconds: number;
  onJob?: (event: 'start' | 'done' | 'failed', id: string, detail?: string) => void;
}

/** A worker: takes jobs until stopped (close()). */
export async function startWorker(options: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const redis = await connectRedis(options.url);
  const pool = jobPool(options.concurrency);
  const blobs = new Map<string, SharedArrayBuffer>();
  const fetchBlob = async (sha: string): Promise<SharedArrayBuffer> => {
    const known = blobs.get(sha);
    if (known) return known;
    const bytes = await redis.getBuffer(blobKey(sha));
    if (bytes === null) throw new Error(`blob ${sha.slice(0, 12)}… is not in Redis (expired, or another Redis)`);
    if ((await sha256(bytes)) !== sha) throw new Error(`blob ${sha.slice(0, 12)}… in Redis does not match its hash`);
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    blobs.set(sha, shared);
    return shared;
  };
  const worker = new Worker(
    QUEUE_NAME,
    async (qjob: QueueJob) => {
      const job = qjob.data as Job;
      options.onJob?.('start', qjob.id ?? '');
      const shared = await Promise.all(
        referencedBlobs(job.spec).map(async (sha) => [sha, await fetchBlob(sha)] as [string, SharedArrayBuffer]),
      );
      // As text that keeps NaN and ±Infinity (BullMQ's JSON would turn them into null): the coordinator gets the
      // numbers the pool would have given it.
      return toJson(await pool.run(job, shared), 0);
    },
    {
      connection: bullConnection(options.url),
      concurrency: options.concurrency,
      lockDuration: options.lockSeconds * 1000,
      stalledInterval: Math.max(500, (options.lockSeconds * 1000) / 2),
      maxStalledCount: 10,
    },
  );
  worker.on('completed', (job) => options.onJob?.('done', job.id ?? ''));
  worker.on('failed', (job, err) => options.onJob?.('failed', job?.id ?? '', err.message));
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
      redis.disconnect();
    },
  };
}
