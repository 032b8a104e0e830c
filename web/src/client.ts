// The page's side of the worker protocol: a promise per request, progress callbacks, and a
// dedicated worker for long jobs so that stopping one is terminating its worker.
import type { FromWorker, Kind, ProgressOf, RequestOf, ResponseOf, ToWorker, WorkerError } from './protocol.js';

export class WorkerFailure extends Error {
  constructor(readonly detail: WorkerError) {
    super(detail.message);
  }
}

/** A job on a worker of its own: `stop()` terminates the worker, and `done` then rejects with 'stopped'. */
export type Job<K extends Kind> = { done: Promise<ResponseOf<K>>; stop: () => void };

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (p: unknown) => void };

export class Lab {
  private next = 1;
  private pending = new Map<number, Pending>();

  constructor(private readonly worker: Worker = Lab.spawn()) {
    this.listen(worker);
  }

  static spawn(): Worker {
    return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  }

  private listen(w: Worker): void {
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      if ('progress' in m) return p.progress?.(m.progress);
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new WorkerFailure(m.error));
    };
    w.onerror = (e) => {
      for (const [id, p] of this.pending) {
        p.reject(new Error(`the worker stopped: ${e.message}`));
        this.pending.delete(id);
      }
    };
  }

  call<K extends Kind>(kind: K, payload: RequestOf<K>, progress?: (p: ProgressOf<K>) => void): Promise<ResponseOf<K>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      // The worker answers `id` with this kind's response and progress (protocol.ts), so the casts hold.
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        progress: progress as ((p: unknown) => void) | undefined,
      });
      this.worker.postMessage({ id, kind, payload } as ToWorker);
    });
  }

  /** A long job on its own worker, so that it can be stopped (by the user, or by leaving the page). */
  job<K extends Kind>(kind: K, payload: RequestOf<K>, progress?: (p: ProgressOf<K>) => void): Job<K> {
    const w = Lab.spawn();
    const lab = new Lab(w);
    let stopped = false;
    let rejectStop: (e: Error) => void = () => undefined;
    const stop = new Promise<never>((_, reject) => (rejectStop = reject));
    // Nothing of a stopped job reaches the page: not even progress already queued behind the stop.
    const report = (p: ProgressOf<K>) => void (stopped || progress?.(p));
    const done = Promise.race([lab.call(kind, payload, report), stop]).finally(() => w.terminate());
    return {
      done,
      stop: () => {
        if (stopped) return;
        stopped = true;
        w.terminate();
        rejectStop(new Error('stopped'));
      },
    };
  }
}
