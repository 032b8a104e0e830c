// The curvature module against exact answers: PyTorch's products and dense spectra (fixtures written by
// fixtures/generate_torch_curvature.py), saddle's own dense Hessian, central differences, closed forms.
import { describe, expect, test } from 'vitest';
import {
  blockView,
  crossEntropyLoss,
  curvatureOperator,
  curvatureReport,
  customLoss,
  eigenpairs,
  findOutliers,
  hessian,
  hutchinson,
  hutchPlusPlus,
  matmul,
  negativeElboLoss,
  negativeLogPosteriorLoss,
  ravel,
  spectralDensity,
  squaredErrorLoss,
  sum,
  tensor,
  wasserstein1,
  wasserstein1Between,
  sharpnessTracker,
  stabilityThreshold,
  mul,
  fromData,
  linearData,
  designMatrix,
  Rng,
  normal,
  type CurvatureLoss,
  type MlpParams,
  type Tensor,
} from '../src/index.js';
import { fromTorchOrder, paramsFrom, readFixture, relativeError } from './helpers/curvature-fixtures.js';

type Case = {
  name: string;
  model: { layers: number[][] };
  loss: string;
  data: { x: number[][]; y: number[] | number[][] };
  state_dict: Record<string, unknown>;
  value: number;
  gradient: number[];
  hessian_eigenvalues: number[];
  hessian_trace: number;
  probes: number[][];
  hvp: number[][];
  ggn_vp: number[][];
  fisher_vp: number[][];
  ggn_eigenvalues: number[];
  fisher_eigenvalues: number[];
  blocks: Record<string, { top: number; trace: number; size: number }>;
};
const fx = readFixture<{ cases: Case[]; float32: { case: string; value: number; hvp: number[] } }>(
  'torch_curvature.json',
);
const dense = readFixture<{
  model: { layers: number[][] };
  data: { x: number[][]; y: number[] };
  state_dict: Record<string, unknown>;
  hessian_eigenvalues: number[];
  hessian_eigenvalues_float32: number[];
  hessian_trace: number;
  ggn_eigenvalues: number[];
  blocks: Record<string, { top3_eigenvalues: number[] }>;
}>('torch_curvature_dense.json');

function lossOf(c: Case): CurvatureLoss<MlpParams> {
  return c.loss === 'cross_entropy'
    ? crossEntropyLoss({ activation: 'tanh' })
    : squaredErrorLoss({ activation: 'tanh', reduction: 'half-sum' });
}

function opFor(
  c: Case,
  options: {
    kind?: 'hessian' | 'ggn' | 'fisher';
    batchSize?: number;
    select?: string | string[];
    dtype?: 'float32' | 'float64';
  } = {},
) {
  return curvatureOperator({
    loss: lossOf(c),
    params: paramsFrom(c.state_dict),
    data: { x: tensor(c.data.x), y: tensor(c.data.y) },
    batchSize: options.batchSize ?? 10,
    kind: options.kind,
    select: options.select,
    dtype: options.dtype,
  });
}

describe('curvatureOperator against PyTorch (fixtures/torch_curvature.json)', () => {
  for (const c of fx.cases) {
    test(`${c.name}: value, gradient, Hessian, GGN and Fisher products match torch to 1e-10`, () => {
      const op = opFor(c);
      expect(op.value()).toBeCloseTo(c.value, 12);
      expect(relativeError(op.gradient(), fromTorchOrder(c.gradient, c.model.layers))).toBeLessThan(1e-10);
      for (const [kind, key] of [
        ['hessian', 'hvp'],
        ['ggn', 'ggn_vp'],
        ['fisher', 'fisher_vp'],
      ] as const) {
        const o = opFor(c, { kind });
        c.probes.forEach((p, j) => {
          expect(
            relativeError(o.apply(fromTorchOrder(p, c.model.layers)), fromTorchOrder(c[key][j], c.model.layers)),
          ).toBeLessThan(1e-10);
        });
      }
    });

    test(`${c.name}: per-block top eigenvalue and trace match torch's principal submatrices`, () => {
      for (const [torchName, ref] of Object.entries(c.blocks)) {
        const m = /^(\d+)\.(weight|bias)$/.exec(torchName);
        const select = m
          ? `layers.${Number(m[1]) / 2}.${m[2] === 'weight' ? 'w' : 'b'}`
          : torchName === 'all weights'
            ? 'weights'
            : 'biases';
        const op = opFor(c, { select });
        expect(op.size).toBe(ref.size);
        const r = eigenpairs(op, { top: 1, seed: 1, tol: 1e-10, maxSteps: op.size });
        expect(r.top[0].value).toBeCloseTo(ref.top, 9);
        // The exact trace from the products with the basis vectors.
        let tr = 0;
        for (let i = 0; i < op.size; i++) {
          const e = new Float64Array(op.size);
          e[i] = 1;
          tr += op.apply(e)[i];
        }
        expect(tr).toBeCloseTo(ref.trace, 10);
      }
    });
  }

  test("float32: the HVP matches torch's float32 product to 1e-4", () => {
    const c = fx.cases.find((k) => k.name === fx.float32.case)!;
    const op = opFor(c, { dtype: 'float32' });
    expect(op.dtype).toBe('float32');
    expect(Math.abs(op.value() - fx.float32.value) / fx.float32.value).toBeLessThan(1e-5);
    expect(
      relativeError(
        op.apply(fromTorchOrder(c.probes[0], c.model.layers)),
        fromTorchOrder(fx.float32.hvp, c.model.layers),
      ),
    ).toBeLessThan(1e-4);
  });
});

