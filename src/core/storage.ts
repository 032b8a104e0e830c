// Where a tensor's numbers live, and when that memory is released.
//
// Numbers live either in an ordinary typed array (the JavaScript heap: the garbage collector frees them)
// or in a block of the WASM module's linear memory, where the SIMD kernels read and write them in place,
// without copies. A block is owned by a scope and released when the scope ends, except for the tensors
// the scope returns, which move to the enclosing scope, or to an ordinary array when there is none. So
// memory stays bounded in any loop without anyone calling dispose; a FinalizationRegistry could not do
// this, as its callbacks never run while a synchronous loop is running.
//
// Two kinds of scope: every transformation (grad, jvp, hvp, …) runs in an internal one, which owns what
// the library itself computes there (the primal values of traced operations, tangents, cotangents);
// `scope(fn)` opens a user one, which owns everything else computed inside it. Outside any user scope,
// what user code computes lives in ordinary arrays, exactly as before WASM residency existed, so a tensor
// a user keeps (in a closure, an array, a cache) can never be released under them. The optional scope()
// API, as tf.tidy, is for users' own hot loops; a tensor used after its scope released it throws.
import { allocate, type Data, type DType } from './dtype.js';
import { SaddleError } from './errors.js';
import { wasmHeap, type HeapInfo } from './kernels/wasm/heap.js';
import { wasmRuntime } from './kernels/wasm/module.js';

const ORDINARY = -1;
const RELEASED = -2;

/** The numbers of one or more tensors (a reshape shares them). */
export class Storage {
  /** Byte address in WASM memory, or ORDINARY (a typed array), or RELEASED. */
  ptr: number;
  owner: Scope | null;
  private array: Data | null;
  private view: Data | null = null;

  constructor(
    readonly dtype: DType,
    readonly length: number,
    array: Data | null,
    ptr: number,
    owner: Scope | null,
  ) {
    this.array = array;
    this.ptr = ptr;
    this.owner = owner;
  }

  /** Ordinary storage around an existing typed array (no copy). */
  static of(array: Data): Storage {
    return new Storage(array instanceof Float64Array ? 'float64' : 'float32', array.length, array, ORDINARY, null);
  }

  get resident(): boolean {
    return this.ptr >= 0;
  }

  /** The numbers as a typed array: the array itself, or a view of WASM memory (valid until the scope ends). */
  get data(): Data {
    if (this.ptr === ORDINARY) return this.array as Data;
    if (this.ptr === RELEASED) throw released();
    let v = this.view;
    // A view detaches when an unshared memory grows (its length reads 0): make it again.
    if (v === null || v.length !== this.length) {
      const buffer = (wasmRuntime() as NonNullable<ReturnType<typeof wasmRuntime>>).memory.buffer as ArrayBuffer;
      v =
        this.dtype === 'float64'
          ? new Float64Array(buffer, this.ptr, this.length)
          : new Float32Array(buffer, this.ptr, this.length);
      this.view = v;
    }
    return v;
  }

  /** Bytes of the numbers. */
  get bytes(): number {
    return this.length * (this.dtype === 'float64' ? 8 : 4);
  }

  /** Moves resident numbers into an ordinary array (they outlive every scope). */
  toOrdinary(): void {
    if (this.ptr < 0) return;
    const copy = allocate(this.dtype, this.length);
    copy.set(this.data);
    this.release();
    this.array = copy;
    this.ptr = ORDINARY;
  }

  /** Returns a resident block to the heap; using the storage afterwards throws. */
  release(): void {
    if (this.ptr >= 0) (wasmHeap() as NonNullable<ReturnType<typeof wasmHeap>>).release(this.ptr, this.bytes);
    this.ptr = RELEASED;
    this.array = null;
    this.view = null;
    this.owner?.owned.delete(this);
    this.owner = null;
  }
}

function released(): SaddleError {
  return new SaddleError(
    'tensor: its memory was released when the scope(...) that computed it ended; return the tensor from the ' +
      'scope (or from the function being transformed) to keep it',
  );
}

export class Scope {
  readonly owned = new Set<Storage>();
  /** Resident copies of ordinary inputs, made once per scope. */
  readonly staged = new Map<Storage, Storage>();
  constructor(
    readonly internal: boolean,
    /** Position in the context stack: a scope at a higher level ends before one at a lower level. */
    readonly level: number,
  ) {}
}

