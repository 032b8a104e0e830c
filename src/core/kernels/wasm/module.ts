// The WASM module of saddle (built from asm/ at install), instantiated on first use. Synchronous
// compilation works in Node and in Web Workers; where it is refused (a browser's main thread limits
// it), callers fall back to the TypeScript reference kernels. After enableThreads() the module is
// the build that imports a shared memory, so a worker thread can run part of a GEMM in it.
import {
  SADDLE_RELAXED_WASM_BASE64,
  SADDLE_SHARED_RELAXED_WASM_BASE64,
  SADDLE_SHARED_WASM_BASE64,
  SADDLE_WASM_BASE64,
  SHARED_MAXIMUM_PAGES,
} from './generated/saddle-wasm.js';

type Kernel = (...args: number[]) => void;

export interface SaddleWasm {
  gemm64: Kernel;
  gemm32: Kernel;
  tridiagonalize: Kernel;
  BLOCK_KC: WebAssembly.Global;
  BLOCK_MC: WebAssembly.Global;
}

export interface Runtime {
  exports: SaddleWasm;
  memory: WebAssembly.Memory;
  /** The compiled module and whether its memory is shared (then workers can instantiate it too). */
  module: WebAssembly.Module;
  shared: boolean;
  /** Whether this is the relaxed-SIMD build (fused multiply-add in the GEMM). */
  relaxed: boolean;
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const abort = () => {
  throw new Error('saddle.wasm aborted');
};

/** Instantiates a compiled module; a shared build gets `memory` as its imported memory. */
export function instantiate(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory | null,
): SaddleWasm & { memory?: WebAssembly.Memory } {
  const env: Record<string, unknown> = { abort };
  if (memory !== null) env.memory = memory;
  return new WebAssembly.Instance(module, { env: env as WebAssembly.ModuleImports })
    .exports as unknown as SaddleWasm & { memory?: WebAssembly.Memory };
}

/** The relaxed-SIMD build where the engine accepts it (browsers, Node ≥ 22), else the plain one. */
function compileBest(plain: string, relaxed: string): { module: WebAssembly.Module; relaxed: boolean } {
  const relaxedBytes = decodeBase64(relaxed) as BufferSource;
  if (preferRelaxed && WebAssembly.validate(relaxedBytes))
    return { module: new WebAssembly.Module(relaxedBytes), relaxed: true };
  return { module: new WebAssembly.Module(decodeBase64(plain) as BufferSource), relaxed: false };
}

let preferRelaxed = true;
let runtime: Runtime | null | undefined;

/**
 * Chooses the plain SIMD build even where relaxed SIMD is available (before the first kernel call);
 * for comparing the two, or for bit-identical results across machines with and without FMA.
 */
export function preferPlainSimd(plain: boolean): void {
  preferRelaxed = !plain;
}

export function wasmRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const { module, relaxed } = compileBest(SADDLE_WASM_BASE64, SADDLE_RELAXED_WASM_BASE64);
    const exports = instantiate(module, null);
    runtime = { exports, memory: exports.memory as WebAssembly.Memory, module, shared: false, relaxed };
  } catch {
    runtime = null;
  }
  return runtime;
}

/** Switches to the shared-memory build; null where shared memory or threads are unavailable. */
export function sharedRuntime(): Runtime | null {
  if (runtime?.shared) return runtime;
  try {
    const { module, relaxed } = compileBest(SADDLE_SHARED_WASM_BASE64, SADDLE_SHARED_RELAXED_WASM_BASE64);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    runtime = { exports: instantiate(module, memory), memory, module, shared: true, relaxed };
    return runtime;
  } catch {
    return null;
  }
}

export function wasmAvailable(): boolean {
  return wasmRuntime() !== null;
}

/** First byte address callers may use (the first page is the module's own). */
export const BASE = 65536;

export const align = (x: number): number => Math.ceil(x / 64) * 64;

/** Grows linear memory to at least `end` bytes and returns its (possibly new) buffer. */
export function ensureMemory(rt: Runtime, end: number): ArrayBufferLike {
  const have = rt.memory.buffer.byteLength;
  if (end > have) rt.memory.grow(Math.ceil((end - have) / 65536));
  return rt.memory.buffer;
}
