// `saddle train --model mlp:784-128-10 --activation relu --init he --data mnist --train 8000 --test 2000
//  --optimizer adam --lr 1e-3 --batch 128 --epochs 5 --seed 1 [--json] [--plot curves.svg] [--save params.json]`.
import { Command } from 'commander';
import { loadIris, loadMnist, mlp, parseCsv, splitDataset, trainClassifier, INITIALIZERS, type Dataset, type Initializer, type MlpParams } from '../models/index.js';
import { makeOptimizer } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Rng } from '../random/index.js';
import { VERSION } from '../version.js';
import { parseInteger as integer, UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { readText, writeAtomic } from './files.js';
import { setupNodeKernels } from './node-runtime.js';

interface Flags {
  model: string; activation: string; init: string; data: string; target?: string; train: string; test: string;
  optimizer: string; lr?: string; batch: string; epochs: string; seed: string; json?: boolean; plot?: string; save?: string;
}

const INIT_ALIASES: Record<string, Initializer> = { he: 'he-uniform', xavier: 'xavier-uniform', glorot: 'xavier-uniform', kaiming: 'he-uniform' };

async function dataset(flags: Flags): Promise<Dataset> {
  if (flags.data === 'mnist') return loadMnist();
  if (flags.data === 'iris') return loadIris();
  if (!flags.data.toLowerCase().endsWith('.csv')) throw new UsageError(`--data: '${flags.data}' is not mnist, iris or a .csv file`);
  if (!flags.target) throw new UsageError(`--data ${flags.data} needs --target <column> (the class column)`);
  const ds = parseCsv(readText(flags.data), { target: flags.target, source: flags.data });
  const classes = Math.max(...Array.from(ds.y.data)) + 1;
  if (!Array.from(ds.y.data).every((v) => Number.isInteger(v) && v >= 0)) {
    throw new UsageError(`${flags.data}: the target column '${flags.target}' must hold class indices 0, 1, 2, …`);
  }
  return { ...ds, classNames: Array.from({ length: classes }, (_, i) => String(i)) };
}

function parseModel(spec: string): number[] {
  const m = /^mlp:(\d+(?:-\d+)+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--model: '${spec}' is not mlp:<in>-<hidden>-…-<out>, e.g. mlp:784-128-10`);
  return m[1].split('-').map(Number);
}

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
    .option('--save <file.json>', 'save the trained parameters (written atomically)')
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
      if (flags.save && !flags.save.toLowerCase().endsWith('.json')) throw new UsageError(`--save: ${flags.save} should be a .json file`);
      setupNodeKernels();
      const data = await dataset(flags);
      const features = data.x.shape[1];
      const classes = data.classNames?.length ?? 0;
      if (sizes[0] !== features) throw new UsageError(`--model: the input size ${sizes[0]} does not match the data's ${features} features; use mlp:${features}-…`);
      if (sizes[sizes.length - 1] !== classes) throw new UsageError(`--model: the output size ${sizes[sizes.length - 1]} does not match the data's ${classes} classes`);
      if (nTrain + nTest > data.x.shape[0]) throw new UsageError(`--train ${nTrain} and --test ${nTest} need ${nTrain + nTest} examples; the data has ${data.x.shape[0]}`);
      const { train, test } = splitDataset(data, { train: nTrain, test: nTest, seed });
      const params = mlp(sizes, { init: init as Initializer, rng: new Rng(seed), dtype: data.x.dtype });
      const optimizer = makeOptimizer(flags.optimizer, { lr });
      const tty = !flags.json && process.stderr.isTTY;
      const result = trainClassifier(params, train, test, {
        optimizer, epochs, batchSize: batch, seed, activation: flags.activation as 'relu',
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
      if (flags.save) writeAtomic(flags.save, JSON.stringify(serialize(result.params, flags), null, 0));
      if (flags.plot) {
        const e = result.epochs.map((r) => r.epoch);
        const svg = linePlot({
          x: e, y: result.epochs.map((r) => r.trainLoss), label: 'training loss', traces: [{ x: e, y: result.epochs.map((r) => r.testLoss), label: 'test loss' }],
          yRange: 'all', title: `${flags.model}: training and test loss`, xLabel: 'epoch', yLabel: 'loss',
        });
        writeAtomic(flags.plot, encodeFigure(svg, plotFormat));
      }
      if (flags.json) {
        const settings = { activation: flags.activation, init, data: flags.data, train: nTrain, test: nTest, optimizer: optimizer.name, lr: optimizer.learningRate(1), batch, epochs, seed };
        process.stdout.write(`${JSON.stringify({ model: flags.model, settings, epochs: result.epochs, final: result.epochs.at(-1), version: VERSION }, null, 2)}\n`);
      }
    });
}

function serialize(params: MlpParams, flags: Flags) {
  return {
    model: flags.model, activation: flags.activation, version: VERSION,
    layers: params.layers.map((l) => ({ w: { shape: l.w.shape, dtype: l.w.dtype, data: Array.from(l.w.data) }, b: { shape: l.b.shape, dtype: l.b.dtype, data: Array.from(l.b.data) } })),
  };
}
