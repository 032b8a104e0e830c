// Runs linalg's own WASM kernels with their operands resident in the module's linear memory: the blocked
// Householder kernels of asm/householder.ts (LAPACK dsytrd and dormtr in panels, their O(n³) work in the WASM
// GEMM: one copy in and one out per call, where the gemm wrapper would copy the trailing matrix at every
// panel) and the divide-and-conquer kernels of asm/symmetric.ts (a merge's rank-one update and products; QL
// for the leaves). Each returns false or null, having done nothing, where WASM or the memory is unavailable:
// the caller then takes the TypeScript path.
import { withWasmMemory } from '../core/kernels/index.js';

type Kernel = (...args: number[]) => number;
type Exports = Record<string, unknown>;

/** Panel width of the reduction: 32 as LAPACK's ilaenv for dsytrd (16–64 measured alike at n = 1000). */
const NB = 32;
/** Reflectors per block of the back-transformation: 64 from n = 512 (~10% faster at n = 1000), else 32. */
const backBlock = (n: number) => (n >= 512 ? 64 : 32);

const align = (x: number): number => Math.ceil(x / 64) * 64;
const kernel = (exports: Exports, name: string) => exports[name] as Kernel;

/** Consecutive 64-byte-aligned regions of the given byte sizes from ptr, and the total. */
function regions(ptr: number, sizes: number[]): { at: number[]; bytes: number } {
  const at: number[] = [];
  let offset = 0;
  for (const size of sizes) {
    at.push(ptr + offset);
    offset += align(size);
  }
  return { at, bytes: offset };
}

/**
 * The Householder kernels' memory for order n: A, τ, d, e, X and the workspace (for the widest blocks). The
 * reduction reserves all of it, so that the back-transformation, which needs the most, cannot fail after it.
 */
function householderSizes(n: number): number[] | null {
  const workspace = withWasmMemory(0, (_, exports) =>
    kernel(exports, 'householderWorkspace')(n, Math.max(NB, backBlock(n))),
  );
  return workspace === null ? null : [n * n * 8, n * 8, n * 8, n * 8, n * n * 8, workspace];
}

/**
 * Reduces symmetric W (n×n; read column-major, lower triangle: for a symmetric array either reading
 * serves) to tridiagonal form in place: d the diagonal, e the off-diagonal (e[j] couples j and j + 1),
 * the reflectors below W's subdiagonal and their τ in tau.
 */
export function tridiagonalizeBlocked(
  W: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): boolean {
  const sizes = householderSizes(n);
  if (sizes === null) return false;
  const done = withWasmMemory(regions(0, sizes).bytes, (ptr, exports, memory) => {
    const [pA, pt, pd, pe, , pw] = regions(ptr, sizes).at;
    new Float64Array(memory.buffer, pA, n * n).set(W);
    kernel(exports, 'tridiagonalizeBlocked')(pA, n, NB, pd, pe, pt, pw);
    const buffer = memory.buffer;
    W.set(new Float64Array(buffer, pA, n * n));
    d.set(new Float64Array(buffer, pd, n));
    e.set(new Float64Array(buffer, pe, n));
    tau.set(new Float64Array(buffer, pt, n));
    return true;
  });
  return done === true;
}

/** X ← Q X (X n×n row-major) for Q = H₀⋯H_{n−2} as tridiagonalizeBlocked left it in W and tau. */
export function applyReflectorsBlocked(X: Float64Array, W: Float64Array, tau: Float64Array, n: number): boolean {
  const sizes = householderSizes(n);
  if (sizes === null) return false;
  const done = withWasmMemory(regions(0, sizes).bytes, (ptr, exports, memory) => {
    const [pA, pt, , , pX, pw] = regions(ptr, sizes).at;
    new Float64Array(memory.buffer, pA, n * n).set(W);
    new Float64Array(memory.buffer, pt, n).set(tau);
    new Float64Array(memory.buffer, pX, n * n).set(X);
    kernel(exports, 'applyReflectorsBlocked')(pA, n, pt, pX, n, backBlock(n), pw);
    X.set(new Float64Array(memory.buffer, pX, n * n));
    return true;
  });
  return done === true;
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
 * secularRoot's), its eigenvectors U (component i of vector j at U[row[i]·k + j], bit for bit
 * loewnerVectors'), and C = [A₁ U_top; A₂ U_bottom] with A (m₁·n12 + m₂·n23 entries) filled in place by
 * `gather`. `use` gets them, U and C as views of the module's memory, valid while it runs.
 */
export function mergeUpdateWasm(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  row: Int32Array,
  shape: MergeShape,
  gather: (A: Float64Array) => void,
  use: (lambda: Float64Array, U: Float64Array, C: Float64Array) => void,
): boolean {
  const { m1, n12, m2, n23, nTop } = shape;
  const sizeA = m1 * n12 + m2 * n23;
  const work = withWasmMemory(0, (_, exports) => kernel(exports, 'mergeWorkspace')(k));
  if (work === null) return false;
  // d, z, λ, origins, τ, the roots' origins' d, ẑ, norms, row; U, A, C and the GEMM's packing buffers.
  const sizes = [...Array<number>(9).fill(k * 8), k * k * 8, sizeA * 8, (m1 + m2) * k * 8, work];
  const done = withWasmMemory(regions(0, sizes).bytes, (ptr, exports, memory) => {
    const at = regions(ptr, sizes).at;
    const [pd, pz, pl, po, pt, pj, ph, ps, pr, pU, pA, pC, pw] = at;
    const buffer = memory.buffer;
    new Float64Array(buffer, pd, k).set(d.subarray(0, k));
    new Float64Array(buffer, pz, k).set(z.subarray(0, k));
    new Int32Array(buffer, pr, k).set(row.subarray(0, k));
    gather(new Float64Array(buffer, pA, sizeA));
    kernel(exports, 'mergeUpdate')(pd, pz, k, rho, pl, po, pt, pj, ph, ps, pr, pU, pA, m1, n12, m2, n23, nTop, pC, pw);
    const after = memory.buffer;
    use(new Float64Array(after, pl, k), new Float64Array(after, pU, k * k), new Float64Array(after, pC, (m1 + m2) * k));
    return true;
  });
  return done === true;
}

/**
 * Implicit QL with the rotations applied to the rows of W by the WASM kernel qlVectors (tridiagonalQL's
 * arithmetic): −1 when it converged, else the index of the eigenvalue that did not; null without WASM.
 */
export function qlVectorsWasm(d: Float64Array, e: Float64Array, W: Float64Array, n: number): number | null {
  const sizes = [n * 8, n * 8, n * n * 8];
  return withWasmMemory(regions(0, sizes).bytes, (ptr, exports, memory) => {
    const [pd, pe, pW] = regions(ptr, sizes).at;
    new Float64Array(memory.buffer, pd, n).set(d.subarray(0, n));
    new Float64Array(memory.buffer, pe, n).set(e.subarray(0, n));
    new Float64Array(memory.buffer, pW, n * n).set(W.subarray(0, n * n));
    const failed = kernel(exports, 'qlVectors')(pd, pe, pW, n);
    d.set(new Float64Array(memory.buffer, pd, n));
    e.set(new Float64Array(memory.buffer, pe, n));
    W.set(new Float64Array(memory.buffer, pW, n * n));
    return failed;
  });
}
