// The WASM kernels of saddle, compiled into one module by scripts/build-wasm.mjs.
export { gemm64, gemm32, BLOCK_KC, BLOCK_MC } from './gemm';
export { tridiagonalize, mergeUpdate, mergeWorkspace, qlVectors } from './symmetric';
export { householderWorkspace, tridiagonalizeBlocked, applyReflectorsBlocked } from './householder';
export {
  binary32, binary64, compare32, compare64, select32, select64, unary32, unary64, castTo32, castTo64,
} from './elementwise';
export {
  sum32, sum64, pairwise32, pairwise64, squares32, squares64, finite32, finite64, max32, max64, copy3, transpose2,
} from './reduce';
export { adam32, adam64, sgd32, sgd64 } from './optim';
export { exp32, log32, log1p32, tanh32, sigmoid32, softplus32, sin32, cos32 } from './math';
export { exp64, log64, log1p64, tanh64, sigmoid64, softplus64 } from './math64';
