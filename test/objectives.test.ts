// The probabilistic objectives and logistic regression: PyTorch parity (fixtures/generate_torch_losses.py),
// central differences, closed forms (the learned noise scale, the conjugate posterior), unbiasedness of
// minibatch scaling and of the reparameterised ELBO, and optima against scipy and the posterior mean.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import { expectClose, numericalGradient } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_losses.json', import.meta.url), 'utf8')) as {
  cases: {
    name: string;
    inputs: Record<string, number | number[]>;
    value: number;
    grads: Record<string, number | number[]>;
  }[];
};
const regression = JSON.parse(readFileSync(new URL('../fixtures/regression.json', import.meta.url), 'utf8')) as {
  logistic: { lambda: number; weights: number[]; value: number };
};
const t = (v: number | number[]) => (typeof v === 'number' ? s.scalar(v) : s.tensor(v));
const byName = (name: string) => fixture.cases.find((c) => c.name === name)!;

describe('PyTorch parity (float64)', () => {
  const fns: Record<string, (a: Record<string, s.Tensor>) => s.Tensor> = {
    'gaussianNll scalar logStd': (a) => s.gaussianNll(a.prediction, a.target, a.logStd),
    'gaussianNll per-example logStd': (a) => s.gaussianNll(a.prediction, a.target, a.logStd),
    logisticLoss: (a) => s.logisticLoss(a.logits, a.labels),
    'gaussianKl tau=1.5': (a) => s.gaussianKl({ mean: a.mean, logStd: a.logStd }, 1.5),
  };
  test.each(Object.keys(fns))('%s: value and gradients to 1e-12', (name) => {
    const c = byName(name);
    const keys = Object.keys(c.inputs);
    const args: Record<string, s.Tensor> = Object.fromEntries(keys.map((k) => [k, t(c.inputs[k])]));
    expectClose([fns[name](args).item()], [c.value], { rtol: 1e-12, atol: 1e-14 });
    const grads = s.grad(fns[name])(args);
    keys.forEach((k) => expectClose(grads[k].data, ([] as number[]).concat(c.grads[k]), { rtol: 1e-11, atol: 1e-14 }));
  });

  test('the logistic loss stays finite at logits ±40 (softplus form)', () => {
    const v = s.logisticLoss(s.tensor([40, -40, 800, -800]), s.tensor([0, 1, 0, 1])).item();
    expect(v).toBeCloseTo((40 + 40 + 800 + 800) / 4, 10);
  });
});

describe('central differences (float64)', () => {
  const data = s.linearData({ weights: [1.5, -0.7], bias: 0.3, n: 20, noiseStd: 0.2, seed: 4 });
  const design = s.designMatrix(data.x);
  const y = data.y;
  const w0 = s.tensor([0.1, 1.2, -0.4]);
  const check = (f: (x: s.Tensor) => s.Tensor, x: s.Tensor) =>
    expectClose(
      s.grad(f)(x).data,
      numericalGradient((v) => f(v).item(), x),
      { rtol: 1e-7, atol: 1e-8 },
    );

  test('negative log-posterior', () =>
    check((w) => s.negativeLogPosterior(w, design, y, { noiseStd: 0.5, priorStd: 2, datasetSize: 80 }), w0));
  test('negative ELBO in the mean and in log σ (fixed ε)', () => {
    const nll = s.bayesianLinearNll(design, y, { noiseStd: 0.5 });
    const logStd = s.tensor([-1, -0.5, -2]);
    check(
      (m) => s.negativeElbo({ mean: m, logStd }, nll, { priorStd: 2, samples: 4, rng: new s.Rng(9), antithetic: true }),
      w0,
    );
    check((l) => s.negativeElbo({ mean: w0, logStd: l }, nll, { priorStd: 2, samples: 3, rng: new s.Rng(9) }), logStd);
  });
  test('Gaussian NLL in the prediction and in log σ', () => {
    check((p) => s.gaussianNll(p, s.tensor([0.5, 1, -1]), s.scalar(0.2)), w0);
    check((l) => s.gaussianNll(w0, s.tensor([0.5, 1, -1]), l), s.tensor([0.1, -0.3, 0.7]));
  });
});

