// Loss-landscape geometry (src/curvature/geometry.ts, slices.ts) against exact answers: filter normalisation
// against row norms of torch's [out, in] layout, interpolation endpoints bit for bit, the PCA of a trajectory
// against a dense eigendecomposition of the covariance, and batched metrics against one full batch.
import { describe, expect, test } from 'vitest';
import {
  axis,
  blockView,
  crossEntropyLoss,
  curvatureOperator,
  datasetMetrics,
  eigh,
  fromData,
  landscape,
  landscapePoint,
  loadIris,
  mlp,
  normal,
  normalizeDirection,
  randomDirection,
  Rng,
  splitDataset,
  squaredErrorLoss,
  trajectoryPca,
  treeLeaves,
  type MlpParams,
  type Tree,
} from '../src/index.js';

const net = (seed: number, dtype: 'float64' | 'float32' = 'float64'): MlpParams =>
  mlp([4, 6, 5, 3], { rng: new Rng(seed), dtype, init: 'he-normal' });
const IRIS = { float64: await loadIris({ dtype: 'float64' }), float32: await loadIris({ dtype: 'float32' }) };
const norm = (v: ArrayLike<number>, idx: number[]): number => Math.sqrt(idx.reduce((s, i) => s + v[i] * v[i], 0));
const bits = (p: MlpParams) => treeLeaves(p as Tree).map((t) => Array.from(t.data));

describe('directions', () => {
  test('filter normalisation: each output unit (a row of torch [out, in]) has the weights’ norm; biases 0', () => {
    const params = net(1);
    const view = blockView(params as Tree);
    const d = randomDirection(view, new Rng(3));
    const raw = randomDirection(view, new Rng(3), { normalize: 'none' });
    for (const b of view.blocks) {
      const idx = (j: number) =>
        b.shape.length === 2 ? Array.from({ length: b.shape[0] }, (_, i) => b.offset + i * b.shape[1] + j) : [];
      if (b.shape.length === 1) {
        expect(Array.from(d.subarray(b.offset, b.offset + b.size))).toEqual(new Array(b.size).fill(0));
        continue;
      }
      // torch's row j of weight [out, in] is saddle's column j of w [in, out].
      const torchRows = fromData(Float64Array.from(view.point.subarray(b.offset, b.offset + b.size)), b.shape);
      for (let j = 0; j < b.shape[1]; j++) {
        const wNorm = norm(view.point, idx(j));
        // Li et al.'s guard: d_j·‖w_j‖/(‖d_j‖ + 1e-10).
        const dNorm = norm(raw, idx(j));
        const expected = (wNorm * dNorm) / (dNorm + 1e-10);
        expect(Math.abs(norm(d, idx(j)) - expected)).toBeLessThanOrEqual(1e-14 * wNorm);
        expect(Math.abs(norm(d, idx(j)) - wNorm)).toBeLessThanOrEqual(1e-9 * wNorm);
        expect(wNorm).toBeCloseTo(
          norm(
            torchRows.data,
            idx(j).map((i) => i - b.offset),
          ),
          14,
        );
      }
    }
  });

  test('layer normalisation rescales each tensor as a whole; none keeps the seeded Gaussian; keep moves biases', () => {
    const base = net(2);
    // Trained biases are not zero (a fresh network's are).
    const params = { layers: base.layers.map((l, k) => ({ w: l.w, b: normal(new Rng(k), l.b.shape) })) };
    const view = blockView(params as Tree);
    const raw = randomDirection(view, new Rng(9), { normalize: 'none', biases: 'keep' });
    const rng = new Rng(9);
    expect(Array.from(raw)).toEqual(Array.from({ length: view.size }, () => rng.normal()));
    const layer = normalizeDirection(view, view.point, Float64Array.from(raw), { normalize: 'layer', biases: 'keep' });
    const filter = normalizeDirection(view, view.point, Float64Array.from(raw), {
      normalize: 'filter',
      biases: 'keep',
    });
    for (const b of view.blocks) {
      const all = Array.from({ length: b.size }, (_, i) => b.offset + i);
      const w = norm(view.point, all);
      expect(Math.abs(norm(layer, all) - w)).toBeLessThanOrEqual(1e-9 * w);
      // The direction within the tensor is the raw one, rescaled.
      const s = layer[b.offset] / raw[b.offset];
      all.forEach((i) => expect(layer[i]).toBeCloseTo(s * raw[i], 12));
      if (b.shape.length === 1)
        all.forEach((i) => {
          expect(Math.abs(filter[i])).toBeCloseTo(
            (Math.abs(view.point[i]) * Math.abs(raw[i])) / (Math.abs(raw[i]) + 1e-10),
            15,
          );
          expect(Math.sign(filter[i])).toBe(Math.sign(raw[i]));
        });
    }
    expect(() => normalizeDirection(view, view.point, raw, { normalize: 'rows' as 'filter' })).toThrow(
      /normalize 'rows' is not filter, layer, none/,
    );
  });
});

