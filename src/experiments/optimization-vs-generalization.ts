// Experiment 15: optimisation minimises the training error; deep learning cares about the
// generalisation error. An over-parameterised MLP on a few real MNIST digits: its training loss
// keeps falling while its test loss turns up.
import { loadMnist, mlp, splitDataset, trainClassifier } from '../models/index.js';
import { minOf } from '../linalg/vectors.js';
import { adam } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Rng } from '../random/index.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  train: number;
  epochs: { epoch: number; trainLoss: number; testLoss: number; trainAccuracy: number; testAccuracy: number }[];
};

export const optimizationVsGeneralization: Experiment<Numbers> = {
  id: 'optimization-vs-generalization',
  title: 'Optimisation is not generalisation: training error falls while test error turns up',
  claim:
    'The goal of optimisation is to reduce the training error; the goal of deep learning is to reduce the ' +
    'generalisation error. Beyond some point, further reducing the training error increases the test error ' +
    '(overfitting).',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.1 (Goal of Optimization), figure of risk and empirical risk; ' +
    '§3.6 (generalisation)',
  run: async (config) => {
    const data = await loadMnist({ dtype: 'float32' });
    const nTrain = config.quick ? 300 : 1000;
    const { train, test } = splitDataset(data, { train: nTrain, test: 2000, seed: 2 });
    const epochs = config.quick ? 40 : 100;
    const params = mlp([784, 256, 10], { init: 'he-uniform', rng: new Rng(3), dtype: 'float32' });
    const r = trainClassifier(params, train, test, {
      optimizer: adam(1e-3),
      epochs,
      batchSize: 32,
      seed: 3,
      onEpoch: (e) => config.onProgress?.(e.epoch / epochs, `epoch ${e.epoch} of ${epochs}`),
    });
    const rows = r.epochs.map(({ epoch, trainLoss, testLoss, trainAccuracy, testAccuracy }) => ({
      epoch,
      trainLoss,
      testLoss,
      trainAccuracy,
      testAccuracy,
    }));
    const ep = rows.map((e) => e.epoch);
    return {
      numbers: { train: nTrain, epochs: rows },
      settings: {
        model: 'mlp:784-256-10 relu, He init',
        train: nTrain,
        test: 2000,
        optimizer: 'Adam 1e-3',
        batch: 32,
        epochs,
      },
      figures: [
        {
          name: 'curves',
          caption: `Training and test loss per epoch: ${nTrain} training digits, 2,000 held out`,
          svg: linePlot({
            x: ep,
            y: rows.map((e) => e.trainLoss),
            label: 'training loss',
            traces: [{ x: ep, y: rows.map((e) => e.testLoss), label: 'test loss', markers: false }],
            yRange: 'all',
            title: 'Training error keeps falling; test error turns up',
            xLabel: 'epoch',
            yLabel: 'cross-entropy',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const e = n.epochs;
    const best = e.reduce((a, b) => (b.testLoss < a.testLoss ? b : a));
    const last = e.at(-1)!;
    c.expect(
      last.trainLoss < 0.05 * e[0].trainLoss,
      `the training loss falls from ${e[0].trainLoss.toFixed(3)} to ${last.trainLoss.toExponential(2)}`,
    );
    c.expect(
      last.trainLoss <= minOf(e.slice(0, -1).map((x) => x.trainLoss)) * 1.5,
      'and is still at its lowest at the end',
    );
    c.expect(
      best.epoch <= last.epoch / 2 && last.testLoss > 1.05 * best.testLoss,
      `the test loss is lowest at epoch ${best.epoch} of ${last.epoch} (${best.testLoss.toFixed(3)}) and ends ` +
        `${(100 * (last.testLoss / best.testLoss - 1)).toFixed(0)}% higher (${last.testLoss.toFixed(3)}): it turned up`,
    );
    c.note(
      `test accuracy ${(100 * best.testAccuracy).toFixed(1)}% at epoch ${best.epoch}, ` +
        `${(100 * last.testAccuracy).toFixed(1)}% at the end; training accuracy ` +
        `${(100 * last.trainAccuracy).toFixed(1)}%`,
    );
    return c.verdict();
  },
};