describe('closed forms', () => {
  const ds = s.linearData({ weights: [2, -3.4], bias: 4.2, n: 200, noiseStd: 0.5, seed: 11 });
  const A = s.designMatrix(ds.x);
  const opts = { noiseStd: 0.5, priorStd: 1 };
  const post = s.linearRegressionPosterior(A, ds.y, opts);

  test('the learned noise scale: the Gaussian NLL is minimised at σ² = mean squared residual', () => {
    const pred = s.mul(s.sub(ds.y, 0), 0.9);
    const msr = s.mean(s.square(s.sub(ds.y, pred))).item();
    const g = (l: number) =>
      s
        .grad((ls: s.Tensor) => s.gaussianNll(pred, ds.y, ls))(s.scalar(l))
        .item();
    expect(Math.abs(g(0.5 * Math.log(msr)))).toBeLessThan(1e-13);
    expect(g(0.5 * Math.log(msr) - 0.1)).toBeLessThan(0);
    expect(g(0.5 * Math.log(msr) + 0.1)).toBeGreaterThan(0);
  });

  test('the posterior mean zeroes the gradient of the negative log-posterior', () => {
    const g = s.grad((w: s.Tensor) => s.negativeLogPosterior(w, A, ds.y, opts))(s.tensor(post.mean));
    expect(Math.hypot(...g.data)).toBeLessThan(1e-9);
    // …and it is ridge regression with penalty σ²/τ²: close to, but shrunk from, least squares.
    const ls = s.linearRegression(ds).weights;
    post.mean.forEach((m, j) => expect(Math.abs(m)).toBeLessThan(Math.abs(ls[j])));
  });

  test('minibatch scaling N/B: the mean over a partition into batches equals the full objective', () => {
    const w = s.tensor([1, 1, 1]);
    const full = s.negativeLogPosterior(w, A, ds.y, opts).item();
    let total = 0;
    for (let b = 0; b < 10; b++) {
      const idx = Array.from({ length: 20 }, (_, i) => b * 20 + i);
      const batch = s.selectRows({ ...ds, x: A }, idx);
      total += s.negativeLogPosterior(w, batch.x, batch.y, { ...opts, datasetSize: 200 }).item();
    }
    expect(Math.abs(total / 10 - full)).toBeLessThan(1e-9 * Math.abs(full));
    expect(() => s.negativeLogPosterior(w, A, ds.y, { ...opts, datasetSize: 100 })).toThrow(
      /datasetSize must be an integer at least the 200 rows/,
    );
  });

  test('the Monte Carlo negative ELBO is unbiased: it converges to the closed form E_q[nll] + KL', () => {
    const q = { mean: s.tensor([4, 2, -3]), logStd: s.tensor([-2, -2.5, -1.5]) };
    const nll = s.bayesianLinearNll(A, ds.y, { noiseStd: 0.5 });
    // E_q‖y − Aw‖² = ‖y − Aμ‖² + Σⱼ ‖A_j‖² s_j² for w ~ N(μ, diag s²).
    const r2 = s.sum(s.square(s.sub(ds.y, s.matmul(A, q.mean)))).item();
    const colSq = Array.from(s.sum(s.square(A), 0).data);
    const sd = Array.from(q.logStd.data, Math.exp);
    const expected =
      (r2 + colSq.reduce((a, c, j) => a + c * sd[j] ** 2, 0)) / (2 * 0.25) +
      200 * (0.5 * Math.log(2 * Math.PI) + Math.log(0.5)) +
      s.gaussianKl(q, 1).item();
    const rng = new s.Rng(3);
    const runs = 400;
    const values = Array.from({ length: runs }, () => s.negativeElbo(q, nll, { priorStd: 1, samples: 2, rng }).item());
    const meanV = values.reduce((a, b) => a + b, 0) / runs;
    const se = Math.sqrt(values.reduce((a, b) => a + (b - meanV) ** 2, 0) / (runs - 1) / runs);
    expect(Math.abs(meanV - expected)).toBeLessThan(4 * se);
    expect(se).toBeGreaterThan(0);
  });

  test('bad input: odd sample counts with antithetic pairs, mismatched shapes, non-positive scales', () => {
    const nll = s.bayesianLinearNll(A, ds.y, { noiseStd: 0.5 });
    const q = { mean: s.zeros([3]), logStd: s.zeros([3]) };
    expect(() => s.negativeElbo(q, nll, { priorStd: 1, samples: 3, rng: new s.Rng(1), antithetic: true })).toThrow(
      /samples must be even, got 3/,
    );
    expect(() =>
      s.negativeElbo({ mean: s.zeros([3]), logStd: s.zeros([2]) }, nll, { priorStd: 1, samples: 2, rng: new s.Rng(1) }),
    ).toThrow(/must have the same shape/);
    expect(() => s.linearRegressionPosterior(A, ds.y, { noiseStd: 0, priorStd: 1 })).toThrow(
      /noiseStd must be a positive finite number, got 0/,
    );
    expect(() => s.logisticLoss(s.zeros([3]), s.zeros([4]))).toThrow(/same shape/);
  });
});

