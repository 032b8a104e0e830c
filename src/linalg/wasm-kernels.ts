// Runs linalg's own WASM kernels with their operands resident in the module's linear memory: the blocked
// Householder kernels of asm/householder.ts (LAPACK dsytrd and dormtr in panels, their O(n³) work in the WASM
// GEMM: one copy in and one out per call, where the gemm wrapper would copy the trailing matrix at every
// panel) and the secular-equation kernel of asm/symmetric.ts (the merges of divide and conquer).
import { linearMemoryModule } from '../core/kernels/index.js';

type Kernel = (...args: number[]) => number;

/** Panel width of the reduction: 32 as LAPACK's ilaenv for dsytrd (16–64 measured alike at n = 1000). */
const NB = 32;
/** Reflectors per block of the back-transformation: 64 from n = 512 (~10% faster at n = 1000), else 32. */
const backBlock = (n: number) => (n >= 512 ? 64 : 32);

const align = (x: number): number => Math.ceil(x / 64) * 64;

/**
 * The module, its kernels and at least `bytes` bytes of memory from its base; null without WASM or when the
 * memory cannot grow that far (then the caller takes the TypeScript path).
 */
function session(bytes: number) {
  const mod = linearMemoryModule();
  if (mod === null) return null;
  const have = mod.memory.buffer.byteLength;
  const end = mod.base + bytes;
  try {
    if (end > have) mod.memory.grow(Math.ceil((end - have) / 65536));
  } catch {
    return null;
  }
  const kernel = (name: string) => mod.exports[name] as Kernel;
  return { kernel, at: (offset: number) => mod.base + offset, memory: mod.memory };
}

/**
 * The layout of the Householder kernels' memory for order n: A, then τ, d, e, X and the workspace. The
 * reduction reserves all of it, so that the back-transformation, which needs the most, cannot fail after it.
 */
function householderLayout(n: number) {
  const mod = linearMemoryModule();
  const workspace = mod === null ? 0 : (mod.exports.householderWorkspace as Kernel)(n, Math.max(NB, backBlock(n)));
  const pA = 0;
  const pt = align(pA + n * n * 8);
  const pd = align(pt + n * 8);
  const pe = align(pd + n * 8);
  const pX = align(pe + n * 8);
  const pw = align(pX + n * n * 8);
  return { pA, pt, pd, pe, pX, pw, bytes: pw + workspace };
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
  const { pA, pt, pd, pe, pw, bytes } = householderLayout(n);
  const s = session(bytes);
  if (s === null) return false;
  new Float64Array(s.memory.buffer, s.at(pA), n * n).set(W);
  s.kernel('tridiagonalizeBlocked')(s.at(pA), n, NB, s.at(pd), s.at(pe), s.at(pt), s.at(pw));
  const buffer = s.memory.buffer;
  W.set(new Float64Array(buffer, s.at(pA), n * n));
  d.set(new Float64Array(buffer, s.at(pd), n));
  e.set(new Float64Array(buffer, s.at(pe), n));
  tau.set(new Float64Array(buffer, s.at(pt), n));
  return true;
}

/**
 * X ← Q X (X n×n row-major) for Q = H₀⋯H_{n−2} as tridiagonalizeBlocked left it in W and tau. Its memory was
 * reserved by the reduction, so after a reduction this always runs.
 */
export function applyReflectorsBlocked(X: Float64Array, W: Float64Array, tau: Float64Array, n: number): boolean {
  const { pA, pt, pX, pw, bytes } = householderLayout(n);
  const s = session(bytes);
  if (s === null) return false;
  new Float64Array(s.memory.buffer, s.at(pA), n * n).set(W);
  new Float64Array(s.memory.buffer, s.at(pt), n).set(tau);
  new Float64Array(s.memory.buffer, s.at(pX), n * n).set(X);
  s.kernel('applyReflectorsBlocked')(s.at(pA), n, s.at(pt), s.at(pX), n, backBlock(n), s.at(pw));
  X.set(new Float64Array(s.memory.buffer, s.at(pX), n * n));
  return true;
}

/** The shape of a merge's products: m₁×n12 and m₂×n23 gathered columns, the bottom's U rows from nTop. */
export interface MergeShape {
  m1: number;
  n12: number;
  m2: number;
  n23: number;
  nTop: number;
}

/**
 * A merge of divide and conquer by the WASM kernel mergeUpdate: the roots of D + ρ z zᵀ (bit for bit
 * secularRoot's), its eigenvectors into U (component i of vector j at U[row[i]·k + j], bit for bit
 * loewnerVectors'), and C = [A₁ U_top; A₂ U_bottom] with A (m₁·n12 + m₂·n23 entries) filled by `gather`
 * in place. U and C are views of the module's memory, valid until its next call; null without WASM.
 */
export function mergeUpdateWasm(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  row: Int32Array,
  shape: MergeShape,
  gather: (A: Float64Array) => void,
): { lambda: Float64Array; U: Float64Array; C: Float64Array } | null {
  const mod = linearMemoryModule();
  if (mod === null) return null;
  const { m1, n12, m2, n23, nTop } = shape;
  const vector = align(k * 8);
  const [pd, pz, pl, po, pt, pj, ph, ps, pr] = Array.from({ length: 9 }, (_, i) => i * vector);
  const pU = 9 * vector;
  const pA = align(pU + k * k * 8);
  const sizeA = m1 * n12 + m2 * n23;
  const pC = align(pA + sizeA * 8);
  const pw = align(pC + (m1 + m2) * k * 8);
  const s = session(pw + (mod.exports.mergeWorkspace as Kernel)(k));
  if (s === null) return null;
  const at = s.at;
  const buffer = s.memory.buffer;
  new Float64Array(buffer, at(pd), k).set(d.subarray(0, k));
  new Float64Array(buffer, at(pz), k).set(z.subarray(0, k));
  new Int32Array(buffer, at(pr), k).set(row.subarray(0, k));
  gather(new Float64Array(buffer, at(pA), sizeA));
  s.kernel('mergeUpdate')(
    ...[pd, pz].map(at),
    k,
    rho,
    ...[pl, po, pt, pj, ph, ps, pr, pU, pA].map(at),
    m1,
    n12,
    m2,
    n23,
    nTop,
    at(pC),
    at(pw),
  );
  const after = s.memory.buffer;
  return {
    lambda: new Float64Array(after, at(pl), k).slice(),
    U: new Float64Array(after, at(pU), k * k),
    C: new Float64Array(after, at(pC), (m1 + m2) * k),
  };
}

/**
 * Implicit QL with the rotations applied to the rows of W by the WASM kernel qlVectors (tridiagonalQL's
 * arithmetic): −1 when it converged, else the index of the eigenvalue that did not; null without WASM.
 */
export function qlVectorsWasm(d: Float64Array, e: Float64Array, W: Float64Array, n: number): number | null {
  const vector = align(n * 8);
  const s = session(2 * vector + n * n * 8);
  if (s === null) return null;
  const [pd, pe, pW] = [0, vector, 2 * vector].map(s.at);
  const buffer = s.memory.buffer;
  new Float64Array(buffer, pd, n).set(d.subarray(0, n));
  new Float64Array(buffer, pe, n).set(e.subarray(0, n));
  new Float64Array(buffer, pW, n * n).set(W.subarray(0, n * n));
  const failed = s.kernel('qlVectors')(pd, pe, pW, n);
  d.set(new Float64Array(s.memory.buffer, pd, n));
  e.set(new Float64Array(s.memory.buffer, pe, n));
  W.set(new Float64Array(s.memory.buffer, pW, n * n));
  return failed;
}