describe('curvatureOperator: exact answers', () => {
  const c = fx.cases[0];

  test('apply equals hessian(f) of the raveled parameters times v to 1e-10', () => {
    const params = paramsFrom(c.state_dict);
    const { flat, unravel } = ravel(params);
    const x = tensor(c.data.x);
    const y = tensor(c.data.y);
    const loss = lossOf(c);
    const H = hessian((v: Tensor) => loss.value(unravel(v) as MlpParams, { x, y, index: 0, total: 37 }))(flat);
    const v = normal(new Rng(3), [flat.size]);
    const Hv = matmul(H, v.reshape([flat.size, 1])).data;
    // ravel orders leaves as the operator does (record keys sorted), so the flat vectors line up.
    const op = opFor(c);
    expect(relativeError(op.apply(Float64Array.from(v.data)), Hv)).toBeLessThan(1e-10);
  });

  test('apply equals central differences of the gradient to 1e-6', () => {
    const op = opFor(c);
    const v = Float64Array.from(normal(new Rng(4), [op.size]).data);
    const h = 1e-5;
    const at = (s: number) => {
      const p = op.toTree(op.point.map((x, i) => x + s * h * v[i]));
      return curvatureOperator({
        loss: lossOf(c),
        params: p,
        data: { x: tensor(c.data.x), y: tensor(c.data.y) },
      }).gradient();
    };
    const gp = at(1);
    const gm = at(-1);
    expect(
      relativeError(
        op.apply(v),
        gp.map((g, i) => (g - gm[i]) / (2 * h)),
      ),
    ).toBeLessThan(1e-6);
  });

  test('batches are weighted by size: batches of 10, 10, 10 and 7 give the full-batch product to 1e-12', () => {
    const v = Float64Array.from(normal(new Rng(5), [opFor(c).size]).data);
    const full = opFor(c, { batchSize: 37 }).apply(v);
    const split = opFor(c, { batchSize: 10 });
    expect(split.batches).toBe(4);
    expect(relativeError(split.apply(v), full)).toBeLessThan(1e-12);
    // The unweighted mean of the four batch products (hessian-eigenthings' rule) is measurably different.
    const unweighted = new Float64Array(v.length);
    for (let b = 0; b < 4; b++) {
      const rows = Array.from({ length: Math.min(10, 37 - 10 * b) }, (_, i) => 10 * b + i);
      split
        .restrict(rows)
        .apply(v)
        .forEach((x, i) => {
          unweighted[i] += x / 4;
        });
    }
    expect(relativeError(unweighted, full)).toBeGreaterThan(1e-3);
  });

  test('the GGN is positive semi-definite and equals the Hessian for a linear model with squared loss', () => {
    for (const k of fx.cases) {
      const ggn = opFor(k, { kind: 'ggn' });
      const r = eigenpairs(ggn, { top: 1, bottom: 1, seed: 2, tol: 1e-8, maxSteps: ggn.size });
      expect(r.bottom[0].value).toBeGreaterThan(-1e-12 * r.top[0].value);
    }
    const linear = fx.cases.find((k) => k.model.layers.length === 1)!;
    const v = Float64Array.from(normal(new Rng(6), [opFor(linear).size]).data);
    expect(relativeError(opFor(linear, { kind: 'ggn' }).apply(v), opFor(linear).apply(v))).toBeLessThan(1e-12);
    // … and not for the MLP, where the Hessian has the residual term.
    const mlpCase = fx.cases[1];
    const u = Float64Array.from(normal(new Rng(6), [opFor(mlpCase).size]).data);
    expect(relativeError(opFor(mlpCase, { kind: 'ggn' }).apply(u), opFor(mlpCase).apply(u))).toBeGreaterThan(1e-2);
  });

  test("the negative log-posterior's Hessian is the posterior precision AᵀA/σ² + I/τ², over uneven batches", () => {
    const ds = linearData({ weights: [2, -3.4], bias: 4.2, n: 53, noiseStd: 0.5, seed: 11 });
    const A = designMatrix(ds.x);
    const op = curvatureOperator({
      loss: negativeLogPosteriorLoss({ noiseStd: 0.5, priorStd: 2 }),
      params: tensor([0.1, 0.2, 0.3]),
      data: { x: A, y: ds.y },
      batchSize: 20,
    });
    const AtA = matmul(A, A, { transA: true }).data;
    for (let j = 0; j < 3; j++) {
      const e = new Float64Array(3);
      e[j] = 1;
      const col = op.apply(e);
      for (let i = 0; i < 3; i++) expect(col[i]).toBeCloseTo(AtA[i * 3 + j] / 0.25 + (i === j ? 1 / 4 : 0), 9);
    }
  });

  test('the negative ELBO is a fixed function per batch: its Hessian operator is symmetric', () => {
    const ds = linearData({ weights: [1, -1], bias: 0.5, n: 30, noiseStd: 0.3, seed: 2 });
    const q = { mean: tensor([0.1, -0.2, 0.3]), logStd: tensor([-1, -1.5, -0.5]) };
    const op = curvatureOperator({
      loss: negativeElboLoss({ noiseStd: 0.3, priorStd: 1, samples: 4, seed: 9 }),
      params: q,
      data: { x: designMatrix(ds.x), y: ds.y },
      batchSize: 7,
    });
    const rng = new Rng(1);
    const u = Float64Array.from({ length: op.size }, () => rng.normal());
    const w = Float64Array.from({ length: op.size }, () => rng.normal());
    const uMw = u.reduce((s, x, i) => s + x * op.apply(w)[i], 0);
    const wMu = w.reduce((s, x, i) => s + x * op.apply(u)[i], 0);
    expect(Math.abs(uMw - wMu)).toBeLessThan(1e-9 * Math.abs(uMw));
  });

  test('errors: GGN of a loss without outputs, unknown parameter names, a subset without a seed', () => {
    const custom = customLoss((w: Tensor) => sum(w), { normalization: 'none' });
    expect(() =>
      curvatureOperator({ loss: custom, params: tensor([1]), data: { x: tensor([[1]]), y: tensor([0]) }, kind: 'ggn' }),
    ).toThrow(/needs a loss split into outputs/);
    expect(() => opFor(c, { select: 'layers.9' })).toThrow(
      /no parameter is named 'layers.9'; the parameters are layers.0.b, layers.0.w/,
    );
    expect(() =>
      curvatureOperator({
        loss: lossOf(c),
        params: paramsFrom(c.state_dict),
        data: { x: tensor(c.data.x), y: tensor(c.data.y) },
        examples: 5,
      }),
    ).toThrow(/needs a seed/);
    expect(() => customLoss((w: Tensor) => sum(w), { normalization: '' })).toThrow(/say how the loss is normalised/);
  });
});

