// The GEMM worker thread's entry (Node): serve the tasks the main thread posts.
import { workerData } from 'node:worker_threads';
import { serveGemm, type GemmWorkerInit } from '../core/kernels/index.js';

serveGemm(workerData as GemmWorkerInit);
