// `saddle info`: what this installation computes with.
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { setupNodeKernels } from './node-runtime.js';
import { kernelInfo } from '../core/kernels/index.js';
import { epsilon, unitRoundoff, DTYPES } from '../core/dtype.js';
import { VERSION } from '../version.js';

export function describeInstallation() {
  const { threads } = setupNodeKernels();
  return {
    version: VERSION,
    node: process.versions.node,
    kernels: kernelInfo(),
    /** Whether a second thread runs half of each large GEMM (needs shared WASM memory). */
    threads: { gemmWorker: threads, cores: availableParallelism() },
    dtypes: DTYPES.map((dtype) => ({ dtype, epsilon: epsilon(dtype), unitRoundoff: unitRoundoff(dtype) })),
  };
}

export function infoCommand(): Command {
  return new Command('info')
    .description('show the version, the active kernels (WASM SIMD or reference), threads and the dtypes')
    .option('--json', 'print one JSON document')
    .action((options: { json?: boolean }) => {
      const info = describeInstallation();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const lines = [
        `saddle ${info.version} (node ${info.node})`,
        `kernels: ${info.kernels.active}${info.kernels.wasm ? ` (WASM SIMD${info.kernels.fusedMultiplyAdd ? ', fused multiply-add' : ''})` : ' (WASM unavailable)'}`,
        `threads: ${info.threads.gemmWorker ? 'a second thread for large GEMMs' : 'one (no shared memory here)'}; ${info.threads.cores} cores`,
        ...info.dtypes.map((d) => `${d.dtype.padEnd(8)} epsilon ${d.epsilon.toExponential(3)}  unit roundoff ${d.unitRoundoff.toExponential(3)}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