describe('estimators against the dense spectrum of a trained 3,027-parameter MLP (torch eigvalsh)', () => {
  const params = paramsFrom(dense.state_dict);
  const data = { x: tensor(dense.data.x), y: tensor(dense.data.y) };
  const make = (dtype: 'float64' | 'float32' = 'float64', select?: string) =>
    curvatureOperator({ loss: crossEntropyLoss({ activation: 'tanh' }), params, data, batchSize: 25, dtype, select });
  const ev = dense.hessian_eigenvalues;
  const lmax = ev.at(-1)!;

  test('Lanczos: top-5 and λ_min agree with the dense eigendecomposition to 1e-6 (float64)', () => {
    const op = make();
    expect(op.size).toBe(3027);
    const r = eigenpairs(op, { top: 5, bottom: 1, seed: 1, tol: 1e-7, maxSteps: 600 });
    r.top.forEach((p, i) => {
      expect(Math.abs(p.value - ev[ev.length - 1 - i]) / lmax).toBeLessThan(1e-6);
      expect(p.converged).toBe(true);
    });
    expect(Math.abs(r.bottom[0].value - ev[0]) / lmax).toBeLessThan(1e-6);
    // A negative λ with its residual bound below |λ| proves negative curvature.
    expect(r.bottom[0].value + r.bottom[0].bound).toBeLessThan(0);
  });

  test('Lanczos in float32: top-5 agree to 1e-3 of λ_max', () => {
    const r = eigenpairs(make('float32'), { top: 5, seed: 1, tol: 1e-4 });
    const ev32 = dense.hessian_eigenvalues_float32;
    r.top.forEach((p, i) => expect(Math.abs(p.value - ev32[ev32.length - 1 - i]) / lmax).toBeLessThan(1e-3));
  });

  test('power iteration with deflation and low-memory Lanczos find λ_max too', () => {
    const op = make();
    const power = eigenpairs(op, { top: 2, method: 'power', seed: 3, tol: 1e-6, maxSteps: 2000 });
    expect(Math.abs(power.top[0].value - lmax) / lmax).toBeLessThan(1e-5);
    const low = eigenpairs(op, { top: 3, seed: 3, tol: 1e-6, lowMemory: true, maxSteps: 300 });
    low.top.forEach((p, i) => expect(Math.abs(p.value - ev[ev.length - 1 - i]) / lmax).toBeLessThan(1e-5));
    expect(low.top.every((p) => p.residual < 1e-3)).toBe(true);
  });

  test('SLQ: the density is within 2% of the range in Wasserstein-1 distance of the exact spectrum', () => {
    const d = spectralDensity(make(), { steps: 80, runs: 10, seed: 2 });
    expect(wasserstein1(d, ev) / (lmax - ev[0])).toBeLessThan(0.02);
    const total = d.values.reduce((s, v, i) => s + (i > 0 ? v * (d.grid[i] - d.grid[i - 1]) : 0), 0);
    expect(total).toBeCloseTo(1, 2);
    d.nodes.forEach((run) => expect(run.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10));
    // The fraction of eigenvalues below −σ, against the exact count.
    const exact = ev.filter((v) => v < -d.sigma).length / ev.length;
    expect(Math.abs(d.negativeMass - exact)).toBeLessThan(0.05);
  });

  test('trace: Hutchinson within 3 standard errors; Hutch++ within 5% at 99 products', () => {
    const op = make();
    const h = hutchinson(op, { probes: 100, seed: 4 });
    expect(Math.abs(h.estimate - dense.hessian_trace)).toBeLessThan(3 * h.stderr);
    const hpp = hutchPlusPlus(op, { products: 99, seed: 4 });
    expect(hpp.products).toBe(99);
    expect(Math.abs(hpp.estimate - dense.hessian_trace) / Math.abs(dense.hessian_trace)).toBeLessThan(0.05);
  });

  test("blocks: the last layer's weights and all biases match their principal submatrices", () => {
    for (const [name, select] of [
      ['4.weight', 'layers.2.w'],
      ['all biases', 'biases'],
    ] as const) {
      const r = eigenpairs(make('float64', select), { top: 3, seed: 5, tol: 1e-8, maxSteps: 200 });
      r.top.forEach((p, i) =>
        expect(Math.abs(p.value - dense.blocks[name].top3_eigenvalues[i]) / lmax).toBeLessThan(1e-6),
      );
    }
  });

  test('curvatureReport: same seed, same numbers; GGN is PSD; results carry their provenance', () => {
    const a = curvatureReport(make(), { seed: 7, top: 3, bottom: 1, trace: { probes: 10 }, density: { steps: 30 } });
    const b = curvatureReport(make(), { seed: 7, top: 3, bottom: 1, trace: { probes: 10 }, density: { steps: 30 } });
    const strip = (r: typeof a) => JSON.stringify({ ...r, seconds: 0 });
    expect(strip(a)).toBe(strip(b));
    expect(a).toMatchObject({ kind: 'hessian', dtype: 'float64', examples: 64, parameters: 3027, seed: 7 });
    expect(a.hvps).toBeGreaterThan(40);
    expect(a.lossNormalization).toMatch(/mean over examples/);
    const ggn = eigenpairs(
      curvatureOperator({ loss: crossEntropyLoss({ activation: 'tanh' }), params, data, kind: 'ggn' }),
      { top: 1, bottom: 1, seed: 1, tol: 1e-6 },
    );
    expect(ggn.bottom[0].value).toBeGreaterThan(-1e-10 * ggn.top[0].value);
    expect(Math.abs(ggn.top[0].value - dense.ggn_eigenvalues.at(-1)!) / dense.ggn_eigenvalues.at(-1)!).toBeLessThan(
      1e-6,
    );
  });
});

