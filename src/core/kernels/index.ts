// The kernel interface: every primitive's concrete evaluation goes through here. The TypeScript
// kernels are the reference; WASM SIMD kernels (GEMM, Householder tridiagonalisation) replace
// them for large problems, and tests compare the two.
import { gemmReference, type GemmArgs } from './matmul-reference.js';
import { wasmGemm } from './wasm/gemm.js';
import { wasmRuntime } from './wasm/module.js';
import { wasmTridiagonalize } from './wasm/symmetric.js';

export * from './elementwise.js';
export * from './layout.js';
export { enableThreads, serveGemm, threadsEnabled, type GemmWorkerInit, type ThreadOptions } from './wasm/threads.js';
export { gemmReference, type GemmArgs };

/** Below this many multiply-adds the reference loop beats copying into WASM memory. */
const WASM_GEMM_THRESHOLD = 4096;

let useWasm = true;

/** Turns the WASM kernels off (true) or back on, e.g. to compare against the reference. */
export function setReferenceKernels(reference: boolean): void {
  useWasm = !reference;
}

export { preferPlainSimd } from './wasm/module.js';

export interface KernelInfo {
  wasm: boolean;
  active: 'wasm' | 'reference';
  /** Whether the GEMM fuses multiply-adds (the relaxed-SIMD build). */
  fusedMultiplyAdd: boolean;
}

export function kernelInfo(): KernelInfo {
  const rt = wasmRuntime();
  return {
    wasm: rt !== null,
    active: rt !== null && useWasm ? 'wasm' : 'reference',
    fusedMultiplyAdd: rt?.relaxed ?? false,
  };
}

export function gemm(args: GemmArgs): void {
  if (useWasm && args.m * args.n * args.k >= WASM_GEMM_THRESHOLD && wasmGemm(args)) return;
  gemmReference(args);
}

/**
 * Householder tridiagonalisation (the WASM SIMD kernel); false when only the reference
 * (src/linalg/eigh.ts) can run, so the caller uses it.
 */
export function tridiagonalizeKernel(W: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  return useWasm && n >= 8 && wasmTridiagonalize(W, n, d, e);
}
