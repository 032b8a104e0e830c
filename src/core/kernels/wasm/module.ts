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
  /** Elementwise float32 kernels (asm/math.ts): (x, out, n), byte addresses, correctly rounded. */
  exp32: Kernel;
  log32: Kernel;
  log1p32: Kernel;
  tanh32: Kernel;
  sigmoid32: Kernel;
  softplus32: Kernel;
  sin32: Kernel;
  cos32: Kernel;
  /** Elementwise float64 kernels (asm/math64.ts): (x, out, n), within 1 ulp. */
  exp64: Kernel;
  log64: Kernel;
  log1p64: Kernel;
  tanh64: Kernel;
  sigmoid64: Kernel;
  softplus64: Kernel;
  BLOCK_KC: WebAssembly.Global;
  BLOCK_MC: WebAssembly.Global;
  binary32: Kernel;
  binary64: Kernel;
  compare32: Kernel;
  compare64: Kernel;
  select32: Kernel;
  select64: Kernel;
  unary32: Kernel;
  unary64: Kernel;
  castTo32: Kernel;
  castTo64: Kernel;
  sum32: Kernel;
  sum64: Kernel;
  pairwise32: (x: number, n: number, lane: number) => number;
  pairwise64: (x: number, n: number, lane: number) => number;
  squares32: (x: number, n: number, lane: number) => number;
  squares64: (x: number, n: number, lane: number) => number;
  finite32: (x: number, n: number) => number;
  finite64: (x: number, n: number) => number;
  max32: Kernel;
  max64: Kernel;
  copy3: Kernel;
  transpose2: Kernel;
  adam32: Kernel;
  adam64: Kernel;
  sgd32: Kernel;
  sgd64: Kernel;
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

/**
 * The module, instantiated on first use: the build that imports a shared memory where the engine allows
 * one (Node; browsers when cross-origin isolated), so views of it never detach when it grows and a worker
 * thread can share it (threads.ts); else the build that owns its memory. null where WASM cannot run.
 */
export function wasmRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  runtime = sharedBuild() ?? ownBuild();
  return runtime;
}

function sharedBuild(): Runtime | null {
  if (typeof SharedArrayBuffer === 'undefined') return null;
  try {
    const { module, relaxed } = compileBest(SADDLE_SHARED_WASM_BASE64, SADDLE_SHARED_RELAXED_WASM_BASE64);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    return { exports: instantiate(module, memory), memory, module, shared: true, relaxed };
  } catch {
    return null;
  }
}

function ownBuild(): Runtime | null {
  try {
    const { module, relaxed } = compileBest(SADDLE_WASM_BASE64, SADDLE_RELAXED_WASM_BASE64);
    const exports = instantiate(module, null);
    return { exports, memory: exports.memory as WebAssembly.Memory, module, shared: false, relaxed };
  } catch {
    return null;
  }
}

/** The runtime when its memory is shared (threads can join it); null otherwise. */
export function sharedRuntime(): Runtime | null {
  const rt = wasmRuntime();
  return rt !== null && rt.shared ? rt : null;
}

export function wasmAvailable(): boolean {
  return wasmRuntime() !== null;
}
