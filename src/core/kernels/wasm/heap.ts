// The heap of tensors resident in the module's linear memory: blocks of 64-byte-aligned bytes (a cache
// line, and every SIMD load aligned), reused through free lists by size class. Written here rather than
// taken from a malloc compiled into the module because its bookkeeping must live in JavaScript beside
// the scopes that free the blocks (src/core/storage.ts), and a bump pointer with exact-size free lists is
// all that a training loop, which allocates the same shapes every step, needs to keep a flat footprint.
// Memory is never returned to the engine (WASM memory cannot shrink); the high-water mark is reported.
import { wasmRuntime, type Runtime } from './module.js';

/** The first page holds the module's own data; tensors start after it. */
const BASE = 65536;
const ALIGN = 64;
const PAGE = 65536;
/**
 * An unshared memory detaches every view of itself when it grows, and code holds views across
 * allocations; so where memory cannot be shared (a browser page that is not cross-origin isolated) the
 * heap takes this much once, before any view exists, and never grows: past it, tensors are ordinary arrays.
 */
const UNSHARED_BYTES = 256 * 2 ** 20;

/** Bytes of the size class of a request: multiples of 64 up to 4 KiB, then 8 steps per doubling (≤ 12.5% slack). */
export function sizeClass(bytes: number): number {
  const r = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (r <= 4096) return r;
  const step = 2 ** (Math.floor(Math.log2(r)) - 3);
  return Math.ceil(r / step) * step;
}

export interface HeapInfo {
  /** Bytes of linear memory the engine has given the module. */
  memoryBytes: number;
  /** Bytes in blocks now in use. */
  inUse: number;
  /** The most bytes in use at once. */
  peak: number;
  /** Bytes handed out from the top (in use or on a free list). */
  reserved: number;
}

class Heap {
  private top = BASE;
  private readonly free = new Map<number, number[]>();
  private inUse = 0;
  private peak = 0;
  constructor(private readonly rt: Runtime) {
    if (!rt.shared) {
      const have = rt.memory.buffer.byteLength;
      try {
        if (have < UNSHARED_BYTES) rt.memory.grow((UNSHARED_BYTES - have) / PAGE);
      } catch {
        // less memory than that: the heap uses what there is
      }
    }
  }

  /** A block of at least `bytes` bytes, or -1 when memory cannot grow that far. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let ptr: number;
    if (list !== undefined && list.length > 0) ptr = list.pop() as number;
    else {
      if (!this.reserve(this.top + size)) return -1;
      ptr = this.top;
      this.top += size;
    }
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(ptr);
    this.inUse -= size;
  }

  /** Grows memory to at least `end` bytes: by a quarter of what it has at least, to grow seldom. */
  private reserve(end: number): boolean {
    const have = this.rt.memory.buffer.byteLength;
    if (end <= have) return true;
    if (end > 2 ** 32 || !this.rt.shared) return false;
    const need = Math.ceil((end - have) / PAGE);
    const generous = Math.min(Math.max(need, Math.ceil(have / PAGE / 4)), 2 ** 16 - have / PAGE);
    for (const pages of [generous, need]) {
      try {
        this.rt.memory.grow(pages);
        return true;
      } catch {
        // the engine refused (out of memory, or past the maximum): try the exact need, then give up
      }
    }
    return false;
  }

  info(): HeapInfo {
    return {
      memoryBytes: this.rt.memory.buffer.byteLength,
      inUse: this.inUse,
      peak: this.peak,
      reserved: this.top - BASE,
    };
  }
}

let heap: Heap | null | undefined;

/** The heap over the WASM runtime's memory, or null where WASM cannot run. */
export function wasmHeap(): Heap | null {
  if (heap === undefined) {
    const rt = wasmRuntime();
    heap = rt === null ? null : new Heap(rt);
  }
  return heap;
}

export type { Heap };
