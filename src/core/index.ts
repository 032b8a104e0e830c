export * from './dtype.js';
export * from './errors.js';
export * from './shape.js';
export * from './tensor.js';
export * from './ops.js';
export * from './composite.js';
export * from './tree.js';
export {
  adamStep,
  fusedAdam,
  isConcrete,
  sgdStep,
  type AdamConstants,
  type AdamStepSettings,
  type SgdStepSettings,
} from './fused.js';
export * from './transforms.js';
export { scope, memoryInfo, setResidentStorage, setResidentThreshold } from './storage.js';
/** @internal For the library's own loops (training, minimisation): see storage.ts. */
export { currentScope, detached, retire } from './storage.js';
export type { HeapInfo } from './kernels/wasm/heap.js';
export type { Primitive, PrimitiveParams, CompareOp } from './primitives.js';
export {
  kernelInfo,
  setReferenceKernels,
  preferPlainSimd,
  gemm,
  gemmReference,
  enableThreads,
  serveGemm,
  threadsEnabled,
  threadsReady,
  type KernelInfo,
  type GemmArgs,
  type GemmWorkerInit,
  type ThreadOptions,
} from './kernels/index.js';
