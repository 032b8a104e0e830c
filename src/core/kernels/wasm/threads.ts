// A second thread for large kernels (GEMM, elementwise ops, reductions, optimiser steps). The caller opts
// in with enableThreads({spawn}), giving a way to start a worker in its environment (worker_threads in
// Node, Worker in a browser) that calls serveGemm(init); the library itself starts nothing. The worker
// instantiates the shared-memory build on the same memory and waits on a control block (Atomics), so a
// task is handed over without a message round trip: the main thread writes the kernel and its arguments,
// wakes the worker, computes its own part, and waits for the worker's. Each thread computes a fixed part
// of the result in the same order as one thread would, so results are bit-identical to one thread.
import { instantiate, sharedRuntime, type Runtime, type SaddleWasm } from './module.js';

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

/** Kernels a worker may be asked to run, by index (the control block carries the index). */
const KERNELS = [
  'gemm32',
  'gemm64',
  'binary32',
  'binary64',
  'compare32',
  'compare64',
  'select32',
  'select64',
  'unary32',
  'unary64',
  'pairwise32',
  'pairwise64',
  'sum32',
  'sum64',
  'adam32',
  'adam64',
  'sgd32',
  'sgd64',
  'exp32',
  'log32',
  'log1p32',
  'tanh32',
  'sigmoid32',
  'softplus32',
  'sin32',
  'cos32',
  'exp64',
  'log64',
  'log1p64',
  'tanh64',
  'sigmoid64',
  'softplus64',
] as const satisfies readonly (keyof SaddleWasm)[];
export type ThreadKernel = (typeof KERNELS)[number];

// Control block: four Int32 slots (state, kernel, argument count), then float64 arguments (pointers, sizes
// and an optimiser's constants alike), then one float64 for a kernel's return value.
const STATE = 0;
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const FAILED = 3;
const KERNEL = 1;
const COUNT = 2;
/**
 * Set by the worker once it serves: until then (a browser worker starts only when its creator yields)
 * kernels run on one thread.
 */
const READY = 3;
const MAX_ARGS = 24;
const ARGS_BYTE = 16;
const RESULT = MAX_ARGS;
const BYTES = ARGS_BYTE + (MAX_ARGS + 1) * 8;

let control: Int32Array | null = null;
let slots: Float64Array | null = null;
let active: Runtime | null = null;

/** Starts one worker thread for large kernels; false when shared memory is unavailable here. */
export function enableThreads(options: ThreadOptions): boolean {
  if (control !== null) return true;
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const rt = sharedRuntime();
  if (rt === null) return false;
  const sab = new SharedArrayBuffer(BYTES);
  options.spawn({ module: rt.module, memory: rt.memory, control: sab });
  control = new Int32Array(sab, 0, 4);
  slots = new Float64Array(sab, ARGS_BYTE, MAX_ARGS + 1);
  active = rt;
  return true;
}

export function threadsEnabled(): boolean {
  return control !== null;
}

/** Whether the worker is serving: kernels split work only then. */
export function threadsReady(): boolean {
  return control !== null && Atomics.load(control, READY) === 1;
}

/** Posts a kernel call to the worker. */
export function post(kernel: ThreadKernel, args: readonly number[]): void {
  const ctl = control as Int32Array;
  const a = slots as Float64Array;
  ctl[KERNEL] = KERNELS.indexOf(kernel);
  ctl[COUNT] = args.length;
  for (let i = 0; i < args.length; i++) a[i] = args[i];
  Atomics.store(ctl, STATE, POSTED);
  Atomics.notify(ctl, STATE);
}

/**
 * Polls before sleeping: a worker woken from a futex takes tens of microseconds, as long as a whole
 * elementwise op on 10⁵ numbers, so both sides spin for a short while (about 0.1 ms) first.
 */
const SPINS = 20000;
let canWait = true;

/** Waits for the posted call and returns its result (0 for kernels without one); throws if the worker failed. */
export function awaitPosted(): number {
  const ctl = control as Int32Array;
  for (let spins = 0; ; spins++) {
    const state = Atomics.load(ctl, STATE);
    if (state === DONE) break;
    if (state === FAILED) {
      control = null;
      throw new Error('the kernel worker thread failed; threads are now disabled');
    }
    if (spins > SPINS && canWait) {
      try {
        Atomics.wait(ctl, STATE, state, 1000);
      } catch {
        canWait = false; // a browser page's main thread may not block: keep polling there
      }
    }
  }
  Atomics.store(ctl, STATE, IDLE);
  return (slots as Float64Array)[RESULT];
}

export function threadRuntime(): Runtime | null {
  return threadsReady() ? active : null;
}

/**
 * Runs a kernel over [0, n) on two threads when one is enabled and n is at least `threshold`: the worker
 * takes [split, n) (split a multiple of 16, so both parts stay aligned), this thread [0, split); else
 * this thread does it all. `part(lo, hi)` returns the kernel and its arguments for a range. Each element
 * is computed by one thread, as one thread would, so the bits do not depend on the thread count.
 */
export function parallelRange(
  n: number,
  threshold: number,
  part: (lo: number, hi: number) => [ThreadKernel, number[]],
  run: (kernel: ThreadKernel, args: number[]) => void,
): void {
  if (!threadsReady() || n < threshold) {
    const [k, a] = part(0, n);
    run(k, a);
    return;
  }
  const split = Math.floor(n / 2 / 16) * 16;
  const [k2, a2] = part(split, n);
  post(k2, a2);
  const [k1, a1] = part(0, split);
  run(k1, a1);
  awaitPosted();
}

/** The worker's loop: runs posted kernel calls forever. Call it from the spawned worker. */
export function serveGemm(init: GemmWorkerInit): void {
  const ex = instantiate(init.module, init.memory);
  const ctl = new Int32Array(init.control, 0, 4);
  const a = new Float64Array(init.control, ARGS_BYTE, MAX_ARGS + 1);
  Atomics.store(ctl, READY, 1);
  let idle = 0;
  for (;;) {
    const state = Atomics.load(ctl, STATE);
    if (state !== POSTED) {
      if (++idle > SPINS) Atomics.wait(ctl, STATE, state);
      continue;
    }
    idle = 0;
    try {
      const args = Array.from(a.subarray(0, ctl[COUNT]));
      const kernel = ex[KERNELS[ctl[KERNEL]]] as (...x: number[]) => number | undefined;
      a[RESULT] = kernel(...args) ?? 0;
      Atomics.store(ctl, STATE, DONE);
    } catch (err) {
      Atomics.store(ctl, STATE, FAILED);
      Atomics.notify(ctl, STATE);
      throw err;
    }
    Atomics.notify(ctl, STATE);
  }
}