describe('axes and pictures', () => {
  test('axis: both ends exactly, evenly spaced, 0 on symmetric odd grids', () => {
    expect(axis(-1, 1, 51)[25]).toBe(0);
    expect(axis(-0.5, 1.5, 401)[100]).toBe(0);
    expect(axis(-0.5, 1.5, 401)[300]).toBe(1);
    const a = axis(0.1, 0.7, 7);
    expect([a[0], a[6]]).toEqual([0.1, 0.7]);
    expect(axis(3, 3, 1)).toEqual([3]);
    expect(() => axis(1, 0, 3)).toThrow(/not a finite interval/);
  });

  test.each(['float64', 'float32'] as const)(
    'interpolate (%s): the endpoints are the two parameter sets, bit for bit',
    (dtype) => {
      const a = net(1, dtype);
      const b = net(2, dtype);
      const picture = landscape({ mode: 'interpolate', params: a, to: b, grid: [5], range: [[0, 1]] });
      expect(picture.axes.x).toEqual([0, 0.25, 0.5, 0.75, 1]);
      expect(bits(picture.paramsAt(0))).toEqual(bits(a));
      expect(bits(picture.paramsAt(4))).toEqual(bits(b));
      const iris = IRIS[dtype];
      const { train } = splitDataset(iris, { train: 100, test: 50, seed: 1 });
      const loss = crossEntropyLoss({ activation: 'tanh' });
      const end = landscapePoint(picture, 4, loss, { train, classes: true });
      expect(end.trainLoss).toBe(datasetMetrics(loss, b, train, { classes: true }).loss);
      const mid = picture.paramsAt(2);
      treeLeaves(mid as Tree).forEach((t, i) => {
        const [ta, tb] = [treeLeaves(a as Tree)[i], treeLeaves(b as Tree)[i]];
        t.data.forEach((v, k) =>
          expect(v).toBe(
            dtype === 'float32'
              ? Math.fround(0.5 * ta.data[k] + 0.5 * tb.data[k])
              : 0.5 * ta.data[k] + 0.5 * tb.data[k],
          ),
        );
      });
    },
  );

  test('slice: the centre is the parameters exactly; the directions follow the seed', () => {
    const p = net(4);
    const one = landscape({ mode: 'slice', params: p, grid: [5, 3], seed: 7 });
    expect(one.size).toBe(15);
    expect(one.axes.y).toEqual([-1, 0, 1]);
    expect(bits(one.paramsAt(2 + 5 * 1))).toEqual(bits(p));
    const again = landscape({ mode: 'slice', params: p, grid: [5, 3], seed: 7 });
    const other = landscape({ mode: 'slice', params: p, grid: [5, 3], seed: 8 });
    expect(bits(again.paramsAt(0))).toEqual(bits(one.paramsAt(0)));
    expect(bits(other.paramsAt(0))).not.toEqual(bits(one.paramsAt(0)));
    // Biases are not moved by default.
    const moved = one.paramsAt(14);
    moved.layers.forEach((l, k) => expect(Array.from(l.b.data)).toEqual(Array.from(p.layers[k].b.data)));
    expect(() => landscape({ mode: 'interpolate', params: p, grid: [5] })).toThrow(/needs the end point/);
    expect(() => landscape({ mode: 'slice', params: p, to: undefined, grid: [5, 5, 5] })).toThrow(/should be \[n\]/);
    expect(() =>
      landscape({ mode: 'interpolate', params: p, to: mlp([4, 7, 3], { rng: new Rng(1) }), grid: [5] }),
    ).toThrow(/the end point has parameters/);
  });
});

