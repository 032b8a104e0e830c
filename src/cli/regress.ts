// `saddle regress data.csv --target y [--method analytic|qr|gd|sgd|adam] [--json] [--plot f.svg]`: linear
// regression with an intercept, solved analytically (normal equations, or SVD least squares) or
// numerically by an optimiser, which is then compared with the analytic solution step by step.
import { Command } from 'commander';
import {
  fitLinearRegression,
  linearRegression,
  parseCsv,
  regressionSmoothness,
  type RegressionResult,
} from '../models/index.js';
import { makeOptimizer } from '../optim/index.js';
import { regressionFigure } from '../experiments/index.js';
import { UsageError } from './arguments.js';
import {
  choiceOption,
  integerOption,
  jsonOption,
  MAX_EXAMPLES,
  MAX_STEPS,
  numberOption,
  seedOption,
} from './options.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { readText, writeAtomic } from './files.js';
import { formatNumber as fmt } from './format.js';
import { printResult } from './output.js';

interface Flags {
  target: string;
  method: Method;
  lr?: number;
  schedule?: string;
  steps: number;
  batch?: number;
  seed: number;
  tol: number;
  json?: boolean;
  plot?: string;
}

const METHODS = ['analytic', 'qr', 'gd', 'sgd', 'adam'] as const;
type Method = (typeof METHODS)[number];
/** A table cell: 12 significant digits, small values in exponent form, right-aligned. */
const cell = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(4) : fmt(v)).padStart(22);

function table(r: RegressionResult, reference?: RegressionResult): string {
  const names = ['(intercept)', ...Object.keys(r.coefficients)];
  const width = names.reduce((w, n) => Math.max(w, n.length), 0) + 2;
  const rows = names.map((n, j) => {
    const cols = [cell(r.weights[j])];
    if (reference) cols.push(cell(reference.weights[j]), cell(r.weights[j] - reference.weights[j]));
    return `  ${n.padEnd(width)}${cols.join('')}`;
  });
  const head = reference
    ? `  ${''.padEnd(width)}${['numerical', 'analytic', 'difference'].map((h) => h.padStart(22)).join('')}`
    : undefined;
  return [...(head ? [head] : []), ...rows].join('\n');
}

