// The tridiagonal eigensolver (divide and conquer, secular equation) on the matrices that break eigensolvers:
// Wilkinson's, glued Wilkinson (clusters of pairs agreeing to ~1e-14), repeated and zero eigenvalues, a
// near-null space, a graded matrix; against closed forms where they exist and implicit QL elsewhere.
import { describe, expect, test } from 'vitest';
import { Rng } from '../random/index.js';
import { loewnerVectors, rankOneUpdate, secularRoot } from './secular.js';
import { tridiagonalEigen, tridiagonalEigenvectors, tridiagonalQL } from './tridiagonal.js';
import { mergeUpdateWasm, qlVectorsWasm } from './wasm-kernels.js';

const EPS = 2 ** -52;

function normT(d: Float64Array, e: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < d.length; i++)
    norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i - 1] ?? 0) + Math.abs(i < d.length - 1 ? e[i] : 0));
  return norm;
}

/** ‖T V − V Λ‖_F / (‖T‖ n) and ‖VᵀV − I‖_max for V with eigenvectors as columns (n×n, row-major). */
function quality(d: Float64Array, e: Float64Array, values: Float64Array, V: Float64Array) {
  const n = d.length;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let r = (d[i] - values[j]) * V[i * n + j];
      if (i > 0) r += e[i - 1] * V[(i - 1) * n + j];
      if (i < n - 1) r += e[i] * V[(i + 1) * n + j];
      ss += r * r;
    }
  }
  const G = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < n; i++) {
      const v = V[r * n + i];
      if (v !== 0) for (let j = 0; j < n; j++) G[i * n + j] += v * V[r * n + j];
    }
  }
  let orthogonality = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) orthogonality = Math.max(orthogonality, Math.abs(G[i * n + j] - (i === j ? 1 : 0)));
  return { residual: Math.sqrt(ss) / (Math.max(normT(d, e), Number.MIN_VALUE) * n), orthogonality };
}

/** Eigenvalues by implicit QL without vectors, ascending: the independent reference. */
function qlValues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const qd = Float64Array.from(d);
  const qe = new Float64Array(n);
  qe.set(e.subarray(0, n - 1), 1);
  tridiagonalQL(qd, qe, null, n);
  return qd.sort();
}

/** Wilkinson's W⁺ of order m: diagonal |(m − 1)/2 − i|, off-diagonal 1; its top eigenvalues pair up to ~1e-14. */
function wilkinson(m: number) {
  const h = (m - 1) / 2;
  return { d: Float64Array.from({ length: m }, (_, i) => Math.abs(h - i)), e: new Float64Array(m - 1).fill(1) };
}

/** `copies` of W21⁺ glued by δ on the off-diagonal between them (Dhillon's hard case for eigenvectors). */
function gluedWilkinson(copies: number, delta: number) {
  const w = wilkinson(21);
  const d = new Float64Array(copies * 21);
  const e = new Float64Array(copies * 21 - 1);
  for (let c = 0; c < copies; c++) {
    d.set(w.d, c * 21);
    e.set(w.e, c * 21);
    if (c > 0) e[c * 21 - 1] = delta;
  }
  return { d, e };
}

const rng = new Rng(2026);
const uniform = (n: number, scale = 1) => Float64Array.from({ length: n }, () => scale * (2 * rng.float() - 1));

const cases: [string, () => { d: Float64Array; e: Float64Array }][] = [
  ['W21⁺ (a leaf: QL only)', () => wilkinson(21)],
  ['W201⁺', () => wilkinson(201)],
  ['glued W21⁺ ×12, δ = 1e-14', () => gluedWilkinson(12, 1e-14)],
  ['glued W21⁺ ×12, δ = 1e-10', () => gluedWilkinson(12, 1e-10)],
  ['glued W21⁺ ×12, δ = √ε', () => gluedWilkinson(12, Math.sqrt(EPS))],
  ['zero 100', () => ({ d: new Float64Array(100), e: new Float64Array(99) })],
  ['identity 100', () => ({ d: new Float64Array(100).fill(1), e: new Float64Array(99) })],
  [
    'diagonal with each of 0, 1, 2 repeated 40 times',
    () => ({ d: Float64Array.from({ length: 120 }, (_, i) => i % 3), e: new Float64Array(119) }),
  ],
  [
    'all ones 150 (one eigenvalue near 3, the rest spread)',
    () => ({ d: new Float64Array(150).fill(1), e: new Float64Array(149).fill(1) }),
  ],
  [
    '90% of the spectrum within 1e-10 of 0',
    () => ({
      d: Float64Array.from({ length: 300 }, (_, i) => (i < 270 ? 1e-11 * Math.sin(i) : i)),
      e: Float64Array.from({ length: 299 }, (_, i) => (i < 269 ? 1e-11 : 0.5)),
    }),
  ],
  ['random 400', () => ({ d: uniform(400), e: uniform(399) })],
  ['random diagonal, off-diagonal 1e-9', () => ({ d: uniform(200), e: uniform(199, 1e-9) })],
  [
    'graded over 20 orders of magnitude',
    () => ({
      d: Float64Array.from({ length: 200 }, (_, i) => 10 ** -(i % 20)),
      e: Float64Array.from({ length: 199 }, (_, i) => 10 ** -(i % 17)),
    }),
  ],
];