/**
 * The allocation context: scopes; USER marks where user code runs (inside the library's bookkeeping), which
 * allocates in the nearest user scope; DETACHED marks user code run from inside a library loop (a callback),
 * which sees no scope at all, as if called from the top level.
 */
const USER = null;
const DETACHED = 'detached';
const targets: (Scope | typeof USER | typeof DETACHED)[] = [];
let residentEnabled = true;

/** Turns WASM residency off (false) or on, e.g. to compare with ordinary arrays; scopes still run. */
export function setResidentStorage(on: boolean): void {
  residentEnabled = on;
}

/** The nearest user scope at or below stack position i, or null. */
function userScopeFrom(i: number): Scope | null {
  for (let k = i; k >= 0; k--) {
    const t = targets[k];
    if (t === DETACHED) return null;
    if (t !== USER && !t.internal) return t;
  }
  return null;
}

/** The scope that owns what is allocated now (null: ordinary memory). */
function allocationScope(): Scope | null {
  const top = targets.length - 1;
  if (top < 0) return null;
  const t = targets[top];
  if (t === DETACHED) return null;
  return t !== USER ? t : userScopeFrom(top - 1);
}

/** @internal The scope of the current allocation context, for a trace to own its tape (null: ordinary memory). */
export function currentScope(): Scope | null {
  return allocationScope();
}

/**
 * New storage for n numbers: resident when a scope will release it and WASM memory can hold it,
 * else an ordinary array. Zero-filled unless `zero` is false (for kernels that write every element).
 */
export function newStorage(dtype: DType, n: number, zero = true): Storage {
  const owner = residentEnabled && n > 0 ? allocationScope() : null;
  if (owner !== null) {
    const heap = wasmHeap();
    const bytes = n * (dtype === 'float64' ? 8 : 4);
    const ptr = heap === null ? -1 : heap.alloc(bytes);
    if (ptr >= 0) {
      const st = new Storage(dtype, n, null, ptr, owner);
      owner.owned.add(st);
      if (zero) st.data.fill(0);
      return st;
    }
  }
  return new Storage(dtype, n, allocate(dtype, n), ORDINARY, null);
}

/** Storage that shares nothing with the caller's array: resident in a scope, else a copy. */
export function storageFrom(array: Data): Storage {
  const st = newStorage(array instanceof Float64Array ? 'float64' : 'float32', array.length, false);
  st.data.set(array);
  return st;
}

/**
 * A resident copy of ordinary storage for a kernel to read, or the storage itself when resident. In an
 * internal scope the copy is kept for the scope's life (a batch of data read by the forward and the
 * backward pass is copied once); elsewhere it is released by releaseStaged() after the kernel.
 */
export function staged(st: Storage, temporaries: Storage[], cache = true): Storage | null {
  if (st.ptr >= 0) return st;
  const heap = wasmHeap();
  if (heap === null) return null;
  const t = targets.length > 0 ? targets[targets.length - 1] : USER;
  const owner = cache && t !== USER && t !== DETACHED && t.internal ? t : null;
  const cached = owner?.staged.get(st);
  if (cached !== undefined) return cached;
  const ptr = heap.alloc(st.bytes);
  if (ptr < 0) return null;
  const copy = new Storage(st.dtype, st.length, null, ptr, null);
  copy.data.set(st.data);
  if (owner !== null) owner.staged.set(st, copy);
  else temporaries.push(copy);
  return copy;
}

export function releaseStaged(temporaries: Storage[]): void {
  for (const t of temporaries) t.release();
  temporaries.length = 0;
}

interface HasStorage {
  readonly storage: Storage | null;
  readonly primal: HasStorage | null;
  readonly tangent: HasStorage | null;
}

/** Storage reachable from a result: tensors (and a tracer's primal and tangent) in arrays and plain objects. */
function reachable(value: unknown, out: Set<Storage>, seen: Set<object>, isTensor: (v: unknown) => boolean): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    const t = value as HasStorage;
    if (t.storage !== null) out.add(t.storage);
    if (t.primal !== null) reachable(t.primal, out, seen, isTensor);
    if (t.tangent !== null) reachable(t.tangent, out, seen, isTensor);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) reachable(v, out, seen, isTensor);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  for (const v of Object.values(value)) reachable(v, out, seen, isTensor);
}

let isTensorValue: (v: unknown) => boolean = () => false;

/** Set by tensor.ts (which imports this module) so that results can be walked without an import cycle. */
export function registerTensorClass(test: (v: unknown) => boolean): void {
  isTensorValue = test;
}

