// A second thread for large GEMMs. The caller opts in with enableThreads({spawn}), giving a way to
// start a worker in its environment (worker_threads in Node, Worker in a browser) that calls
// serveGemm(init); the library itself starts nothing. The worker instantiates the shared-memory
// build on the same memory and waits on a control block (Atomics), so a GEMM is handed over
// without a message round trip: the main thread writes the task, wakes the worker, computes its
// own rows, and waits for the worker's.
import { instantiate, sharedRuntime, type Runtime } from './module.js';

/** What a worker needs: the compiled shared module, the shared memory and the control block. */
export interface GemmWorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

export interface ThreadOptions {
  /** Starts a worker that calls serveGemm(init) (and should not keep the process alive). */
  spawn: (init: GemmWorkerInit) => unknown;
}

// Control block layout (Int32 slots).
const STATE = 0;
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const FAILED = 3;
const ARGS = 1; // dtype, a, b, c, m, k, n, transA, transB, packA, packB, scratch, rowStart, rowEnd
const SLOTS = 16;

let control: Int32Array | null = null;
let active: Runtime | null = null;

/** Starts one worker thread for large GEMMs; false when shared memory is unavailable here. */
export function enableThreads(options: ThreadOptions): boolean {
  if (control !== null) return true;
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const rt = sharedRuntime();
  if (rt === null) return false;
  const sab = new SharedArrayBuffer(SLOTS * 4);
  options.spawn({ module: rt.module, memory: rt.memory, control: sab });
  control = new Int32Array(sab);
  active = rt;
  return true;
}

export function threadsEnabled(): boolean {
  return control !== null;
}

/** Posts rows of a GEMM to the worker (args as the kernel's, row range last). */
export function postGemm(args: readonly number[]): void {
  const ctl = control as Int32Array;
  for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i];
  Atomics.store(ctl, STATE, POSTED);
  Atomics.notify(ctl, STATE);
}

/** Waits for the posted rows; throws if the worker failed. */
export function awaitGemm(): void {
  const ctl = control as Int32Array;
  for (;;) {
    const state = Atomics.load(ctl, STATE);
    if (state === DONE) break;
    if (state === FAILED) {
      control = null;
      throw new Error('the GEMM worker thread failed; threads are now disabled');
    }
    Atomics.wait(ctl, STATE, state, 1000);
  }
  Atomics.store(ctl, STATE, IDLE);
}

export function threadRuntime(): Runtime | null {
  return control === null ? null : active;
}

/** The worker's loop: runs posted GEMM rows forever. Call it from the spawned worker. */
export function serveGemm(init: GemmWorkerInit): void {
  const ex = instantiate(init.module, init.memory);
  const ctl = new Int32Array(init.control);
  for (;;) {
    const state = Atomics.load(ctl, STATE);
    if (state !== POSTED) {
      Atomics.wait(ctl, STATE, state);
      continue;
    }
    try {
      const a = Array.from(ctl.subarray(ARGS, ARGS + 14));
      (a[0] === 32 ? ex.gemm32 : ex.gemm64)(...a.slice(1));
      Atomics.store(ctl, STATE, DONE);
    } catch (err) {
      Atomics.store(ctl, STATE, FAILED);
      Atomics.notify(ctl, STATE);
      throw err;
    }
    Atomics.notify(ctl, STATE);
  }
}
