// `saddle train --model mlp:784-128-10 --activation relu --init he --data mnist --train 8000 --test 2000
//  --optimizer adam --lr 1e-3 --batch 128 --epochs 5 --seed 1 [--json] [--plot curves.svg] [--save p.safetensors]
//  [--track-sharpness K]`.
import { Command } from 'commander';
import { crossEntropyLoss, sharpnessTracker, stabilityThreshold } from '../curvature/index.js';
import { sharpnessFigure } from '../experiments/index.js';
import { mlp, splitDataset, trainClassifier, INITIALIZERS, type Activation, type Initializer } from '../models/index.js';
import { makeOptimizer } from '../optim/index.js';
import { linePlot, stackFigures } from '../plot/index.js';
import { Rng } from '../random/index.js';
import { VERSION } from '../version.js';
import { parseInteger as integer, UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { loadData, parseModel } from './datasets.js';
import { writeAtomic } from './files.js';
import { setupNodeKernels } from './node-runtime.js';
import { paramsFormat, writeParams } from './params.js';

interface Flags {
  model: string; activation: string; init: string; data: string; target?: string; train: string; test: string;
  optimizer: string; lr?: string; batch: string; epochs: string; seed: string; json?: boolean; plot?: string; save?: string;
  trackSharpness?: string; sharpnessExamples?: string;
}

const INIT_ALIASES: Record<string, Initializer> = { he: 'he-uniform', xavier: 'xavier-uniform', glorot: 'xavier-uniform', kaiming: 'he-uniform' };

export function trainCommand(): Command {
  return new Command('train')
    .description('train an MLP classifier on MNIST, Iris or a CSV file, reporting train and test metrics per epoch')
    .requiredOption('--model <spec>', 'mlp:<in>-<hidden>-…-<out>, e.g. mlp:784-128-10')
    .option('--activation <name>', 'relu, tanh or sigmoid', 'relu')
    .option('--init <name>', `he, xavier, ${INITIALIZERS.join(', ')}`, 'he')
    .option('--data <name>', 'mnist, iris, or a .csv file with --target', 'mnist')
    .option('--target <column>', 'the class column of a CSV file')
    .option('--train <n>', 'training examples', '8000')
    .option('--test <n>', 'held-out test examples', '2000')
    .option('--optimizer <name>', 'any optimizer of saddle optimize', 'adam')
    .option('--lr <number>', 'learning rate (default: the optimizer\'s torch.optim default)')
    .option('--batch <n>', 'minibatch size', '128')
    .option('--epochs <n>', 'epochs', '5')
    .option('--seed <n>', 'seed for the split, the initialisation and the minibatches', '1')
    .option('--plot <file>', 'loss curves (.svg or .png)')
    .option('--save <file>', 'save the trained parameters: .safetensors (PyTorch nn.Sequential names) or .json')
    .option('--track-sharpness <K>', 'every K steps, the top Hessian eigenvalue of the training loss on a fixed subset, beside 2/η')
    .option('--sharpness-examples <n>', 'training examples in that fixed subset (default: up to 1000)')
    .option('--json', 'print one JSON document')
    .action(async (flags: Flags) => {
      const sizes = parseModel(flags.model);
      const init = INIT_ALIASES[flags.init] ?? flags.init;
      if (!(INITIALIZERS as readonly string[]).includes(init)) throw new UsageError(`--init: '${flags.init}' is not he, xavier, ${INITIALIZERS.join(', ')}`);
      if (!['relu', 'tanh', 'sigmoid'].includes(flags.activation)) throw new UsageError(`--activation: '${flags.activation}' is not relu, tanh or sigmoid`);
      const [nTrain, nTest, batch, epochs] = [integer('--train', flags.train), integer('--test', flags.test, 0), integer('--batch', flags.batch), integer('--epochs', flags.epochs)];
      const seed = integer('--seed', flags.seed, 0);
      const lr = flags.lr === undefined ? undefined : Number(flags.lr);
      if (lr !== undefined && !(lr > 0)) throw new UsageError(`--lr: '${flags.lr}' is not a positive number`);
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      if (flags.save) paramsFormat(flags.save, '--save');
      const every = flags.trackSharpness === undefined ? undefined : integer('--track-sharpness', flags.trackSharpness);
      const subset = flags.sharpnessExamples === undefined ? Math.min(1000, nTrain) : integer('--sharpness-examples', flags.sharpnessExamples);
      if (subset > nTrain) throw new UsageError(`--sharpness-examples ${subset}: there are only ${nTrain} training examples`);
      setupNodeKernels();
      const data = await loadData(flags, { classes: true });
      const features = data.x.shape[1];
      const classes = data.classNames?.length ?? 0;
      if (sizes[0] !== features) throw new UsageError(`--model: the input size ${sizes[0]} does not match the data's ${features} features; use mlp:${features}-…`);
      if (sizes[sizes.length - 1] !== classes) throw new UsageError(`--model: the output size ${sizes[sizes.length - 1]} does not match the data's ${classes} classes`);
      if (nTrain + nTest > data.x.shape[0]) throw new UsageError(`--train ${nTrain} and --test ${nTest} need ${nTrain + nTest} examples; the data has ${data.x.shape[0]}`);
      const { train, test } = splitDataset(data, { train: nTrain, test: nTest, seed });
      const params = mlp(sizes, { init: init as Initializer, rng: new Rng(seed), dtype: data.x.dtype });
      const optimizer = makeOptimizer(flags.optimizer, { lr });
      const tty = !flags.json && process.stderr.isTTY;
      const activation = flags.activation as Activation;
      const tracker = every === undefined ? undefined : sharpnessTracker({
        loss: crossEntropyLoss({ activation }), data: train, every, examples: subset, seed, dtype: data.x.dtype,
      });
      tracker?.at(0, params);
      const result = trainClassifier(params, train, test, {
        optimizer, epochs, batchSize: batch, seed, activation, onStep: tracker?.onStep,
        onBatch: (b, per) => {
          if (tty) {
            const width = 30;
            const done = Math.round(((b + 1) / per) * width);
            process.stderr.write(`\r  [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${b + 1}/${per}`);
          }
        },
        onEpoch: (r) => {
          if (tty) process.stderr.write('\r\x1b[K');
          if (!flags.json) {
            process.stdout.write(`epoch ${r.epoch}/${epochs}: train loss ${r.trainLoss.toFixed(4)}, accuracy ${(100 * r.trainAccuracy).toFixed(2)}%   test loss ${r.testLoss.toFixed(4)}, accuracy ${(100 * r.testAccuracy).toFixed(2)}%   (${r.seconds.toFixed(2)} s)\n`);
          }
        },
      });
      if (flags.save) writeParams(flags.save, result.params, { model: flags.model, activation: flags.activation });
      // 2/η is the threshold of plain gradient descent; adaptive optimisers have none on the raw Hessian.
      const twoOverEta = stabilityThreshold(optimizer.name, optimizer.learningRate(1));
      if (flags.plot) {
        const e = result.epochs.map((r) => r.epoch);
        const svg = linePlot({
          x: e, y: result.epochs.map((r) => r.trainLoss), label: 'training loss', traces: [{ x: e, y: result.epochs.map((r) => r.testLoss), label: 'test loss' }],
          yRange: 'all', title: `${flags.model}: training and test loss`, xLabel: 'epoch', yLabel: 'loss',
        });
        const threshold = twoOverEta ?? undefined;
        const figure = tracker ? stackFigures([svg, sharpnessFigure(tracker.points, threshold ?? NaN, {
          title: `Sharpness on ${subset} training examples${threshold === undefined ? ` (${optimizer.name}: 2/η is GD's threshold, not drawn)` : ''}`,
        })]) : svg;
        writeAtomic(flags.plot, encodeFigure(figure, plotFormat));
      }
      if (tracker && !flags.json) {
        const last = tracker.points.at(-1)!;
        process.stdout.write(`sharpness (λ_max on ${subset} training examples) ${tracker.points[0].value.toPrecision(4)} at step 0, ${last.value.toPrecision(4)} at step ${last.step}${twoOverEta === null ? '' : `; 2/η = ${twoOverEta.toPrecision(4)}`}\n`);
      }
      if (flags.json) {
        const settings = { activation: flags.activation, init, data: flags.data, train: nTrain, test: nTest, optimizer: optimizer.name, lr: optimizer.learningRate(1), batch, epochs, seed };
        const sharpness = tracker ? {
          every, examples: subset, loss: 'mean softmax cross-entropy over the subset', twoOverEta: 2 / optimizer.learningRate(1), threshold: twoOverEta,
          points: tracker.points,
        } : undefined;
        process.stdout.write(`${JSON.stringify({ model: flags.model, settings, epochs: result.epochs, final: result.epochs.at(-1), ...(sharpness ? { sharpness } : {}), version: VERSION }, null, 2)}\n`);
      }
    });
}
