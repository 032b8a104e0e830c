// Runs the blocked Householder kernels of asm/householder.ts (LAPACK dsytrd and dormtr in panels, their
// O(n³) work in the WASM GEMM) with their operands resident in the module's linear memory: one copy in and
// one out per call, where going through the gemm wrapper would copy the trailing matrix at every panel.
import { linearMemoryModule } from '../core/kernels/index.js';

type Kernel = (...args: number[]) => number;

/** Panel width: 32 as LAPACK's ilaenv for dsytrd; measured 32–64 alike here, 32 needs less workspace. */
const NB = 32;

const align = (x: number): number => Math.ceil(x / 64) * 64;

/** The module, its kernels and a view of at least `bytes` bytes of memory from its base; null without WASM. */
function session(bytes: (workspace: number) => number, n: number) {
  const mod = linearMemoryModule();
  if (mod === null) return null;
  const kernel = (name: string) => mod.exports[name] as Kernel;
  const workspace = kernel('householderWorkspace')(n, NB);
  const end = mod.base + bytes(workspace);
  const have = mod.memory.buffer.byteLength;
  if (end > have) mod.memory.grow(Math.ceil((end - have) / 65536));
  return { kernel, base: mod.base, workspace, memory: mod.memory };
}

/**
 * Reduces symmetric W (n×n; read column-major, lower triangle: for a symmetric array either reading
 * serves) to tridiagonal form in place: d the diagonal, e the off-diagonal (e[j] couples j and j + 1),
 * the reflectors below W's subdiagonal and their τ in tau. False (nothing done) without WASM.
 */
export function tridiagonalizeBlocked(
  W: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): boolean {
  const pA = 0;
  const pd = align(pA + n * n * 8);
  const pe = align(pd + n * 8);
  const pt = align(pe + n * 8);
  const pw = align(pt + n * 8);
  const s = session((workspace) => pw + workspace, n);
  if (s === null) return false;
  const at = (offset: number) => s.base + offset;
  new Float64Array(s.memory.buffer, at(pA), n * n).set(W);
  s.kernel('tridiagonalizeBlocked')(at(pA), n, NB, at(pd), at(pe), at(pt), at(pw));
  const buffer = s.memory.buffer;
  W.set(new Float64Array(buffer, at(pA), n * n));
  d.set(new Float64Array(buffer, at(pd), n));
  e.set(new Float64Array(buffer, at(pe), n));
  tau.set(new Float64Array(buffer, at(pt), n));
  return true;
}

/** X ← Q X (X n×n row-major) for Q = H₀⋯H_{n−2} as tridiagonalizeBlocked left it in W and tau. */
export function applyReflectorsBlocked(X: Float64Array, W: Float64Array, tau: Float64Array, n: number): boolean {
  const pA = 0;
  const pt = align(pA + n * n * 8);
  const pX = align(pt + n * 8);
  const pw = align(pX + n * n * 8);
  const s = session((workspace) => pw + workspace, n);
  if (s === null) return false;
  const at = (offset: number) => s.base + offset;
  new Float64Array(s.memory.buffer, at(pA), n * n).set(W);
  new Float64Array(s.memory.buffer, at(pt), n).set(tau);
  new Float64Array(s.memory.buffer, at(pX), n * n).set(X);
  s.kernel('applyReflectorsBlocked')(at(pA), n, at(pt), at(pX), n, NB, at(pw));
  X.set(new Float64Array(s.memory.buffer, at(pX), n * n));
  return true;
}
