// Node's way to start the GEMM worker thread (the library only says what the worker must run).
import { Worker } from 'node:worker_threads';
import { enableThreads } from '../core/kernels/index.js';

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