export function regressCommand(): Command {
  return new Command('regress')
    .description('linear regression on a CSV file: the analytic solution, or an optimiser compared with it')
    .argument('<data.csv>', 'a CSV file with a header row and numeric columns')
    .requiredOption('--target <column>', 'the column to predict')
    .addOption(
      choiceOption(
        '--method <name>',
        'analytic = normal equations by Cholesky, qr = SVD least squares ' +
          '(numpy.linalg.lstsq), gd = full-batch gradient descent, sgd = minibatch SGD, adam',
        METHODS,
        'analytic',
      ),
    )
    .addOption(
      numberOption(
        '--lr <number>',
        'learning rate (default: gd 1/L and sgd 0.5/L with L the smoothness of the ' + 'loss; adam 0.01)',
        { min: 0, max: 1e6, open: 'min' },
      ),
    )
    .option(
      '--schedule <spec>',
      'learning-rate schedule as in saddle optimize (default for sgd: cosine over the steps)',
    )
    .addOption(integerOption('--steps <n>', 'optimiser steps (at most; --tol stops earlier)', 0, MAX_STEPS, 5000))
    .addOption(integerOption('--batch <n>', 'minibatch size for sgd (default 32)', 1, MAX_EXAMPLES))
    .addOption(seedOption('seed of the minibatch shuffling', 1))
    .addOption(
      numberOption('--tol <number>', 'stop when the gradient norm is at most this', { min: 0, max: 1e300 }, 1e-10),
    )
    .option(
      '--plot <file>',
      'for a numerical method: its distance to the analytic solution and its excess loss per step ' + '(.svg or .png)',
    )
    .addOption(jsonOption())
    .action((file: string, flags: Flags) => {
      const { method, steps, seed, tol, lr: lrFlag } = flags;
      const numerical = method === 'gd' || method === 'sgd' || method === 'adam';
      if (flags.plot && !numerical)
        throw new UsageError('--plot draws the steps of a numerical method; add --method gd, sgd or adam');
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      if (flags.batch !== undefined && method !== 'sgd')
        throw new UsageError('--batch applies to --method sgd only (gd and adam use every row)');
      const ds = parseCsv(readText(file), { target: flags.target, source: file });
      const [rows, features] = ds.x.shape;
      const data = { source: file, rows, features: ds.featureNames, target: flags.target };
      if (!numerical) {
        const r = linearRegression(ds, { method: method as 'analytic' | 'qr' });
        const how =
          method === 'analytic'
            ? 'normal equations XᵀXw = Xᵀy by Cholesky'
            : 'least squares through the SVD (numpy.linalg.lstsq)';
        printResult(
          flags.json,
          () => {
            const { weights: _w, ...out } = r;
            return { method, data, ...out, conditionNumber: r.conditionNumber };
          },
          () =>
            [
              `${file}: ${flags.target} ~ ${ds.featureNames.join(' + ')}, ${rows} rows; ${how}`,
              table(r),
              `  training loss (mean squared error) ${fmt(r.trainingLoss)}`,
              `  rank ${r.rank} of ${features + 1}, κ(XᵀX) = ${fmt(r.conditionNumber)}`,
              ...r.warnings.map((w) => `warning: ${w}`),
            ].join('\n'),
        );
        return;
      }
      const L = regressionSmoothness(ds);
      const batch = method === 'sgd' ? (flags.batch ?? 32) : rows;
      if (batch > rows) throw new UsageError(`--batch ${batch} is larger than the ${rows} rows`);
      const lr = lrFlag ?? (method === 'gd' ? 1 / L : method === 'sgd' ? 0.5 / L : 0.01);
      const schedule = flags.schedule ?? (method === 'sgd' ? `cosine:T=${Math.max(1, steps)}` : undefined);
      const optimizer = makeOptimizer(method === 'adam' ? 'adam' : 'sgd', { lr, schedule });
      const r = fitLinearRegression(ds, { optimizer, steps, tol, batchSize: batch, seed });
      const settings = {
        optimizer: method,
        lr,
        schedule: schedule ?? 'constant',
        steps,
        batch,
        seed,
        tol,
        smoothness: L,
      };
      if (flags.plot) {
        const svg = regressionFigure(r, method);
        writeAtomic(flags.plot, encodeFigure(svg, plotFormat));
      }
      printResult(
        flags.json,
        () => {
          const { weights: _w, analytic, trajectory, ...out } = r;
          const { weights: _a, ...reference } = analytic;
          return {
            method,
            data,
            settings,
            ...out,
            conditionNumber: r.conditionNumber,
            analytic: { ...reference, conditionNumber: analytic.conditionNumber },
            trajectory,
          };
        },
        () =>
          [
            `${file}: ${flags.target} ~ ${ds.featureNames.join(' + ')}, ${rows} rows; ` +
              `${method} on standardised features, lr ${fmt(lr)} (L = ${fmt(L)}), ${schedule ?? 'constant'}` +
              (method === 'sgd' ? `, batch ${batch}, seed ${seed}` : ''),
            `  ${r.reason}`,
            table(r, r.analytic),
            `  training loss ${fmt(r.trainingLoss)} (analytic ${fmt(r.analytic.trainingLoss)}); ` +
              `distance to the analytic solution ${fmt(r.distanceToAnalytic)}`,
            `  rank ${r.rank} of ${features + 1}, κ(XᵀX) = ${fmt(r.conditionNumber)}`,
            ...r.warnings.map((w) => `warning: ${w}`),
          ].join('\n'),
      );
    });
}

/** JSON has no ∞: a singular XᵀX reports null (and a warning says why). */
