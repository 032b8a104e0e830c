// Models trained with optimisers (spans models/ and optim/).
import { describe, expect, test } from 'vitest';
import * as s from '../src/index.js';
import type { MlpParams } from '../src/index.js';

describe('training', () => {
  test('an MLP trained with Adam classifies Iris above 90% on held-out flowers', async () => {
    const iris = await s.loadIris();
    const { train, test: held } = s.splitDataset(iris, { train: 100, seed: 3 });
    const st = s.fitStandardizer(train.x);
    const xTrain = st.apply(train.x);
    const xTest = st.apply(held.x);
    const params = s.mlp([4, 16, 3], { init: 'he-uniform', rng: new s.Rng(5) });
    const r = s.minimize((p: MlpParams) => s.classificationLoss(s.forward(p, xTrain), train.y), params, s.adam(0.01), { steps: 300 });
    expect(s.accuracy(s.forward(r.params, xTest), held.y)).toBeGreaterThan(0.9);
    expect(r.trajectory.at(-1)!.value).toBeLessThan(r.trajectory[0].value / 5);
  });
});

describe('MNIST (the issue’s acceptance setup)', () => {
  test('784-128-10, ReLU, He init, Adam 1e-3, batch 128, 5 epochs on 8,000 digits: at least 91% on 2,000 held out', async () => {
    const data = await s.loadMnist();
    const { train, test: held } = s.splitDataset(data, { train: 8000, test: 2000, seed: 1 });
    const params = s.mlp([784, 128, 10], { init: 'he-uniform', rng: new s.Rng(1), dtype: 'float32' });
    const { epochs } = s.trainClassifier(params, train, held, { optimizer: s.adam(1e-3), epochs: 5, batchSize: 128, seed: 1 });
    expect(epochs).toHaveLength(5);
    expect(epochs[4].testAccuracy).toBeGreaterThanOrEqual(0.91);
    // Training error keeps falling; the test accuracy trails the training accuracy.
    for (let e = 1; e < 5; e++) expect(epochs[e].trainLoss).toBeLessThan(epochs[e - 1].trainLoss);
    expect(epochs[4].trainAccuracy).toBeGreaterThan(epochs[4].testAccuracy);
  }, 120_000);
});

describe('analytic against numerical linear regression', () => {
  test('gradient descent on standardised Iris features reaches the analytic (normal-equation) solution', async () => {
    const { readFileSync } = await import('node:fs');
    const ds = s.parseCsv(readFileSync(new URL('../fixtures/iris.csv', import.meta.url), 'utf8'), { target: 'petal_width' });
    const analytic = s.linearRegression(ds);
    const st = s.fitStandardizer(ds.x);
    const design = s.designMatrix(st.apply(ds.x));
    const r = s.minimize((w: s.Tensor) => s.regressionLoss(w, design, ds.y), s.zeros([5]), s.sgd(0.1), { steps: 3000 });
    const fitted = s.unstandardizeWeights(Array.from(r.params.data), st.mean, st.std);
    fitted.forEach((w, j) => expect(Math.abs(w - analytic.weights[j])).toBeLessThan(1e-8 * Math.max(1, Math.abs(analytic.weights[j]))));
  });
});
