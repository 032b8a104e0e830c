// Linear algebra against numpy.linalg (fixtures/generate_linalg.py), plus the defining properties.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose, maxAbsDiff } from './helpers.js';

type M = number[][];
/** A stored matrix, or the recipe fixtures/generate_linalg.py rebuilt it from (then only eigenvalues are stored). */
type EighCase = {
  name: string;
  a?: M;
  recipe?: { minstd: number; seed: number };
  eigenvalues: number[];
  eigenvectors?: M;
};
const { cases } = JSON.parse(readFileSync(new URL('../fixtures/linalg.json', import.meta.url), 'utf8')) as {
  cases: {
    eigh: EighCase[];
    qr: { name: string; a: M; q: M; r: M }[];
    lstsq: { name: string; a: M; b: number[] | M; x: number[] | M; residuals: number[]; rank: number; s: number[] }[];
    svd: { name: string; a: M; s: number[] }[];
    cholesky: { name: string; a: M; l: M }[];
    solve: { name: string; a: M; b: number[] | M; x: number[] | M }[];
  };
};

/** (B + Bᵀ)/2 with B from MINSTD, x ← 48271·x mod (2³¹ − 1), entries x/(2³¹ − 1) − 1/2: as the generator. */
function minstd(n: number, seed: number): M {
  let x = seed;
  const b = Array.from({ length: n }, () =>
    Array.from({ length: n }, () => {
      x = (48271 * x) % 2147483647;
      return x / 2147483647 - 0.5;
    }),
  );
  return b.map((row, i) => row.map((v, j) => (v + b[j][i]) / 2));
}

const matrixOf = (c: EighCase): M => c.a ?? minstd(c.recipe!.minstd, c.recipe!.seed);

