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

/**
 * What the kernels read and write: a tensor's numbers, either an ordinary typed array (`array`) or a block
 * (`block`), which views such as reshape share. Ordinary numbers need no wrapper: a tensor holds its array
 * itself, so tensors of problems too small for residency cost what they always did.
 */
export interface Numbers {
  readonly dtype: DType;
  readonly size: number;
  readonly array: Data | null;
  readonly block: Storage | null;
}

/** Numbers with the shape they are read as: what an elementwise kernel takes (a Tensor is one). */
export interface Operand extends Numbers {
  readonly shape: readonly number[];
}

/** The numbers as a typed array (a view of WASM memory for a resident block, valid until its scope ends). */
export function numbersOf(o: Numbers): Data {
  return o.array ?? (o.block as Storage).data;
}

/** Whether the numbers are resident in WASM memory (the SIMD kernels can write them in place). */
export function isResident(o: Numbers): boolean {
  return o.block !== null && o.block.ptr >= 0;
}

/** A block of numbers in WASM memory, shared by the tensors that view it; ordinary once it outlives every scope. */
export class Storage implements Numbers {
  /** Byte address in WASM memory, or ORDINARY (moved to `copy`), or RELEASED. */
  ptr: number;
  owner: Scope | null;
  /** The ordinary array the numbers moved to when they left every scope. */
  private copy: Data | null = null;
  private view: Data | null = null;
  readonly array = null;

  constructor(
    readonly dtype: DType,
    readonly length: number,
    ptr: number,
    owner: Scope | null,
  ) {
    this.ptr = ptr;
    this.owner = owner;
  }

  get size(): number {
    return this.length;
  }

  /** A storage is its own block (so kernels take a bare Storage, e.g. scratch, as Numbers). */
  get block(): Storage {
    return this;
  }

  get resident(): boolean {
    return this.ptr >= 0;
  }

  /** The numbers as a typed array: a view of WASM memory (valid until the scope ends), or the ordinary copy. */
  get data(): Data {
    if (this.ptr === ORDINARY) return this.copy as Data;
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
    this.copy = copy;
    this.ptr = ORDINARY;
  }

  /** Returns a resident block to the heap; using the storage afterwards throws. */
  release(): void {
    if (this.ptr >= 0) (wasmHeap() as NonNullable<ReturnType<typeof wasmHeap>>).release(this.ptr, this.bytes);
    this.ptr = RELEASED;
    this.copy = null;
    this.view = null;
    this.owner?.owned?.delete(this);
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
  /** What this scope will release (created when the first block is). */
  owned: Set<Storage> | null = null;
  /** Resident copies of ordinary inputs (by their array), made once per scope (created when first needed). */
  staged: Map<Data, Storage> | null = null;
  /** The context the scope was opened in, restored when it closes. */
  savedTarget: Scope | null = null;
  savedUser: Scope | null = null;
  constructor(
    readonly internal: boolean,
    /** Nesting depth: a scope at a higher level ends before one at a lower level. */
    readonly level: number,
  ) {}

  adopt(st: Storage): void {
    st.owner = this;
    (this.owned ??= new Set()).add(st);
  }
}

/**
 * The allocation context, as two variables that each context saves and restores (cheaper than a stack, on
 * every traced operation): `target` is the scope that owns what is allocated now, or USER where user code
 * runs, which allocates in `userScope`, the nearest user scope (null: ordinary memory; a callback run from
 * inside a library loop is detached from every scope: both are USER and null there).
 */
const USER = null;
let target: Scope | typeof USER = USER;
let userScope: Scope | null = null;
let depth = 0;
let residentEnabled = true;

/** Turns WASM residency off (false) or on, e.g. to compare with ordinary arrays; scopes still run. */
export function setResidentStorage(on: boolean): void {
  residentEnabled = on;
}

/** The scope that owns what is allocated now (null: ordinary memory). */
function allocationScope(): Scope | null {
  return target !== USER ? target : userScope;
}

/** @internal The scope of the current allocation context, for a trace to own its tape (null: ordinary memory). */
export function currentScope(): Scope | null {
  return allocationScope();
}

/**
 * Below this many numbers a tensor stays an ordinary array even in a scope: a JavaScript loop over it costs
 * less than the call into WASM (and the bookkeeping of a block), so per-call work on small problems (the
 * chapter's two-variable objectives) runs as fast as it did before residency.
 */
let small = 256;

/** The smallest tensor (in numbers) made resident in a scope: 256 by default; tests set 1 to reach every kernel. */
export function setResidentThreshold(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new SaddleError(`setResidentThreshold: expected a positive integer number of elements, got ${n}`);
  }
  small = n;
}

/**
 * A resident block for n numbers when a scope will release it and WASM memory can hold it (and n is not
 * small); null otherwise (the caller makes an ordinary array). Zero-filled unless `zero` is false (for
 * kernels that write every element).
 */
export function newBlock(dtype: DType, n: number, zero = true): Storage | null {
  const owner = residentEnabled && n >= small ? allocationScope() : null;
  if (owner === null) return null;
  const heap = wasmHeap();
  const ptr = heap === null ? -1 : heap.alloc(n * (dtype === 'float64' ? 8 : 4));
  if (ptr < 0) return null;
  const st = new Storage(dtype, n, ptr, owner);
  owner.adopt(st);
  if (zero) st.data.fill(0);
  return st;
}

/** A resident block of n numbers owned by no scope (scratch), released by the caller; null when there is no room. */
export function scratchBlock(dtype: DType, n: number): Storage | null {
  const ptr = wasmHeap()?.alloc(n * (dtype === 'float64' ? 8 : 4)) ?? -1;
  return ptr < 0 ? null : new Storage(dtype, n, ptr, null);
}

