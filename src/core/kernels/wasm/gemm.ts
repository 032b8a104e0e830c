// Loads the WASM SIMD GEMM (built from asm/gemm.ts at install) and runs it on copies of the
// operands in its linear memory. Synchronous compilation works in Node and in Web Workers; where
// it is refused (a browser's main thread limits it), the reference kernel is used instead.
import type { GemmArgs } from '../matmul-reference.js';
import { GEMM_WASM_BASE64 } from './generated/gemm-wasm.js';

interface GemmExports {
  memory: WebAssembly.Memory;
  gemm64: (a: number, b: number, c: number, m: number, k: number, n: number, ta: number, tb: number, pa: number, pb: number, s: number) => void;
  gemm32: (a: number, b: number, c: number, m: number, k: number, n: number, ta: number, tb: number, pa: number, pb: number, s: number) => void;
  BLOCK_KC: WebAssembly.Global;
  BLOCK_MC: WebAssembly.Global;
}

function decodeBase64(text: string): Uint8Array {
  if (typeof atob === 'function') {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  throw new Error('no base64 decoder');
}

let exports: GemmExports | null | undefined;

function instance(): GemmExports | null {
  if (exports !== undefined) return exports;
  try {
    const module = new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64) as BufferSource);
    const inst = new WebAssembly.Instance(module, {
      env: {
        abort: () => {
          throw new Error('gemm.wasm aborted');
        },
      },
    });
    exports = inst.exports as unknown as GemmExports;
  } catch {
    exports = null;
  }
  return exports;
}

export function wasmAvailable(): boolean {
  return instance() !== null;
}

const BASE = 65536; // leave the first page to the module's own statics
const align = (x: number) => Math.ceil(x / 64) * 64;

/** Runs the WASM GEMM; returns false (and does nothing) when WASM is unavailable. */
export function wasmGemm(args: GemmArgs): boolean {
  const ex = instance();
  if (ex === null) return false;
  const { a, aOffset, b, bOffset, c, cOffset, m, k, n, transA, transB } = args;
  const single = c instanceof Float32Array;
  const es = single ? 4 : 8;
  const nr = single ? 8 : 4;
  const kc = Math.min(k, ex.BLOCK_KC.value as number);
  const mc = ex.BLOCK_MC.value as number;
  const pa = BASE;
  const pb = align(pa + (mc + 4) * kc * es);
  const ps = align(pb + kc * Math.ceil(n / nr) * nr * es);
  const pA = align(ps + 64 * es);
  const pB = align(pA + m * k * es);
  const pC = align(pB + k * n * es);
  const end = pC + m * n * es;
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / 65536));
  const buffer = ex.memory.buffer;
  const View = single ? Float32Array : Float64Array;
  new View(buffer, pA, m * k).set(a.subarray(aOffset, aOffset + m * k));
  new View(buffer, pB, k * n).set(b.subarray(bOffset, bOffset + k * n));
  (single ? ex.gemm32 : ex.gemm64)(pA, pB, pC, m, k, n, transA ? 1 : 0, transB ? 1 : 0, pa, pb, ps);
  c.set(new View(buffer, pC, m * n), cOffset);
  return true;
}