function norm(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('eigh', () => {
  test.each(cases.eigh)('$name: eigenvalues match numpy; A V = V Λ; Vᵀ V = I', (c) => {
    const a = s.tensor(matrixOf(c));
    const n = a.shape[0];
    const { eigenvalues, eigenvectors } = s.eigh(a);
    const scale = Math.max(1, norm(c.eigenvalues));
    expectClose(eigenvalues, c.eigenvalues, { rtol: 0, atol: 1e-13 * scale * n });
    const av = s.matmul(a, eigenvectors);
    const vl = s.mul(eigenvectors, eigenvalues);
    expect(maxAbsDiff(av.data, vl.data)).toBeLessThan(1e-13 * scale * n);
    expect(maxAbsDiff(s.matmul(eigenvectors, eigenvectors, { transA: true }).data, s.eye(n).data)).toBeLessThan(
      1e-13 * n,
    );
  });

  test('eigh: every fixture’s eigenvalues within 1e-12·‖A‖ of numpy’s', () => {
    for (const c of cases.eigh) {
      const { eigenvalues } = s.eigh(s.tensor(matrixOf(c)));
      expect(maxAbsDiff(eigenvalues.data, c.eigenvalues), c.name).toBeLessThanOrEqual(1e-12 * norm(c.eigenvalues));
    }
  });

  test.each(cases.eigh.filter((c) => c.eigenvectors !== undefined))(
    '$name: eigenvectors match numpy up to sign, within the Davis–Kahan bound ε‖A‖/gap',
    (c) => {
      const { eigenvectors } = s.eigh(s.tensor(c.a!));
      const n = c.a!.length;
      const ours = eigenvectors.toArray() as M;
      const normA = Math.max(...c.eigenvalues.map(Math.abs));
      for (let j = 0; j < n; j++) {
        const gap = Math.min(...c.eigenvalues.filter((_, i) => i !== j).map((v) => Math.abs(v - c.eigenvalues[j])));
        const bound = (10 * n * 2 ** -52 * normA) / gap;
        if (bound > 0.1) continue; // (nearly) repeated eigenvalue: the vector is not unique
        let dot = 0;
        for (let i = 0; i < n; i++) dot += ours[i][j] * c.eigenvectors![i][j];
        const sign = Math.sign(dot);
        for (let i = 0; i < n; i++) expect(Math.abs(ours[i][j] * sign - c.eigenvectors![i][j])).toBeLessThan(bound);
      }
    },
  );

  test.each([
    [
      'random 300×300',
      () => {
        const a = s.normal(new s.Rng(11), [300, 300]);
        return s.div(s.add(a, s.transpose(a)), 2);
      },
    ],
    [
      'rank 5 of size 200 (195 zero eigenvalues, as a degenerate Hessian)',
      () => {
        const b = s.normal(new s.Rng(12), [200, 5]);
        return s.matmul(b, b, { transB: true });
      },
    ],
    ['identity 64×64 (one eigenvalue, multiplicity 64)', () => s.eye(64)],
    [
      'graph Laplacian of a path, 150 (clustered spectrum)',
      () => {
        const n = 150;
        return s.tensor(
          Array.from({ length: n * n }, (_, k) => {
            const i = Math.floor(k / n),
              j = k % n;
            return i === j ? (i === 0 || i === n - 1 ? 1 : 2) : Math.abs(i - j) === 1 ? -1 : 0;
          }),
          { shape: [n, n] },
        );
      },
    ],
  ] as [string, () => Tensor][])('%s: residual ‖AV − VΛ‖ and orthogonality ‖VᵀV − I‖ at rounding level', (_, make) => {
    const a = make();
    const n = a.shape[0];
    const { eigenvalues, eigenvectors } = s.eigh(a);
    const scale = Math.max(1, norm(eigenvalues.data));
    expect(maxAbsDiff(s.matmul(a, eigenvectors).data, s.mul(eigenvectors, eigenvalues).data)).toBeLessThan(
      20 * n * 2 ** -52 * scale,
    );
    expect(maxAbsDiff(s.matmul(eigenvectors, eigenvectors, { transA: true }).data, s.eye(n).data)).toBeLessThan(
      20 * n * 2 ** -52,
    );
    for (let i = 1; i < n; i++) expect(eigenvalues.data[i]).toBeGreaterThanOrEqual(eigenvalues.data[i - 1]);
  });

  test('the WASM tridiagonalisation equals the TypeScript reference to rounding', () => {
    const a = s.normal(new s.Rng(13), [90, 90]);
    const h = s.div(s.add(a, s.transpose(a)), 2);
    const wasm = s.eigh(h);
    s.setReferenceKernels(true);
    try {
      const ref = s.eigh(h);
      expect(maxAbsDiff(wasm.eigenvalues.data, ref.eigenvalues.data)).toBeLessThan(1e-13);
      expect(maxAbsDiff(s.abs(wasm.eigenvectors).data, s.abs(ref.eigenvectors).data)).toBeLessThan(1e-11);
    } finally {
      s.setReferenceKernels(false);
    }
  });

  /** Q diag(λ) Qᵀ with Q orthogonal (from the QR of a Gaussian matrix). */
  function withSpectrum(lambda: number[], seed: number): Tensor {
    const n = lambda.length;
    const { q } = s.qr(s.normal(new s.Rng(seed), [n, n]));
    return s.matmul(s.mul(q, s.tensor(lambda)), q, { transB: true });
  }
  /** The symmetric tridiagonal matrix with diagonal d and off-diagonal e, as a dense matrix. */
  function tridiagonal(d: number[], e: number[]): Tensor {
    const n = d.length;
    const data = new Float64Array(n * n);
    d.forEach((x, i) => (data[i * n + i] = x));
    e.forEach((x, i) => (data[i * n + i + 1] = data[(i + 1) * n + i] = x));
    return s.tensor(data, { shape: [n, n] });
  }
  const symmetric = (n: number, seed: number) => {
    const a = s.normal(new s.Rng(seed), [n, n]);
    return s.div(s.add(a, s.transpose(a)), 2);
  };
  const wilkinson21 = Array.from({ length: 21 }, (_, i) => Math.abs(10 - i));

  test.each([
    ['random 10', () => symmetric(10, 21)],
    ['random 100', () => symmetric(100, 22)],
    ['random 500', () => symmetric(500, 23)],
    ['identity 200', () => s.eye(200)],
    ['zero 80', () => s.zeros([80, 80])],
    [
      'eigenvalues 0, 1, 2 each 50 times, 150',
      () =>
        withSpectrum(
          Array.from({ length: 150 }, (_, i) => i % 3),
          24,
        ),
    ],
    [
      '90% of eigenvalues within 1e-10 of 0, 300',
      () =>
        withSpectrum(
          Array.from({ length: 300 }, (_, i) => (i < 270 ? 1e-10 * Math.sin(i) : 1 + i / 30)),
          25,
        ),
    ],
    [
      'rank 10 of size 400 (the reduction of a rank-deficient matrix)',
      () => {
        const b = s.normal(new s.Rng(26), [400, 10]);
        return s.matmul(b, b, { transB: true });
      },
    ],
    [
      'glued Wilkinson W21⁺ ×12 (δ = 1e-10), dense',
      () =>
        tridiagonal(
          Array.from({ length: 252 }, (_, i) => wilkinson21[i % 21]),
          Array.from({ length: 251 }, (_, i) => ((i + 1) % 21 === 0 ? 1e-10 : 1)),
        ),
    ],
  ] as [string, () => Tensor][])(
    'eigh of %s: ‖AV − VΛ‖_F ≤ 1e-14·‖A‖·n, ‖VᵀV − I‖ ≤ 1e-13·√n, ascending',
    (_, make) => {
      const a = make();
      const n = a.shape[0];
      const { eigenvalues, eigenvectors } = s.eigh(a);
      const normA = Math.max(norm(eigenvalues.data), Number.MIN_VALUE);
      const r = s.sub(s.matmul(a, eigenvectors), s.mul(eigenvectors, eigenvalues)).data;
      let ss = 0;
      for (let i = 0; i < r.length; i++) ss += r[i] * r[i];
      expect(Math.sqrt(ss)).toBeLessThanOrEqual(1e-14 * normA * n);
      const gram = s.matmul(eigenvectors, eigenvectors, { transA: true });
      expect(maxAbsDiff(gram.data, s.eye(n).data)).toBeLessThan(1e-13 * Math.sqrt(n));
      for (let i = 1; i < n; i++) expect(eigenvalues.data[i]).toBeGreaterThanOrEqual(eigenvalues.data[i - 1]);
    },
  );

  test.each([130, 300])(
    'eigh %i: the blocked reduction gives the unblocked reference’s eigenvalues to rounding',
    (n) => {
      const h = symmetric(n, 27);
      const blocked = s.eigh(h).eigenvalues.data;
      s.setReferenceKernels(true);
      try {
        const reference = s.eigh(h).eigenvalues.data;
        expect(maxAbsDiff(blocked, reference)).toBeLessThan(4 * n * 2 ** -52 * norm(reference));
      } finally {
        s.setReferenceKernels(false);
      }
    },
  );

  test('eigh(2^±1000 · A) = 2^±1000 · eigh(A): no square overflows or underflows on the way', () => {
    const h = symmetric(150, 28);
    const base = s.eigh(h).eigenvalues.data;
    for (const c of [2 ** 1000, 2 ** -1000]) {
      const { eigenvalues, eigenvectors } = s.eigh(s.mul(h, c));
      expect(
        maxAbsDiff(
          eigenvalues.data.map((x) => x / c),
          base,
        ),
      ).toBeLessThan(1e-13 * norm(base));
      expect(eigenvectors.data.every(Number.isFinite)).toBe(true);
    }
  });

  test('eigvalsh (implicit QL, no vectors) gives numpy’s eigenvalues and eigh’s, unblocked and blocked', () => {
    for (const c of cases.eigh) {
      const a = s.tensor(matrixOf(c));
      const values = s.eigvalsh(a).data;
      expect(maxAbsDiff(values, c.eigenvalues), c.name).toBeLessThanOrEqual(1e-12 * norm(c.eigenvalues));
      expect(maxAbsDiff(values, s.eigh(a).eigenvalues.data), c.name).toBeLessThanOrEqual(
        4 * a.shape[0] * 2 ** -52 * norm(c.eigenvalues),
      );
    }
    s.setReferenceKernels(true);
    try {
      const c = cases.eigh.find((x) => x.recipe !== undefined)!;
      expect(maxAbsDiff(s.eigvalsh(s.tensor(matrixOf(c))).data, c.eigenvalues)).toBeLessThan(
        1e-12 * norm(c.eigenvalues),
      );
    } finally {
      s.setReferenceKernels(false);
    }
  });

  test('eigh 24 (tred2’s WASM kernel) equals the TypeScript reference to rounding', () => {
    const h = symmetric(24, 30);
    const wasm = s.eigh(h);
    s.setReferenceKernels(true);
    try {
      const ref = s.eigh(h);
      expect(maxAbsDiff(wasm.eigenvalues.data, ref.eigenvalues.data)).toBeLessThan(1e-13);
      expect(maxAbsDiff(s.abs(wasm.eigenvectors).data, s.abs(ref.eigenvectors).data)).toBeLessThan(1e-11);
    } finally {
      s.setReferenceKernels(false);
    }
  });

  test('eigh and eigvalsh read only the lower triangle on the blocked path too (n = 100)', () => {
    const h = symmetric(100, 29);
    const garbage = s.tensor(
      Float64Array.from(h.data, (x, k) => (k % 100 > Math.floor(k / 100) ? 1e3 * Math.sin(k) : x)),
      { shape: [100, 100] },
    );
    expect(maxAbsDiff(s.eigh(garbage).eigenvalues.data, s.eigh(h).eigenvalues.data)).toBe(0);
    expect(maxAbsDiff(s.eigh(garbage).eigenvectors.data, s.eigh(h).eigenvectors.data)).toBe(0);
    expect(maxAbsDiff(s.eigvalsh(garbage).data, s.eigvalsh(h).data)).toBe(0);
  });

  test('eigh reads only the lower triangle, as numpy', () => {
    const a = s.tensor([
      [2, 99],
      [1, 3],
    ]);
    const sym = s.tensor([
      [2, 1],
      [1, 3],
    ]);
    expectClose(s.eigh(a).eigenvalues, s.eigh(sym).eigenvalues, { rtol: 0, atol: 0 });
  });
});

describe('qr', () => {
  test.each(cases.qr)('$name: Q R = A, QᵀQ = I, R upper triangular, |R| as numpy', (c) => {
    const a = s.tensor(c.a);
    const { q, r } = s.qr(a);
    expect(q.shape).toEqual([c.q.length, c.q[0].length]);
    expect(r.shape).toEqual([c.r.length, c.r[0].length]);
    expect(maxAbsDiff(s.matmul(q, r).data, a.data)).toBeLessThan(1e-14 * 10);
    const k = q.shape[1];
    expect(maxAbsDiff(s.matmul(q, q, { transA: true }).data, s.eye(k).data)).toBeLessThan(1e-14 * 10);
    const R = r.toArray() as M;
    R.forEach((row, i) => row.forEach((v, j) => j < i && expect(v).toBe(0)));
    // The factorisation is unique up to the signs of R's rows (for full rank).
    if (!c.name.startsWith('rank'))
      expectClose(R.flat().map(Math.abs), c.r.flat().map(Math.abs), { rtol: 1e-10, atol: 1e-14 });
  });
});

describe('lstsq', () => {
  test.each(cases.lstsq)('$name: solution, rank, residuals and singular values match numpy', (c) => {
    const result = s.lstsq(s.tensor(c.a), s.tensor(c.b));
    expect(result.rank).toBe(c.rank);
    const scale = Math.max(1, norm((c.x as number[]).flat()));
    const tol = c.name.includes('ill-conditioned') ? 1e-4 : 1e-10;
    expectClose(result.solution, (c.x as number[]).flat(), { rtol: tol, atol: tol * scale });
    expectClose(result.singularValues, c.s, { rtol: 1e-10, atol: 1e-14 * Math.max(...c.s, 1) });
    expect(result.residuals.size).toBe(c.residuals.length);
    if (c.residuals.length) expectClose(result.residuals, c.residuals, { rtol: 1e-8, atol: 1e-14 });
  });

  test('rank-deficient: the minimum-norm solution (orthogonal to the null space)', () => {
    const c = cases.lstsq.find((x) => x.name.startsWith('rank-deficient'))!;
    const { solution } = s.lstsq(s.tensor(c.a), s.tensor(c.b));
    const nullVector = s.tensor([1, 1, 0, -1]); // col 3 = col 0 + col 1
    expect(Math.abs(s.dot(solution, nullVector).item())).toBeLessThan(1e-12);
  });
});

describe('svd, cholesky, solve', () => {
  test.each(cases.svd)('svd $name: singular values match numpy and U diag(s) Vᵀ = A', (c) => {
    const a = s.tensor(c.a);
    const { u, s: sv, v } = s.svd(a);
    expectClose(sv, c.s, { rtol: 1e-12, atol: 1e-15 });
    expect(maxAbsDiff(s.matmul(s.mul(u, sv), v, { transB: true }).data, a.data)).toBeLessThan(1e-13);
  });

  test.each(cases.cholesky)('cholesky $name: L Lᵀ = A to rounding; L matches numpy to κ(A)·ε', (c) => {
    const a = s.tensor(c.a);
    const l = s.cholesky(a);
    const n = c.a.length;
    expect(maxAbsDiff(s.matmul(l, l, { transB: true }).data, a.data)).toBeLessThan(4 * n * 2 ** -52 * norm(a.data));
    const ev = s.eigh(a).eigenvalues.data;
    const kappa = ev[n - 1] / ev[0];
    expectClose(l, c.l.flat(), { rtol: 10 * kappa * 2 ** -52, atol: 1e-15 });
  });

  test('cholesky says which minor fails for an indefinite matrix; isPositiveDefinite agrees', () => {
    const a = s.tensor([
      [1, 2],
      [2, 1],
    ]);
    expect(() => s.cholesky(a)).toThrow(/not positive definite \(the leading 2×2 minor is not\)/);
    expect(s.isPositiveDefinite(a)).toBe(false);
    expect(
      s.isPositiveDefinite(
        s.tensor([
          [2, 1],
          [1, 2],
        ]),
      ),
    ).toBe(true);
  });

  test.each(cases.solve)('solve $name matches numpy', (c) => {
    expectClose(s.solve(s.tensor(c.a), s.tensor(c.b)), (c.x as number[]).flat(), { rtol: 1e-11, atol: 1e-13 });
  });

  test('solve rejects a singular matrix and points to lstsq; solveTriangular inverts cholesky', () => {
    expect(() =>
      s.solve(
        s.tensor([
          [1, 2],
          [2, 4],
        ]),
        s.tensor([1, 1]),
      ),
    ).toThrow(/singular.*lstsq/);
    const a = s.tensor([
      [4, 2],
      [2, 3],
    ]);
    const l = s.cholesky(a);
    const y = s.solveTriangular(l, s.tensor([1, 2]));
    const x = s.solveTriangular(l, y, { transpose: true });
    expectClose(x, s.solve(a, s.tensor([1, 2])), { rtol: 1e-14 });
  });

  test('linear algebra refuses float32, traced and non-finite input with a fix', () => {
    expect(() => s.eigh(s.zeros([2, 2], { dtype: 'float32' }))).toThrow(/float64.*cast/);
    expect(() =>
      s.eigh(
        s.tensor([
          [1, NaN],
          [NaN, 1],
        ]),
      ),
    ).toThrow(/non-finite entry/);
    expect(() => s.grad((x: Tensor) => s.sum(s.eigh(x).eigenvalues))(s.eye(2))).toThrow(/not differentiable/);
    expect(() => s.eigh(s.zeros([2, 3]))).toThrow(/must be square, got shape \[2, 3\]/);
  });
});

describe('Krylov methods over a matvec closure', () => {
  const n = 60;
  const rng = new s.Rng(7);
  const A = s.normal(rng, [n, n]);
  const H = s.div(s.add(A, s.transpose(A)), 2);
  const exact = s.eigh(H).eigenvalues.data;
  const matvec = (v: Tensor) => s.matmul(H, v);

  test('lanczos with n steps recovers every eigenvalue; with 30 steps the extremes', () => {
    const full = s.lanczos(matvec, n, { steps: n, rng: new s.Rng(1) });
    expectClose(full.eigenvalues, exact, { rtol: 0, atol: 1e-9 });
    expectClose([full.weights.reduce((a, b) => a + b, 0)], [1], { rtol: 1e-12 });
    const part = s.lanczos(matvec, n, { steps: 30, rng: new s.Rng(1) });
    expect(Math.abs(part.eigenvalues[29] - exact[n - 1])).toBeLessThan(1e-6);
    expect(Math.abs(part.eigenvalues[0] - exact[0])).toBeLessThan(1e-6);
  });

  test('lanczos over Hessian-vector products finds the Hessian spectrum without forming it', () => {
    const f = (x: Tensor) => s.add(s.mul(s.sum(s.mul(x, s.matmul(H, x))), 0.5), s.sum(s.pow(x, 4)));
    const x = s.mul(s.normal(new s.Rng(3), [n]), 0.1);
    const hessEig = s.eigh(s.hessian(f)(x)).eigenvalues.data;
    const res = s.lanczos((v) => s.hvp(f, x, v), n, { steps: n, rng: new s.Rng(2) });
    expectClose(res.eigenvalues, hessEig, { rtol: 0, atol: 1e-8 });
  });

  test('powerIteration finds the eigenvalue of largest magnitude', () => {
    const top = Math.abs(exact[0]) > Math.abs(exact[n - 1]) ? exact[0] : exact[n - 1];
    const diag = s.tensor(Array.from({ length: 20 }, (_, i) => (i === 7 ? -9 : 1 + i * 0.2)));
    const res = s.powerIteration((v) => s.mul(diag, v), 20, { rng: new s.Rng(5), tol: 1e-12, maxIterations: 2000 });
    expect(res.converged).toBe(true);
    expect(res.eigenvalue).toBeCloseTo(-9, 8);
    expect(Number.isFinite(top)).toBe(true);
  });

  test('without a seed or start vector, Krylov methods refuse to run', () => {
    expect(() => s.lanczos(matvec, n)).toThrow(/give \{rng\}/);
  });
});
