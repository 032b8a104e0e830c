// The one WASM module of saddle (built from asm/ at install), instantiated on first use.
// Synchronous compilation works in Node and in Web Workers; where it is refused (a browser's main
// thread limits it), callers fall back to the TypeScript reference kernels.
import { SADDLE_WASM_BASE64 } from './generated/saddle-wasm.js';

type Kernel = (...args: number[]) => void;

export interface SaddleWasm {
  memory: WebAssembly.Memory;
  gemm64: Kernel;
  gemm32: Kernel;
  tridiagonalize: Kernel;
  BLOCK_KC: WebAssembly.Global;
  BLOCK_MC: WebAssembly.Global;
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let instance: SaddleWasm | null | undefined;

export function wasm(): SaddleWasm | null {
  if (instance !== undefined) return instance;
  try {
    const module = new WebAssembly.Module(decodeBase64(SADDLE_WASM_BASE64) as BufferSource);
    const inst = new WebAssembly.Instance(module, {
      env: {
        abort: () => {
          throw new Error('saddle.wasm aborted');
        },
      },
    });
    instance = inst.exports as unknown as SaddleWasm;
  } catch {
    instance = null;
  }
  return instance;
}

export function wasmAvailable(): boolean {
  return wasm() !== null;
}

/** First byte address callers may use (the first page is the module's own). */
export const BASE = 65536;

export const align = (x: number): number => Math.ceil(x / 64) * 64;

/** Grows linear memory to at least `end` bytes and returns its (possibly new) buffer. */
export function ensureMemory(ex: SaddleWasm, end: number): ArrayBuffer {
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / 65536));
  return ex.memory.buffer;
}
