// `saddle train --model mlp:784-128-10 --activation relu --init he --data mnist --train 8000 --test 2000
//  --optimizer adam --lr 1e-3 --batch 128 --epochs 5 --seed 1 [--json] [--plot curves.svg] [--save p.safetensors]
//  [--track-sharpness K]`.
import { Command, InvalidArgumentError, Option } from 'commander';
import { crossEntropyLoss, sharpnessTracker, stabilityThreshold } from '../curvature/index.js';
import { sharpnessFigure } from '../experiments/index.js';
import { fromData } from '../core/index.js';
import {
  mlp,
  splitDataset,
  trainClassifier,
  type Activation,
  type Initializer,
  type MlpParams,
} from '../models/index.js';
import { FIRST_ORDER_OPTIMIZERS, makeOptimizer, OPTIMIZER_NAMES } from '../optim/index.js';
import { linePlot, stackFigures } from '../plot/index.js';
import { Rng } from '../random/index.js';
import { UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { loadData } from './datasets.js';
import { writeAtomic } from './files.js';
import { setupNodeKernels } from './node-runtime.js';
import {
  activationOption,
  dataOptions,
  initOption,
  integerOption,
  jsonOption,
  MAX_EPOCHS,
  MAX_EXAMPLES,
  modelOption,
  numberOption,
  seedOption,
  withOptions,
} from './options.js';
import { paramsFormat, trajectoryPath, writeParams, writeTrajectory } from './params.js';
import { printResult } from './output.js';
import { progressBar } from './progress.js';

interface Flags {
  model: number[];
  activation: Activation;
  init: Initializer;
  data: string;
  target?: string;
  standardize?: boolean;
  train: number;
  test: number;
  optimizer: string;
  lr?: number;
  batch: number;
  epochs: number;
  seed: number;
  json?: boolean;
  plot?: string;
  save?: string;
  trackSharpness?: number;
  sharpnessExamples?: number;
  checkpoints?: number;
}

/** Training passes minibatch gradients only; the second-order methods need the objective itself. */
export function parseTrainOptimizer(name: string): string {
  if (FIRST_ORDER_OPTIMIZERS.includes(name as never)) return name;
  const which = `train supports ${FIRST_ORDER_OPTIMIZERS.join(', ')}`;
  if ((OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(
      `${name} needs the objective itself (its Hessian, or a line search on it), and ` +
        `training gives an optimiser only minibatch gradients: ${which}. ` +
        `saddle optimize runs ${name} on an expression.`,
    );
  }
  throw new InvalidArgumentError(`It is not an optimiser; ${which}.`);
}

export function trainCommand(): Command {
  const command = new Command('train')
    .description('train an MLP classifier on MNIST, Iris or a CSV file, reporting train and test metrics per epoch')
    .addOption(modelOption('mlp:<in>-<hidden>-…-<out>, e.g. mlp:784-128-10').makeOptionMandatory())
    .addOption(activationOption('activation between layers', 'relu'))
    .addOption(initOption('initialiser', 'he'));
  return withOptions(command, dataOptions('class'))
    .addOption(integerOption('--train <n>', 'training examples', 1, MAX_EXAMPLES, 8000))
    .addOption(
      integerOption('--test <n>', 'held-out test examples (the test metrics are over them)', 1, MAX_EXAMPLES, 2000),
    )
    .addOption(
      new Option('--optimizer <name>', `a first-order optimiser: ${FIRST_ORDER_OPTIMIZERS.join(', ')}`)
        .argParser(parseTrainOptimizer)
        .default('adam'),
    )
    .addOption(
      numberOption('--lr <number>', "learning rate (default: the optimizer's torch.optim default)", {
        min: 0,
        max: 1e6,
        open: 'min',
      }),
    )
    .addOption(integerOption('--batch <n>', 'minibatch size', 1, MAX_EXAMPLES, 128))
    .addOption(integerOption('--epochs <n>', 'epochs', 1, MAX_EPOCHS, 5))
    .addOption(seedOption('seed for the split, the initialisation and the minibatches', 1))
    .option('--plot <file>', 'loss curves (.svg or .png)')
    .option('--save <file>', 'save the trained parameters: .safetensors (PyTorch nn.Sequential names) or .json')
    .addOption(
      integerOption(
        '--track-sharpness <K>',
        'every K steps, the top Hessian eigenvalue of the training loss on a fixed subset, beside 2/η',
        1,
        1e9,
      ),
    )
    .addOption(
      integerOption(
        '--sharpness-examples <n>',
        'training examples in that fixed subset (default: up to 1000)',
        1,
        MAX_EXAMPLES,
      ),
    )
    .addOption(
      integerOption(
        '--checkpoints <N>',
        'with --save p.safetensors: also write N + 1 evenly spaced parameter sets (step 0 to the last) to ' +
          'p.trajectory.safetensors, for saddle landscape --mode pca',
        2,
        10_000,
      ),
    )
    .addOption(jsonOption())
    .action(async (flags: Flags) => {
      const { model: sizes, init, activation, train: nTrain, test: nTest, batch, epochs, seed, lr } = flags;
      const model = `mlp:${sizes.join('-')}`;
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      if (flags.save) paramsFormat(flags.save, '--save');
      if (flags.checkpoints !== undefined && !flags.save)
        throw new UsageError('--checkpoints writes its file beside --save <file>; give --save');
      const every = flags.trackSharpness;
      const subset = flags.sharpnessExamples ?? Math.min(1000, nTrain);
      if (subset > nTrain)
        throw new UsageError(`--sharpness-examples ${subset}: there are only ${nTrain} training examples`);
      setupNodeKernels();
      const data = await loadData(flags, { classes: true });
      const features = data.x.shape[1];
      const classes = data.classNames?.length ?? 0;
      if (sizes[0] !== features)
        throw new UsageError(
          `--model: the input size ${sizes[0]} does not match the data's ${features} features; use mlp:${features}-…`,
        );
      if (sizes[sizes.length - 1] !== classes)
        throw new UsageError(
          `--model: the output size ${sizes[sizes.length - 1]} does not match the data's ${classes} classes`,
        );
      if (nTrain + nTest > data.x.shape[0])
        throw new UsageError(
          `--train ${nTrain} and --test ${nTest} need ${nTrain + nTest} examples; the data has ${data.x.shape[0]}`,
        );
      const { train, test } = splitDataset(data, { train: nTrain, test: nTest, seed });
      const params = mlp(sizes, { init, rng: new Rng(seed), dtype: data.x.dtype });
      const optimizer = makeOptimizer(flags.optimizer, { lr });
      const bar = progressBar({ json: flags.json });
      const tracker =
        every === undefined
          ? undefined
          : sharpnessTracker({
              loss: crossEntropyLoss({ activation }),
              data: train,
              every,
              examples: subset,
              seed,
              dtype: data.x.dtype,
            });
      tracker?.at(0, params);
      const steps = epochs * Math.ceil(nTrain / batch);
      const trajectory = flags.checkpoints === undefined ? undefined : checkpointSteps(steps, flags.checkpoints);
      const kept: MlpParams[] = [];
      const keep = (p: MlpParams) =>
        kept.push({
          layers: p.layers.map((l) => ({
            w: fromData(l.w.data.slice(), l.w.shape),
            b: fromData(l.b.data.slice(), l.b.shape),
          })),
        });
      if (trajectory) keep(params);
      const onStep =
        tracker || trajectory
          ? (step: number, p: MlpParams) => {
              tracker?.onStep(step, p);
              if (trajectory?.includes(step)) keep(p);
            }
          : undefined;
      const result = trainClassifier(params, train, test, {
        optimizer,
        epochs,
        batchSize: batch,
        seed,
        activation,
        onStep,
        onBatch: (b, per) => bar.update(b + 1, per, `${b + 1}/${per}`),
        onEpoch: (r) => {
          bar.clear();
          if (!flags.json) {
            const percent = (v: number) => `${(100 * v).toFixed(2)}%`;
            process.stdout.write(
              `epoch ${r.epoch}/${epochs}: train loss ${r.trainLoss.toFixed(4)}, accuracy ` +
                `${percent(r.trainAccuracy)}   test loss ${r.testLoss.toFixed(4)}, ` +
                `accuracy ${percent(r.testAccuracy)}   (${r.seconds.toFixed(2)} s)\n`,
            );
          }
        },
      });
      if (flags.save) writeParams(flags.save, result.params, { model, activation });
      if (flags.save && trajectory)
        writeTrajectory(
          trajectoryPath(flags.save),
          { steps: trajectory.slice(0, kept.length), checkpoints: kept },
          { model, activation },
        );
      // 2/η is the threshold of plain gradient descent; adaptive optimisers have none on the raw Hessian.
      const twoOverEta = stabilityThreshold(optimizer.name, optimizer.learningRate(1));
      if (flags.plot) {
        const e = result.epochs.map((r) => r.epoch);
        const svg = linePlot({
          x: e,
          y: result.epochs.map((r) => r.trainLoss),
          label: 'training loss',
          traces: [{ x: e, y: result.epochs.map((r) => r.testLoss), label: 'test loss' }],
          yRange: 'all',
          title: `${model}: training and test loss`,
          xLabel: 'epoch',
          yLabel: 'loss',
        });
        const threshold = twoOverEta ?? undefined;
        const figure = tracker
          ? stackFigures([
              svg,
              sharpnessFigure(tracker.points, threshold ?? NaN, {
                title:
                  `Sharpness on ${subset} training examples` +
                  (threshold === undefined ? ` (${optimizer.name}: 2/η is GD's threshold, not drawn)` : ''),
              }),
            ])
          : svg;
        writeAtomic(flags.plot, encodeFigure(figure, plotFormat));
      }
      const lrAt1 = optimizer.learningRate(1);
      printResult(
        flags.json,
        () => {
          const settings = {
            activation,
            init,
            data: flags.data,
            train: nTrain,
            test: nTest,
            optimizer: optimizer.name,
            lr: lrAt1,
            batch,
            epochs,
            seed,
          };
          const sharpness = tracker
            ? {
                every,
                examples: subset,
                loss: 'mean softmax cross-entropy over the subset',
                twoOverEta: 2 / lrAt1,
                threshold: twoOverEta,
                points: tracker.points,
              }
            : undefined;
          return {
            model,
            settings,
            epochs: result.epochs,
            final: result.epochs.at(-1),
            ...(sharpness ? { sharpness } : {}),
          };
        },
        () => {
          if (!tracker) return '';
          const [first, last] = [tracker.points[0], tracker.points.at(-1)!];
          return (
            `sharpness (λ_max on ${subset} training examples) ${first.value.toPrecision(4)} at step 0, ` +
            `${last.value.toPrecision(4)} at step ${last.step}` +
            (twoOverEta === null ? '' : `; 2/η = ${twoOverEta.toPrecision(4)}`)
          );
        },
      );
    });
}

/** N + 1 evenly spaced steps from 0 to the last of `steps` (fewer when there are fewer steps). */
export function checkpointSteps(steps: number, n: number): number[] {
  return [...new Set(Array.from({ length: n + 1 }, (_, k) => Math.round((k * steps) / n)))];
}