describe('trajectory PCA', () => {
  /** A dense reference: eigenpairs of the P × P covariance of the centred differences. */
  function dense(checkpoints: Float64Array[], final: Float64Array) {
    const n = checkpoints.length;
    const p = final.length;
    const diffs = checkpoints.map((c) => c.map((v, k) => v - final[k]));
    const mean = new Float64Array(p).map((_, k) => diffs.reduce((s, d) => s + d[k], 0) / n);
    const cov = new Float64Array(p * p);
    for (const d of diffs)
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) cov[i * p + j] += (d[i] - mean[i]) * (d[j] - mean[j]);
    const { eigenvalues, eigenvectors } = eigh(fromData(cov, [p, p]));
    const total = Array.from(eigenvalues.data).reduce((s, v) => s + Math.max(v, 0), 0);
    const vec = (col: number) => Float64Array.from({ length: p }, (_, i) => eigenvectors.data[i * p + col]);
    return { ratios: [eigenvalues.data[p - 1] / total, eigenvalues.data[p - 2] / total], v: [vec(p - 1), vec(p - 2)] };
  }

  test('explained variance, directions and distances match a dense eigendecomposition of the covariance', () => {
    const rng = new Rng(11);
    const p = 12;
    const final = Float64Array.from(normal(rng, [p]).data);
    const checkpoints = Array.from({ length: 9 }, (_, i) =>
      Float64Array.from(normal(rng, [p]).data, (v, k) => final[k] + (9 - i) * 0.3 * v),
    );
    const pca = trajectoryPca(checkpoints, final);
    const ref = dense(checkpoints, final);
    expect(pca.explainedVariance[0]).toBeCloseTo(ref.ratios[0], 12);
    expect(pca.explainedVariance[1]).toBeCloseTo(ref.ratios[1], 12);
    pca.directions.forEach((d, k) => {
      const cos = d.reduce((s, v, i) => s + v * ref.v[k][i], 0);
      expect(Math.abs(cos)).toBeCloseTo(1, 12);
    });
    checkpoints.forEach((c, i) => {
      const diff = c.map((v, k) => v - final[k]);
      const total = Math.hypot(...diff);
      const [a, b] = pca.coordinates[i];
      // Pythagoras: the plane's part and the residual make up the whole distance.
      expect(a * a + b * b + pca.residuals[i] ** 2).toBeCloseTo(total * total, 10);
      expect(pca.relativeResiduals[i]).toBeCloseTo(pca.residuals[i] / total, 14);
    });
    expect(pca.coordinates[0][0]).toBeGreaterThanOrEqual(0);
  });

  test('a trajectory inside a plane: all variance in two directions, residuals zero, coordinates exact', () => {
    const p = 30;
    const rng = new Rng(5);
    const final = Float64Array.from(normal(rng, [p]).data);
    const u = new Float64Array(p);
    const v = new Float64Array(p);
    u[3] = 1;
    v[17] = 1;
    const path = Array.from({ length: 12 }, (_, i) => [2 - i * 0.15, Math.sin(i) * 0.4] as const);
    const checkpoints = path.map(([a, b]) => final.map((f, k) => f + a * u[k] + b * v[k]));
    const pca = trajectoryPca(checkpoints, final);
    expect(pca.explainedVariance[0] + pca.explainedVariance[1]).toBeCloseTo(1, 12);
    pca.residuals.forEach((r) => expect(r).toBeLessThan(1e-12));
    path.forEach(([a, b], i) => {
      const [x, y] = pca.coordinates[i];
      expect(Math.hypot(x, y)).toBeCloseTo(Math.hypot(a, b), 12);
    });
    expect(() => trajectoryPca(checkpoints.slice(0, 2), final)).toThrow(/at least 3/);
    expect(() => trajectoryPca([final, final, final], final)).toThrow(/all the same point/);
  });

  test('pca mode: the trained point at the origin, the checkpoints drawn where the PCA puts them', () => {
    const final = net(3);
    const checkpoints = [net(1), net(2), net(5), final];
    const picture = landscape({ mode: 'pca', params: final, checkpoints, grid: [5, 5] });
    expect(picture.pca?.coordinates.at(-1)).toEqual([0, 0]);
    expect(picture.pca?.explainedVariance[0]).toBeGreaterThan(picture.pca?.explainedVariance[1] ?? 1);
    const [lo, hi] = [picture.axes.x[0], picture.axes.x[4]];
    picture.pca?.coordinates.forEach(([x]) => expect(x >= lo && x <= hi).toBe(true));
  });
});

describe('datasetMetrics', () => {
  test.each([1, 7, 150])('batches of %i give the full-batch loss and accuracy', (batchSize) => {
    const iris = IRIS.float64;
    const p = net(6);
    const loss = crossEntropyLoss({ activation: 'relu' });
    const full = datasetMetrics(loss, p, iris, { batchSize: 150, classes: true });
    const split = datasetMetrics(loss, p, iris, { batchSize, classes: true });
    expect(split.loss).toBeCloseTo(full.loss, 13);
    expect(split.accuracy).toBeCloseTo(full.accuracy ?? NaN, 14);
    const mse = datasetMetrics(squaredErrorLoss(), p, iris, { batchSize });
    expect(mse.accuracy).toBeNull();
    expect(mse.loss).toBeGreaterThan(0);
  });
});

describe('the eigenvalue map', () => {
  test('λ_max and λ_min at a point are the dense Hessian’s extremes there (27 parameters, Iris)', () => {
    const p = mlp([4, 3, 3], { rng: new Rng(3), init: 'he-normal', dtype: 'float64' });
    const picture = landscape({ mode: 'slice', params: p, grid: [3], range: [[-0.5, 0.5]], seed: 2 });
    const loss = crossEntropyLoss({ activation: 'tanh' });
    const train = IRIS.float64;
    const metrics = landscapePoint(picture, 2, loss, {
      train,
      classes: true,
      eigen: { examples: 150, steps: 27, seed: 1 },
    });
    // The dense Hessian at the same point: the operator applied to every unit vector, then eigh.
    const op = curvatureOperator({ loss, params: picture.paramsAt(2), data: train, examples: 150, seed: 1 });
    const n = op.size;
    const dense = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      op.apply(e).forEach((v, i) => (dense[i * n + j] = v));
    }
    const sym = dense.map((_, ij) => 0.5 * (dense[ij] + dense[(ij % n) * n + Math.floor(ij / n)]));
    const values = eigh(fromData(sym, [n, n])).eigenvalues.data;
    expect(metrics.lambdaMax).toBeCloseTo(values[n - 1], 8);
    expect(metrics.lambdaMin).toBeCloseTo(values[0], 8);
    expect(metrics.lambdaMin).toBeLessThan(0); // a tanh network at a random point: not convex there
  });
});