describe('tridiagonalEigenvectors (divide and conquer)', () => {
  test.each(cases)('%s: T V = V Λ and VᵀV = I to rounding; eigenvalues ascending, as implicit QL', (_, make) => {
    const { d, e } = make();
    const n = d.length;
    const { values, vectors } = tridiagonalEigenvectors(d, e, n);
    const { residual, orthogonality } = quality(d, e, values, vectors);
    expect(residual).toBeLessThan(1e-14);
    expect(orthogonality).toBeLessThan(1e-13 * Math.sqrt(n));
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    const ql = qlValues(d, e);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(values[i] - ql[i]));
    // Both are backward stable; QL's error grows like n ε ‖T‖ (D&C's residual above is far smaller).
    expect(worst).toBeLessThanOrEqual(4 * n * EPS * normT(d, e));
  });

  test('tridiagonalEigenvectors: the 1-2-1 matrix has eigenvalues 2 − 2cos(kπ/(n + 1)) (closed form)', () => {
    const n = 300;
    const { values } = tridiagonalEigenvectors(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1), n);
    for (let k = 1; k <= n; k++)
      expect(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-14);
  });

  test("tridiagonalEigenvectors: Clement's matrix has eigenvalues −(n−1), −(n−3), …, n−1 (closed form)", () => {
    const n = 150;
    const e = Float64Array.from({ length: n - 1 }, (_, i) => Math.sqrt((i + 1) * (n - 1 - i)));
    const { values } = tridiagonalEigenvectors(new Float64Array(n), e, n);
    for (let k = 0; k < n; k++) expect(Math.abs(values[k] - (2 * k - (n - 1)))).toBeLessThan(1e-12 * n);
  });

  test('the WASM leaf kernel qlVectors repeats tridiagonalQL to rounding (values and rotated rows)', () => {
    // Random T: well separated eigenvalues, so the vectors too are determined to rounding (not so for W⁺).
    for (const { d, e } of [
      { d: uniform(25), e: uniform(24) },
      { d: uniform(9), e: uniform(8) },
    ]) {
      const m = d.length;
      const identity = () => Float64Array.from({ length: m * m }, (_, k) => (k % (m + 1) === 0 ? 1 : 0));
      const [d1, d2] = [Float64Array.from(d), Float64Array.from(d)];
      const [e1, e2] = [new Float64Array(m), new Float64Array(m)];
      e1.set(e, 1);
      e2.set(e, 1);
      const [R1, R2] = [identity(), identity()];
      expect(qlVectorsWasm(d1, e1, R1, m)).toBe(-1);
      tridiagonalQL(d2, e2, R2, m);
      let worst = 0;
      for (let i = 0; i < m; i++) worst = Math.max(worst, Math.abs(d1[i] - d2[i]));
      for (let i = 0; i < m * m; i++) worst = Math.max(worst, Math.abs(R1[i] - R2[i]));
      expect(worst).toBeLessThan(1e-13);
    }
  });

  test('tridiagonalEigen returns the same pairs with the eigenvectors as rows', () => {
    const { d, e } = wilkinson(41);
    const columns = tridiagonalEigenvectors(d, e, 41);
    const rows = tridiagonalEigen(d, e, 41);
    expect(Array.from(rows.values)).toEqual(Array.from(columns.values));
    for (let i = 0; i < 41; i++)
      for (let j = 0; j < 41; j++) expect(rows.Z[j * 41 + i]).toBe(columns.vectors[i * 41 + j]);
  });
});

