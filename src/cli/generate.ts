// `saddle generate linear --weights 2,-3.4 --bias 4.2 --n 1000 --noise 0.01 --seed 1 [--out data.csv]` and
// `saddle generate risk|empirical-risk --n 100 [--range 0.5:1.5] [--noise 0] --seed 1`: seeded synthetic
// datasets as CSV (to standard output, or written atomically), ready for saddle regress and train.
import { Command } from 'commander';
import { curveData, linearData, toCsv, CURVES, type Curve, type Dataset } from '../models/index.js';
import { parseInteger, parseNumber, UsageError } from './arguments.js';
import { writeAtomic } from './files.js';

interface Flags { weights?: string; bias: string; n: string; noise: string; range: string; seed?: string; out?: string }

const KINDS = ['linear', ...Object.keys(CURVES)];

export function generateCommand(): Command {
  return new Command('generate')
    .description('write a seeded synthetic dataset as CSV: linear data with noise, or samples of the chapter\'s curves')
    .argument('<kind>', `${KINDS.join(', ')} (risk = x·cos(πx), empirical-risk = risk + 0.2·cos(5πx))`)
    .option('--weights <list>', 'linear: the true weights, e.g. 2,-3.4')
    .option('--bias <number>', 'linear: the true intercept', '0')
    .option('--n <rows>', 'rows', '1000')
    .option('--noise <std>', 'standard deviation of the Gaussian noise on the target', '0.01')
    .option('--range <lo:hi>', 'curves: the interval x is drawn from', '0.5:1.5')
    .option('--seed <n>', 'seed (required: the same seed gives the same file)')
    .option('--out <file.csv>', 'write the CSV here (atomically) instead of to standard output')
    .action((kind: string, flags: Flags) => {
      if (!KINDS.includes(kind)) throw new UsageError(`'${kind}' is not a dataset kind; use ${KINDS.join(', ')}`);
      if (flags.seed === undefined) throw new UsageError('--seed is required: the data are random, and a seed makes them reproducible');
      const seed = parseInteger('--seed', flags.seed, 0);
      const n = parseInteger('--n', flags.n);
      const noiseStd = parseNumber('--noise', flags.noise, (v) => v >= 0, 'a number ≥ 0')!;
      let ds: Dataset;
      if (kind === 'linear') {
        if (!flags.weights) throw new UsageError('linear data need --weights, e.g. --weights 2,-3.4');
        const weights = flags.weights.split(',').map((w) => parseNumber('--weights', w)!);
        ds = linearData({ weights, bias: parseNumber('--bias', flags.bias)!, n, noiseStd, seed });
      } else {
        const m = /^\s*([^:]+):([^:]+)\s*$/.exec(flags.range);
        if (!m) throw new UsageError(`--range: '${flags.range}' is not lo:hi, e.g. 0.5:1.5`);
        const range: [number, number] = [parseNumber('--range', m[1])!, parseNumber('--range', m[2])!];
        ds = curveData({ curve: kind as Curve, n, range, noiseStd, seed });
      }
      const csv = toCsv(ds);
      if (flags.out) writeAtomic(flags.out, csv);
      else process.stdout.write(csv);
    });
}
