// The kernel interface: every primitive's concrete evaluation goes through here. The TypeScript
// kernels are the reference; WASM SIMD kernels (GEMM, Householder tridiagonalisation) replace
// them for large problems, and tests compare the two.
import { gemmReference, type GemmArgs } from './matmul-reference.js';
import { wasmGemm } from './wasm/gemm.js';
import { BASE, wasmRuntime } from './wasm/module.js';
import { wasmTridiagonalize } from './wasm/symmetric.js';
import { threadRuntime } from './wasm/threads.js';

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

/**
 * The running WASM module (the shared build when threads are on, as gemm uses) with its linear memory,
 * for the blocked eigensolver (src/linalg/wasm-kernels.ts): its kernels call the GEMM on operands
 * resident in linear memory instead of copying them in and out per call. Memory from `base` up is the
 * caller's until it returns. Null when only the reference kernels can run.
 */
export function linearMemoryModule(): {
  exports: Record<string, unknown>;
  memory: WebAssembly.Memory;
  base: number;
} | null {
  const rt = useWasm ? (threadRuntime() ?? wasmRuntime()) : null;
  return rt === null
    ? null
    : { exports: rt.exports as unknown as Record<string, unknown>, memory: rt.memory, base: BASE };
}