/**
 * Resident numbers for a kernel to read: the block itself when resident, else a copy. In an internal scope
 * the copy is kept for the scope's life (a batch of data read by the forward and the backward pass is copied
 * once); elsewhere it goes to `temporaries`, released by releaseStaged() after the kernel.
 */
export function staged(o: Numbers, temporaries: Storage[], cache = true): Storage | null {
  if (o.block !== null && o.block.ptr >= 0) return o.block;
  const data = numbersOf(o);
  const owner = cache && target !== USER && target.internal ? target : null;
  const cached = owner?.staged?.get(data);
  if (cached !== undefined) return cached;
  const copy = scratchBlock(o.dtype, data.length);
  if (copy === null) return null;
  copy.data.set(data);
  if (owner !== null) (owner.staged ??= new Map()).set(data, copy);
  else temporaries.push(copy);
  return copy;
}

export function releaseStaged(temporaries: Storage[]): void {
  for (const t of temporaries) t.release();
  temporaries.length = 0;
}

interface HasStorage {
  readonly block: Storage | null;
  readonly primal: HasStorage | null;
  readonly tangent: HasStorage | null;
}

/** Storage reachable from a result: tensors (and a tracer's primal and tangent) in arrays and plain objects. */
function reachable(value: unknown, out: Set<Storage>, seen: Set<object>, isTensor: (v: unknown) => boolean): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    const t = value as HasStorage;
    if (t.block !== null) out.add(t.block);
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

/** Releases what a scope owns, moving what its result reaches to `parent` (null: ordinary memory). */
function exitScope(scope: Scope, result: unknown, parent: Scope | null): void {
  const owned = scope.owned;
  if (owned !== null) {
    const keep = new Set<Storage>();
    reachable(result, keep, new Set(), isTensorValue);
    for (const st of owned) {
      if (!keep.has(st)) st.release();
      else if (parent !== null) parent.adopt(st);
      else {
        st.owner = null;
        st.toOrdinary();
      }
    }
    scope.owned = null;
  }
  if (scope.staged !== null) for (const copy of scope.staged.values()) copy.release();
  scope.staged = null;
}

/** @internal Opens a scope (the context it replaces is kept in it); close it with closeScope. */
export function openScope(internal: boolean): Scope {
  const scope = new Scope(internal, ++depth);
  scope.savedTarget = target;
  scope.savedUser = userScope;
  target = scope;
  if (!internal) userScope = scope;
  return scope;
}

/**
 * @internal Closes the innermost scope: restores the context it was opened in, releases what it owns and moves
 * what `result` reaches there (on an error, pass undefined: everything is released).
 */
export function closeScope(scope: Scope, result: unknown): void {
  target = scope.savedTarget;
  userScope = scope.savedUser;
  depth--;
  exitScope(scope, result, target !== USER ? target : userScope);
}

function runScope<T>(internal: boolean, fn: (scope: Scope) => T): T {
  const scope = openScope(internal);
  let result: T;
  try {
    result = fn(scope);
  } catch (err) {
    closeScope(scope, undefined);
    throw err;
  }
  closeScope(scope, result);
  return result;
}

/**
 * Runs fn with its tensors resident in WASM memory (the fastest kernels, no copies) and releases them
 * when it returns, except those in its result (arrays and plain objects of tensors are searched), which
 * move to the enclosing scope, or to ordinary memory. As tf.tidy: keep a tensor by returning it; one
 * stored elsewhere is released, and using it throws. Optional: without it everything still works.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new SaddleError(`scope: expected a function to run, got ${fn === null ? 'null' : typeof fn}`);
  }
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
  const savedTarget = target;
  const savedUser = userScope;
  target = USER;
  userScope = null;
  try {
    return fn();
  } finally {
    target = savedTarget;
    userScope = savedUser;
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

/** @internal Enters user code (the function being transformed); returns the context to restore with exitUser. */
export function enterUser(): Scope | null {
  const saved = target;
  target = USER;
  return saved;
}

export function exitUser(saved: Scope | null): void {
  target = saved;
}

/** @internal Runs user code (the function being transformed) from inside the library's bookkeeping. */
export function asUser<T>(fn: () => T): T {
  const saved = target;
  target = USER;
  try {
    return fn();
  } finally {
    target = saved;
  }
}

/**
 * @internal A trace processing an operation: what it computes (primals, tangents, tape values) belongs to
 * the trace's own scope, which lives as long as the transformation that made the trace. Returns the context
 * to restore with exitLibrary.
 */
export function enterLibrary(owner: Scope | null): Scope | null {
  const saved = target;
  target = owner ?? USER;
  return saved;
}

export function exitLibrary(saved: Scope | null): void {
  target = saved;
}

/**
 * @internal Makes storage live at least as long as `into` (null: for good): a reverse-mode tape keeps the
 * inputs of its operations until its backward pass, and an input may come from a scope that ends sooner
 * (a constant computed inside a nested transformation, or inside a user scope in the function).
 */
export function retain(st: Storage, into: Scope | null): void {
  const owner = st.owner;
  if (owner === null || (into !== null && owner.level <= into.level)) return;
  owner.owned?.delete(st);
  if (into === null) {
    st.owner = null;
    st.toOrdinary();
  } else into.adopt(st);
}

/** Releases the resident storage of tensors now (ordinary arrays are left to the garbage collector). */
export function releaseStorage(storages: Iterable<Storage>): void {
  for (const st of storages) if (st.ptr >= 0 && st.owner !== null) st.release();
}

export function memoryInfo(): HeapInfo | null {
  return wasmHeap()?.info() ?? null;
}
