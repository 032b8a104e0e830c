// The page's side of the worker protocol: a promise per request, progress callbacks, and a
// dedicated worker for long jobs so that stopping one is terminating its worker.
import type { FromWorker, Kind, Requests, WorkerError } from './protocol.js';

export class WorkerFailure extends Error {
  constructor(readonly detail: WorkerError) {
    super(detail.message);
  }
}

export class Lab {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (p: unknown) => void }>();

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

  call<K extends Kind>(kind: K, payload: Requests[K][0], progress?: (p: unknown) => void): Promise<Requests[K][1]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.worker.postMessage({ id, kind, payload });
    });
  }

  /** A long job on its own worker; `stop()` terminates it (the promise then rejects with 'stopped'). */
  job<K extends Kind>(kind: K, payload: Requests[K][0], progress?: (p: unknown) => void): { done: Promise<Requests[K][1]>; stop: () => void } {
    const w = Lab.spawn();
    const lab = new Lab(w);
    let rejectStop: (e: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (rejectStop = reject));
    const done = Promise.race([lab.call(kind, payload, progress), stopped]).finally(() => w.terminate());
    return { done, stop: () => rejectStop(new Error('stopped')) };
  }
}