describe('outliers and the gradient subspace on operators with a known spectrum', () => {
  // A diagonal operator: a bulk of 2,000 eigenvalues spread on [−0.05, 1] and 10 outliers at 5…50.
  const rng = new Rng(1);
  const diag = Float64Array.from({ length: 2010 }, (_, i) => (i < 2000 ? -0.05 + 1.05 * rng.float() : 5 * (i - 1999)));
  const op = { size: diag.length, dtype: 'float64' as const, apply: (v: Float64Array) => v.map((x, i) => x * diag[i]) };

  test('findOutliers counts the 10 isolated eigenvalues above the bulk', () => {
    const top = eigenpairs(op, { top: 22, seed: 2, tol: 1e-6, maxSteps: 200 }).top;
    const o = findOutliers(top);
    expect(o.count).toBe(10);
    expect(o.values[9]).toBeCloseTo(5, 8);
    expect(o.bulkEdge).toBeLessThan(1);
    expect(o.bulkEdge).toBeGreaterThan(0.9);
    // Without a gap of 2 there are none.
    expect(findOutliers(top.slice(10)).count).toBe(0);
  });

  test('a block with no curvature at all (dead units) gives λ = 0 with residual 0, not NaN', () => {
    const zero = { size: 4, dtype: 'float64' as const, apply: (v: Float64Array) => new Float64Array(v.length) };
    for (const method of ['lanczos', 'power'] as const) {
      const r = eigenpairs(zero, { top: 1, method, seed: 1 });
      expect(r.top[0]).toMatchObject({ value: 0, residual: 0, bound: 0, converged: true });
    }
  });

  test("the gradient's fraction in the top-k eigenspace", () => {
    const g = fromData(
      Float64Array.from({ length: 5 }, (_, i) => i + 1),
      [5],
    );
    const small = {
      size: 5,
      dtype: 'float64' as const,
      apply: (v: Float64Array) => v.map((x, i) => x * [1, 2, 3, 4, 10][i]),
    };
    const r = eigenpairs(small, { top: 1, seed: 1, tol: 1e-10, vectors: true });
    const c = r.top[0].vector!.reduce((s, x, i) => s + x * g.data[i], 0);
    expect((c * c) / 55).toBeCloseTo(25 / 55, 10);
    expect(blockView({ a: tensor([1, 2]), b: tensor([[3]]) }, 'weights').size).toBe(1);
  });
});

