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
