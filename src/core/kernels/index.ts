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
 * Runs `body` on a block of at least `bytes` bytes of the WASM module's linear memory, given the block's
 * address, the module's exports and its memory (the shared build when threads are on, as gemm uses); the
 * block is the caller's until `body` returns. For kernels that keep their operands in linear memory across
 * many GEMM calls (src/linalg/wasm-kernels.ts). Null, and `body` not run, when only the reference kernels
 * can run or memory cannot grow that far.
 */
export function withWasmMemory<T>(
  bytes: number,
  body: (ptr: number, exports: Record<string, unknown>, memory: WebAssembly.Memory) => T,
): T | null {
  const rt = useWasm ? (threadRuntime() ?? wasmRuntime()) : null;
  if (rt === null) return null;
  const have = rt.memory.buffer.byteLength;
  try {
    if (BASE + bytes > have) rt.memory.grow(Math.ceil((BASE + bytes - have) / 65536));
  } catch {
    return null;
  }
  return body(BASE, rt.exports as unknown as Record<string, unknown>, rt.memory);
}
