// Node's part of the kernel setup, kept out of the library (which starts nothing by itself):
// relaxed SIMD for fused multiply-adds (on by default from Node 22; Node 20 has it behind a V8
// flag, which must be set before the first kernel compiles), and a worker thread for large GEMMs.
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { enableThreads } from '../core/kernels/index.js';

/** Lets V8 accept the relaxed-SIMD build; call before any kernel runs. */
export function enableRelaxedSimd(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Enables a second thread for large GEMMs; returns whether it could (shared memory available). */
export function enableNodeThreads(): boolean {
  return enableThreads({
    spawn: (init) => {
      const worker = new Worker(new URL('./gemm-worker.js', import.meta.url), { workerData: init });
      worker.unref(); // never keeps the process alive
      return worker;
    },
  });
}

/** Both, as the CLI and the benchmark run: the fastest kernels this machine has. */
export function setupNodeKernels(): { threads: boolean } {
  enableRelaxedSimd();
  return { threads: enableNodeThreads() };
}
