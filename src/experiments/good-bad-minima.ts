// Experiment 14: many seeds of the same MLP on real MNIST digits: the training runs end at
// different points (different losses, different parameters), yet all of similar quality.
import { maxOf, minOf } from '../linalg/vectors.js';
import { classificationLoss, forward, loadMnist, mlp, splitDataset, trainClassifier } from '../models/index.js';
import { adam } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Rng } from '../random/index.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  seeds: number;
  initialLoss: number;
  runs: { seed: number; trainLoss: number; testLoss: number; testAccuracy: number }[];
  minPairDistance: number;
};

export const goodBadMinima: Experiment<Numbers> = {
  id: 'good-bad-minima',
  title: 'Many seeds, many minima: how good are the minima training finds?',
  claim:
    'The objective function of a deep learning model usually has many local optima, and training from different ' +
    'initialisations ends at different ones. Finding a local rather than the global minimum is usually not a ' +
    'problem: the solutions reached are of similar quality.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.1 (Local Minima); Choromanska et al., arXiv 1412.0233 (2015); ' +
    'Goodfellow, Vinyals & Saxe, arXiv 1412.6544',
  run: async (config) => {
    const data = await loadMnist({ dtype: 'float32' });
    const { train, test } = splitDataset(data, { train: config.quick ? 1000 : 4000, test: 2000, seed: 1 });
    const seeds = config.quick ? 4 : 16;
    const epochs = config.quick ? 15 : 20;
    const sizes = [784, 32, 10];
    const finals: Float32Array[] = [];
    let initialLoss = 0;
    const runs = Array.from({ length: seeds }, (_, k) => {
      config.onProgress?.(k / seeds, `seed ${k + 1} of ${seeds}`);
      const params = mlp(sizes, { init: 'he-uniform', rng: new Rng(100 + k), dtype: 'float32' });
      if (k === 0) initialLoss = classificationLoss(forward(params, train.x), train.y).item();
      const r = trainClassifier(params, train, test, { optimizer: adam(1e-3), epochs, batchSize: 64, seed: 100 + k });
      finals.push(Float32Array.from(r.params.layers.flatMap((l) => [...l.w.data, ...l.b.data])));
      const last = r.epochs.at(-1)!;
      return { seed: 100 + k, trainLoss: last.trainLoss, testLoss: last.testLoss, testAccuracy: last.testAccuracy };
    });
    let minPairDistance = Infinity;
    for (let i = 0; i < finals.length; i++)
      for (let j = i + 1; j < finals.length; j++) {
        let s = 0;
        for (let k = 0; k < finals[i].length; k++) s += (finals[i][k] - finals[j][k]) ** 2;
        minPairDistance = Math.min(minPairDistance, Math.sqrt(s));
      }
    return {
      numbers: { seeds, initialLoss, runs, minPairDistance },
      settings: {
        model: 'mlp:784-32-10 relu, He init',
        data: `${train.x.shape[0]} MNIST training digits, 2000 held out`,
        optimizer: 'Adam 1e-3',
        batch: 64,
        epochs,
        seeds: runs.map((r) => r.seed),
      },
      figures: [
        {
          name: 'minima',
          caption: `Final training loss against held-out accuracy for ${seeds} seeds`,
          svg: linePlot({
            x: [],
            y: [],
            traces: [
              {
                x: runs.map((r) => r.trainLoss),
                y: runs.map((r) => 100 * r.testAccuracy),
                line: false,
                label: 'one seed',
              },
            ],
            yRange: 'all',
            title: 'Where different seeds end',
            xLabel: 'final training loss',
            yLabel: 'test accuracy (%)',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const losses = n.runs.map((r) => r.trainLoss);
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    const sd = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / (losses.length - 1));
    const accs = n.runs.map((r) => 100 * r.testAccuracy);
    c.expect(
      n.minPairDistance > 1,
      `every seed ends somewhere else: the closest two final parameter vectors are ${n.minPairDistance.toFixed(2)} ` +
        `apart`,
    );
    c.expect(
      new Set(losses.map((l) => l.toPrecision(6))).size === losses.length,
      'and at a different training loss (no two equal to 6 digits)',
    );
    c.expect(
      maxOf(losses) < 0.2 * n.initialLoss,
      `all reach a low training loss: ${minOf(losses).toFixed(4)}–${maxOf(losses).toFixed(4)} from ` +
        `${n.initialLoss.toFixed(3)} at initialisation`,
    );
    c.expect(
      sd / mean < 0.25,
      `of similar quality: the spread of final training losses is ${((100 * sd) / mean).toFixed(1)}% of their mean`,
    );
    c.expect(
      maxOf(accs) - minOf(accs) < 3,
      `held-out accuracy ${minOf(accs).toFixed(2)}–${maxOf(accs).toFixed(2)}%: within 3 points`,
    );
    return c.verdict([
      `training stops after a fixed budget, not at exact minima: these are where the runs end, and the losses are ` +
        `training losses of ${n.runs.length} seeds`,
    ]);
  },
};
