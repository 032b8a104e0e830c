// `saddle info`: what this installation computes with.
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { setupNodeKernels } from './node-runtime.js';
import { kernelInfo } from '../core/kernels/index.js';
import { memoryInfo } from '../core/storage.js';
import { epsilon, unitRoundoff, DTYPES } from '../core/dtype.js';
import { VERSION } from '../version.js';
import { jsonOption } from './options.js';
import { printResult } from './output.js';

export function describeInstallation() {
  const { threads } = setupNodeKernels();
  return {
    version: VERSION,
    node: process.versions.node,
    kernels: kernelInfo(),
    /** Whether a second thread runs half of each large kernel (needs shared WASM memory). */
    threads: { gemmWorker: threads, cores: availableParallelism() },
    /** Bytes of WASM memory the tensors resident in scopes may use now (it grows as they need). */
    memory: memoryInfo(),
    dtypes: DTYPES.map((dtype) => ({ dtype, epsilon: epsilon(dtype), unitRoundoff: unitRoundoff(dtype) })),
  };
}

export function infoCommand(): Command {
  return new Command('info')
    .description('show the version, the active kernels (WASM SIMD or reference), threads and the dtypes')
    .addOption(jsonOption())
    .action((options: { json?: boolean }) => {
      const info = describeInstallation();
      const { version: _version, ...rest } = info;
      printResult(
        options.json,
        () => rest,
        () => {
          const threads = info.threads.gemmWorker
            ? 'a second thread for large kernels (GEMM, elementwise, sums, optimiser steps)'
            : 'one (no shared memory here)';
          const shared = info.kernels.sharedMemory ? 'shared' : 'unshared, at most 256 MB';
          const wasm = info.kernels.fusedMultiplyAdd ? 'WASM SIMD, fused multiply-add' : 'WASM SIMD';
          return [
            `saddle ${info.version} (node ${info.node})`,
            `kernels: ${info.kernels.active} (${info.kernels.wasm ? wasm : 'WASM unavailable'})`,
            `threads: ${threads}; ${info.threads.cores} cores`,
            `memory: tensors in scopes are resident in WASM memory (${shared})`,
            ...info.dtypes.map(
              (d) =>
                `${d.dtype.padEnd(8)} epsilon ${d.epsilon.toExponential(3)}  ` +
                `unit roundoff ${d.unitRoundoff.toExponential(3)}`,
            ),
          ].join('\n');
        },
      );
    });
}