describe('secularRoot and loewnerVectors (the rank-one update D + ρ z zᵀ)', () => {
  /** Poles in clusters 1e-12 apart, some weights tiny: the roots crowd their poles. */
  function update(k: number) {
    const d = Float64Array.from({ length: k }, (_, i) => Math.floor(i / 4) + (i % 4) * 1e-12);
    const z = Float64Array.from({ length: k }, (_, i) => (i % 7 === 3 ? 1e-9 : 1 + 0.3 * Math.sin(i)));
    const norm = Math.hypot(...z);
    return { d, z: z.map((x) => x / norm), rho: 0.75 };
  }

  test('the roots interlace the poles and sum to tr(D) + ρ‖z‖²', () => {
    const k = 60;
    const { d, z, rho } = update(k);
    const origins = new Int32Array(k);
    const taus = new Float64Array(k);
    const roots = Float64Array.from({ length: k }, (_, i) => secularRoot(d, z, rho, k, i, origins, taus));
    for (let i = 0; i < k; i++) {
      expect(roots[i]).toBeGreaterThanOrEqual(d[i]);
      expect(roots[i]).toBeLessThanOrEqual(i < k - 1 ? d[i + 1] : d[k - 1] + rho);
      // The root as an offset from its nearer pole, which the vectors are built from.
      expect(origins[i] === i || origins[i] === i + 1).toBe(true);
      expect(roots[i]).toBe(d[origins[i]] + taus[i]);
    }
    const trace = d.reduce((s, x) => s + x, 0) + rho;
    expect(Math.abs(roots.reduce((s, x) => s + x, 0) - trace)).toBeLessThan(1e-13 * trace);
  });

  test('Löwner vectors are eigenvectors of D + ρ z zᵀ and orthonormal, though the roots are 1e-12 apart', () => {
    const k = 60;
    const { d, z, rho } = update(k);
    const origins = new Int32Array(k);
    const taus = new Float64Array(k);
    const roots = Float64Array.from({ length: k }, (_, i) => secularRoot(d, z, rho, k, i, origins, taus));
    const U = new Float64Array(k * k);
    loewnerVectors(
      d,
      z,
      k,
      origins,
      taus,
      U,
      Int32Array.from({ length: k }, (_, i) => i),
    );
    let residual = 0;
    let orthogonality = 0;
    for (let j = 0; j < k; j++) {
      let zu = 0;
      for (let i = 0; i < k; i++) zu += z[i] * U[i * k + j];
      for (let i = 0; i < k; i++)
        residual = Math.max(residual, Math.abs(d[i] * U[i * k + j] + rho * z[i] * zu - roots[j] * U[i * k + j]));
      for (let l = 0; l < k; l++) {
        let dot = 0;
        for (let i = 0; i < k; i++) dot += U[i * k + j] * U[i * k + l];
        orthogonality = Math.max(orthogonality, Math.abs(dot - (j === l ? 1 : 0)));
      }
    }
    expect(residual).toBeLessThan(1e-13 * 16);
    expect(orthogonality).toBeLessThan(1e-13);
  });

  test('the WASM kernel mergeUpdate gives rankOneUpdate’s eigenpairs bit for bit, and their products', () => {
    for (const k of [1, 2, 3, 61]) {
      const { d, z, rho } = update(k);
      const row = Int32Array.from({ length: k }, (_, i) => k - 1 - i);
      const V = new Float64Array(k * k);
      const reference = rankOneUpdate(d, z, rho, k, row, V);
      // The products of U with a 3×k block above and a 2×(k − 1) block below (from U's row 1).
      const shape = { m1: 3, n12: k, m2: 2, n23: k - 1, nTop: 1 };
      const A = Float64Array.from({ length: 3 * k + 2 * (k - 1) }, (_, i) => Math.sin(i));
      let wasm = { lambda: new Float64Array(0), U: new Float64Array(0), C: new Float64Array(0) };
      const ran = mergeUpdateWasm(
        d,
        z,
        rho,
        k,
        row,
        shape,
        (view) => view.set(A),
        (lambda, U, C) => {
          wasm = { lambda: lambda.slice(), U: U.slice(), C: C.slice() };
        },
      );
      expect(ran).toBe(true);
      expect(Array.from(wasm.lambda)).toEqual(Array.from(reference));
      expect(Array.from(wasm.U)).toEqual(Array.from(V));
      let worst = 0;
      for (let j = 0; j < k; j++) {
        for (let r = 0; r < 3; r++) {
          let x = 0;
          for (let g = 0; g < k; g++) x += A[r * k + g] * V[g * k + j];
          worst = Math.max(worst, Math.abs(wasm.C[r * k + j] - x));
        }
        for (let r = 0; r < 2; r++) {
          let x = 0;
          for (let g = 0; g < k - 1; g++) x += A[3 * k + r * (k - 1) + g] * V[(1 + g) * k + j];
          worst = Math.max(worst, Math.abs(wasm.C[(3 + r) * k + j] - x));
        }
      }
      expect(worst).toBeLessThan(1e-14 * k);
    }
  });
});