/** Releases what a scope owns, moving what its result reaches to the context it was entered from. */
function exitScope(scope: Scope, result: unknown): void {
  const keep = new Set<Storage>();
  if (scope.owned.size > 0) reachable(result, keep, new Set(), isTensorValue);
  const top = targets.length - 1;
  const below = top >= 0 ? targets[top] : USER;
  const parent = below === DETACHED ? null : below !== USER ? below : userScopeFrom(top);
  for (const st of scope.owned) {
    if (!keep.has(st)) st.release();
    else if (parent !== null) {
      st.owner = parent;
      parent.owned.add(st);
    } else {
      st.owner = null;
      st.toOrdinary();
    }
  }
  scope.owned.clear();
  for (const copy of scope.staged.values()) copy.release();
  scope.staged.clear();
}

function runScope<T>(internal: boolean, fn: (scope: Scope) => T): T {
  const scope = new Scope(internal, targets.length);
  targets.push(scope);
  let result: T;
  try {
    result = fn(scope);
  } catch (err) {
    targets.pop();
    exitScope(scope, undefined);
    throw err;
  }
  targets.pop();
  exitScope(scope, result);
  return result;
}

/**
 * Runs fn with its tensors resident in WASM memory (the fastest kernels, no copies) and releases them
 * when it returns, except those in its result (arrays and plain objects of tensors are searched), which
 * move to the enclosing scope, or to ordinary memory. As tf.tidy: keep a tensor by returning it; one
 * stored elsewhere is released, and using it throws. Optional: without it everything still works.
 */
export function scope<T>(fn: () => T): T {
  return runScope(false, () => fn());
}

/** @internal A transformation's own scope (see the header); fn receives it, for its trace to own the tape. */
export function internalScope<T>(fn: (scope: Scope) => T): T {
  return runScope(true, fn);
}

/**
 * @internal Runs a user's callback from inside a library loop's scope as if from the top level: what it
 * computes lives in ordinary memory (unless it opens scopes of its own), so whatever it keeps stays valid.
 */
export function detached<T>(fn: () => T): T {
  targets.push(DETACHED);
  try {
    return fn();
  } finally {
    targets.pop();
  }
}

/**
 * @internal The end of a loop step: releases the storage that `old` reaches and `kept` does not, among what
 * `owner` owns. Storage that was shown to user code (`shown`) moves to ordinary memory instead of being
 * released, so references the user kept stay valid (the garbage collector frees them when unused).
 */
export function retire(old: unknown, kept: unknown, owner: Scope | null, shown: boolean): void {
  if (owner === null) return;
  const from = new Set<Storage>();
  reachable(old, from, new Set(), isTensorValue);
  const keep = new Set<Storage>();
  reachable(kept, keep, new Set(), isTensorValue);
  for (const st of from) {
    if (st.owner !== owner || keep.has(st)) continue;
    if (shown) st.toOrdinary();
    else st.release();
  }
}

/** @internal Runs user code (the function being transformed) from inside the library's bookkeeping. */
export function asUser<T>(fn: () => T): T {
  targets.push(USER);
  try {
    return fn();
  } finally {
    targets.pop();
  }
}

/**
 * @internal A trace processing an operation: what it computes (primals, tangents, tape values) belongs to
 * the trace's own scope, which lives as long as the transformation that made the trace.
 */
export function enterLibrary(owner: Scope | null): void {
  targets.push(owner);
}

export function exitLibrary(): void {
  targets.pop();
}

/**
 * @internal Makes storage live at least as long as `into` (null: for good): a reverse-mode tape keeps the
 * inputs of its operations until its backward pass, and an input may come from a scope that ends sooner
 * (a constant computed inside a nested transformation, or inside a user scope in the function).
 */
export function retain(st: Storage, into: Scope | null): void {
  const owner = st.owner;
  if (owner === null || (into !== null && owner.level <= into.level)) return;
  owner.owned.delete(st);
  if (into === null) {
    st.owner = null;
    st.toOrdinary();
  } else {
    st.owner = into;
    into.owned.add(st);
  }
}

/** Releases the resident storage of tensors now (ordinary arrays are left to the garbage collector). */
export function releaseStorage(storages: Iterable<Storage>): void {
  for (const st of storages) if (st.ptr >= 0 && st.owner !== null) st.release();
}

export function memoryInfo(): HeapInfo | null {
  return wasmHeap()?.info() ?? null;
}