describe('low memory and sharpness tracking', () => {
  test('SLQ without a stored basis is as close to the exact spectrum as with one (W1 within 2% of the range)', () => {
    const c = fx.cases[0];
    const op = opFor(c);
    const ev = c.hessian_eigenvalues;
    const range = ev.at(-1)! - ev[0];
    const full = spectralDensity(op, { steps: 40, runs: 10, seed: 8 });
    const low = spectralDensity(op, { steps: 40, runs: 10, seed: 8, lowMemory: true });
    expect(wasserstein1(full, ev) / range).toBeLessThan(0.02);
    expect(wasserstein1(low, ev) / range).toBeLessThan(0.02);
    expect(wasserstein1Between(low, full) / range).toBeLessThan(0.02);
    expect(low.max).toBeCloseTo(full.max, 8);
  });

  test('sharpnessTracker: λ_max of a quadratic custom loss, every K steps, against stabilityThreshold', () => {
    const diag = tensor([0.5, 2, 3]);
    const loss = customLoss((w: Tensor) => mul(0.5, sum(mul(diag, mul(w, w)))), {
      normalization: 'none (a quadratic)',
    });
    const tracker = sharpnessTracker({
      loss,
      data: { x: tensor([[0]]), y: tensor([0]) },
      every: 5,
      seed: 1,
      steps: 3,
      tol: 1e-10,
    });
    const w = tensor([1, 1, 1]);
    for (let step = 1; step <= 12; step++) tracker.onStep(step, w);
    expect(tracker.points.map((p) => p.step)).toEqual([5, 10]);
    tracker.points.forEach((p) => expect(p.value).toBeCloseTo(3, 10));
    expect(stabilityThreshold('sgd', 0.5)).toBe(4);
    expect(stabilityThreshold('sgd', 0.5, 0.9)).toBeCloseTo(7.6, 12);
    expect(stabilityThreshold('adam', 0.5)).toBeNull();
  });
});
