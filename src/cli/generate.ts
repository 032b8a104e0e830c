// `saddle generate linear --weights 2,-3.4 --bias 4.2 --n 1000 --noise 0.01 --seed 1 [--out data.csv]` and
// `saddle generate risk|empirical-risk --n 100 [--range 0.5:1.5] [--noise 0] --seed 1`: seeded synthetic
// datasets as CSV (to standard output, or written atomically), ready for saddle regress and train.
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { curveData, linearData, toCsv, CURVES, type Curve, type Dataset } from '../models/index.js';
import { UsageError } from './arguments.js';
import { writeAtomic } from './files.js';
import {
  describeRange,
  integerOption,
  numberOption,
  parseInRange,
  parseList,
  seedOption,
  type Range,
} from './options.js';

interface Flags {
  weights?: number[];
  bias: number;
  n: number;
  noise: number;
  range: [number, number];
  seed?: number;
  out?: string;
}

const KINDS = ['linear', ...Object.keys(CURVES)];
/** Rows of one file: a CSV is built as one string, and V8's strings stop near 2^29 characters. */
export const MAX_ROWS = 1_000_000;
export const MAX_FEATURES = 1000;
/** Weights, bias, noise and range this large keep every product and sum of the data below 1.8e308. */
const MAGNITUDE: Range = { min: -1e100, max: 1e100 };

function parseRange(text: string): [number, number] {
  const m = /^\s*(.+?):(.+?)\s*$/.exec(text);
  if (!m) throw new InvalidArgumentError('It must be lo:hi, e.g. 0.5:1.5.');
  const [lo, hi] = [parseInRange(m[1], MAGNITUDE), parseInRange(m[2], MAGNITUDE)];
  if (!(lo < hi)) throw new InvalidArgumentError(`Its lower end ${lo} must be below its upper end ${hi}.`);
  return [lo, hi];
}

function parseWeights(text: string): number[] {
  const weights = parseList(text, MAGNITUDE);
  if (weights.length > MAX_FEATURES) {
    throw new InvalidArgumentError(`It has ${weights.length} weights; the limit is ${MAX_FEATURES} features.`);
  }
  return weights;
}

/** Every generated cell finite, or the request is refused: a CSV of Infinity and NaN is no dataset. */
function checkFinite(ds: Dataset): void {
  for (const [what, data] of [
    ['a feature', ds.x.data],
    ['the target', ds.y.data],
  ] as const) {
    const i = data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new UsageError(
        `the generated data overflow: ${what} of row ${Math.floor(i / (data.length / ds.y.data.length)) + 1} ` +
          `is ${data[i]}; choose smaller --weights, --bias, --range or --noise`,
      );
    }
  }
}

export function generateCommand(): Command {
  return new Command('generate')
    .description("write a seeded synthetic dataset as CSV: linear data with noise, or samples of the chapter's curves")
    .addArgument(
      new Argument('<kind>', `${KINDS.join(', ')} (risk = x·cos(πx), empirical-risk = risk + 0.2·cos(5πx))`).choices(
        KINDS,
      ),
    )
    .addOption(
      new Option(
        '--weights <list>',
        `linear: the true weights, e.g. 2,-3.4 (at most ${MAX_FEATURES}, each ` + `${describeRange(MAGNITUDE)})`,
      ).argParser(parseWeights),
    )
    .addOption(numberOption('--bias <number>', 'linear: the true intercept', MAGNITUDE, 0))
    .addOption(integerOption('--n <rows>', 'rows', 1, MAX_ROWS, 1000))
    .addOption(
      numberOption(
        '--noise <std>',
        'standard deviation of the Gaussian noise on the target',
        { min: 0, max: MAGNITUDE.max },
        0.01,
      ),
    )
    .addOption(
      new Option('--range <lo:hi>', `curves: the interval x is drawn from (each end ${describeRange(MAGNITUDE)})`)
        .argParser(parseRange)
        .default([0.5, 1.5], '0.5:1.5'),
    )
    .addOption(seedOption('seed (required: the same seed gives the same file)'))
    .option('--out <file.csv>', 'write the CSV here (atomically) instead of to standard output')
    .action((kind: string, flags: Flags) => {
      const { seed, n, noise: noiseStd, range } = flags;
      if (seed === undefined)
        throw new UsageError('--seed is required: the data are random, and a seed makes them reproducible');
      let ds: Dataset;
      if (kind === 'linear') {
        if (!flags.weights) throw new UsageError('linear data need --weights, e.g. --weights 2,-3.4');
        if (n * (flags.weights.length + 1) > 10 * MAX_ROWS) {
          throw new UsageError(
            `--n ${n} rows of ${flags.weights.length + 1} columns exceed the limit of ${10 * MAX_ROWS} ` +
              'cells in one file',
          );
        }
        ds = linearData({ weights: flags.weights, bias: flags.bias, n, noiseStd, seed });
      } else {
        ds = curveData({ curve: kind as Curve, n, range, noiseStd, seed });
      }
      checkFinite(ds);
      const csv = toCsv(ds);
      if (flags.out) writeAtomic(flags.out, csv);
      else process.stdout.write(csv);
    });
}
