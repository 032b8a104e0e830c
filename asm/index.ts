// The WASM kernels of saddle, compiled into one module by scripts/build-wasm.mjs.
export { gemm64, gemm32, BLOCK_KC, BLOCK_MC } from './gemm';
export { tridiagonalize, mergeUpdate, mergeWorkspace, qlVectors } from './symmetric';
export { householderWorkspace, tridiagonalizeBlocked, applyReflectorsBlocked } from './householder';
