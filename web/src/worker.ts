// The lab's worker: it answers each message with its kind's handler (handlers.ts), reporting progress
// on the way and turning errors into messages the page can show.
import { enableThreads, ParseError, SaddleError } from '../../src/index.js';
import { HANDLERS } from './handlers.js';
import type { FromWorker, Handler, Kind, RequestOf, ToWorker, WorkerError } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

// Both cores: where the page is cross-origin isolated (shared memory), a kernel thread joins this worker's
// WASM memory; elsewhere (a page opened from a file) everything runs on this thread, with the same results.
if ((self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true) {
  enableThreads({
    spawn: (init) => {
      const kernel = new Worker(new URL('./kernel-worker.js', import.meta.url), { type: 'module' });
      kernel.postMessage(init);
      return kernel;
    },
  });
}

function toError(err: unknown): WorkerError {
  if (err instanceof ParseError) return { message: err.message, pointer: err.pointer(), column: err.column };
  if (err instanceof SaddleError) return { message: err.message };
  return { message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}

async function answer<K extends Kind>(id: number, kind: K, payload: RequestOf<K>): Promise<void> {
  const handle: Handler<K> = HANDLERS[kind];
  const result = await handle(payload, (progress) => post({ id, progress }));
  post({ id, ok: true, result });
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const { id, kind, payload } = event.data;
  try {
    // The type says every message has a known kind; a message from elsewhere need not.
    if (!Object.hasOwn(HANDLERS, kind)) throw new SaddleError(`unknown request '${kind as string}'`);
    await answer(id, kind, payload);
  } catch (err) {
    post({ id, ok: false, error: toError(err) });
  }
};