describe('optima', () => {
  const ds = s.linearData({ weights: [2, -3.4], bias: 4.2, n: 200, noiseStd: 0.5, seed: 11 });
  const A = s.designMatrix(ds.x);
  const post = s.linearRegressionPosterior(A, ds.y, { noiseStd: 0.5, priorStd: 1 });
  const nll = s.bayesianLinearNll(A, ds.y, { noiseStd: 0.5 });
  const q0 = { mean: s.zeros([3]), logStd: s.full([3], -1) };

  test('the negative ELBO optimum (antithetic samples, L-BFGS) is the conjugate posterior mean to 1e-8', () => {
    // With pairs ε, −ε the sampling error cancels from the mean's gradient, so this is exact up to rounding.
    const f = (q: s.MeanFieldGaussian) =>
      s.negativeElbo(q, nll, { priorStd: 1, samples: 8, rng: new s.Rng(7), antithetic: true });
    const r = s.minimize(f, q0, s.lbfgs(), { steps: 300, tol: 1e-6 });
    expect(r.stopped).toBe('converged');
    expectClose(r.params.mean.data, post.mean, { rtol: 0, atol: 1e-8 });
  });

  const freshNoiseTitle =
    'plain Monte Carlo with fresh ε each step (Adam, cosine decay): the posterior mean and the mean-field scales';
  test(freshNoiseTitle, () => {
    const f = (q: s.MeanFieldGaussian, step: number) =>
      s.negativeElbo(q, nll, { priorStd: 1, samples: 8, rng: new s.Rng(1000 + step) });
    const r = s.minimize(f, q0, s.adam(s.cosine(0.05, { T: 3000 })), { steps: 3000 });
    // Posterior standard deviations are about 0.035: 0.005 is a seventh of one.
    expectClose(r.params.mean.data, post.mean, { rtol: 0, atol: 5e-3 });
    // The scales reach the mean-field optimum 1/√Λⱼⱼ (measured within 2%).
    expectClose(Array.from(r.params.logStd.data, Math.exp), post.meanFieldStd, { rtol: 0.1 });
  });

  test('logistic regression (L2 0.01) on Iris versicolor vs virginica matches scipy.optimize to 1e-7', async () => {
    const iris = await s.loadIris();
    const idx = Array.from(iris.y.data).flatMap((c, i) => (c >= 1 ? [i] : []));
    const sub = s.selectRows(iris, idx);
    const Z = s.designMatrix(s.fitStandardizer(sub.x).apply(sub.x));
    const labels = s.tensor(Array.from(sub.y.data, (c) => (c === 2 ? 1 : 0)));
    const lam = regression.logistic.lambda;
    const f = (w: s.Tensor) => s.add(s.logisticLoss(s.matmul(Z, w), labels), s.mul(0.5 * lam, s.sum(s.square(w))));
    const r = s.minimize(f, s.zeros([5]), s.lbfgs(), { steps: 500, tol: 1e-12 });
    expectClose(r.params.data, regression.logistic.weights, { rtol: 0, atol: 1e-7 });
    expect(Math.abs(f(r.params).item() - regression.logistic.value)).toBeLessThan(1e-12);
  });
});
