// `saddle regress data.csv --target y [--method analytic|qr|gd|sgd|adam] [--json] [--plot f.svg]`: linear
// regression with an intercept, solved analytically (normal equations, or SVD least squares) or
// numerically by an optimiser, which is then compared with the analytic solution step by step.
import { Command } from 'commander';
import { fitLinearRegression, linearRegression, parseCsv, regressionSmoothness, type RegressionResult } from '../models/index.js';
import { makeOptimizer } from '../optim/index.js';
import { regressionFigure } from '../experiments/index.js';
import { VERSION } from '../version.js';
import { parseInteger, parseNumber, UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { readText, writeAtomic } from './files.js';
import { formatNumber as fmt } from './format.js';

interface Flags {
  target: string; method: string; lr?: string; schedule?: string; steps: string; batch?: string; seed: string; tol: string;
  json?: boolean; plot?: string;
}

const METHODS = ['analytic', 'qr', 'gd', 'sgd', 'adam'] as const;
type Method = (typeof METHODS)[number];

/** A table cell: 12 significant digits, small values in exponent form, right-aligned. */
const cell = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(4) : fmt(v)).padStart(22);

function table(r: RegressionResult, reference?: RegressionResult): string {
  const names = ['(intercept)', ...Object.keys(r.coefficients)];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const rows = names.map((n, j) => {
    const cols = [cell(r.weights[j])];
    if (reference) cols.push(cell(reference.weights[j]), cell(r.weights[j] - reference.weights[j]));
    return `  ${n.padEnd(width)}${cols.join('')}`;
  });
  const head = reference ? `  ${''.padEnd(width)}${['numerical', 'analytic', 'difference'].map((h) => h.padStart(22)).join('')}` : undefined;
  return [...(head ? [head] : []), ...rows].join('\n');
}

export function regressCommand(): Command {
  return new Command('regress')
    .description('linear regression on a CSV file: the analytic solution, or an optimiser compared with it')
    .argument('<data.csv>', 'a CSV file with a header row and numeric columns')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--method <name>', `${METHODS.join(', ')}: analytic = normal equations by Cholesky, qr = SVD least squares (numpy.linalg.lstsq), gd = full-batch gradient descent, sgd = minibatch SGD, adam`, 'analytic')
    .option('--lr <number>', 'learning rate (default: gd 1/L and sgd 0.5/L with L the smoothness of the loss; adam 0.01)')
    .option('--schedule <spec>', 'learning-rate schedule as in saddle optimize (default for sgd: cosine over the steps)')
    .option('--steps <n>', 'optimiser steps (at most; --tol stops earlier)', '5000')
    .option('--batch <n>', 'minibatch size for sgd (default 32)')
    .option('--seed <n>', 'seed of the minibatch shuffling', '1')
    .option('--tol <number>', 'stop when the gradient norm is at most this', '1e-10')
    .option('--plot <file>', 'for a numerical method: its distance to the analytic solution and its excess loss per step (.svg or .png)')
    .option('--json', 'print one JSON document')
    .action((file: string, flags: Flags) => {
      const method = flags.method as Method;
      if (!METHODS.includes(method)) throw new UsageError(`--method: '${flags.method}' is not one of ${METHODS.join(', ')}`);
      const numerical = method === 'gd' || method === 'sgd' || method === 'adam';
      if (flags.plot && !numerical) throw new UsageError('--plot draws the steps of a numerical method; add --method gd, sgd or adam');
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      const steps = parseInteger('--steps', flags.steps, 0);
      const seed = parseInteger('--seed', flags.seed, 0);
      const tol = parseNumber('--tol', flags.tol, (v) => v >= 0, 'a number ≥ 0')!;
      const lrFlag = parseNumber('--lr', flags.lr, (v) => v > 0, 'a positive number');
      if (flags.batch !== undefined && method !== 'sgd') throw new UsageError('--batch applies to --method sgd only (gd and adam use every row)');
      const ds = parseCsv(readText(file), { target: flags.target, source: file });
      const [rows, features] = ds.x.shape;
      const data = { source: file, rows, features: ds.featureNames, target: flags.target };
      if (!numerical) {
        const r = linearRegression(ds, { method: method as 'analytic' | 'qr' });
        if (flags.json) {
          const { weights: _w, ...out } = r;
          process.stdout.write(`${JSON.stringify({ method, data, ...out, conditionNumber: finite(r.conditionNumber), version: VERSION }, null, 2)}\n`);
          return;
        }
        const how = method === 'analytic' ? 'normal equations XᵀXw = Xᵀy by Cholesky' : 'least squares through the SVD (numpy.linalg.lstsq)';
        process.stdout.write(`${file}: ${flags.target} ~ ${ds.featureNames.join(' + ')}, ${rows} rows; ${how}\n`);
        process.stdout.write(`${table(r)}\n  training loss (mean squared error) ${fmt(r.trainingLoss)}\n  rank ${r.rank} of ${features + 1}, κ(XᵀX) = ${fmt(r.conditionNumber)}\n`);
        for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
        return;
      }
      const L = regressionSmoothness(ds);
      const batch = method === 'sgd' ? parseInteger('--batch', flags.batch ?? '32') : rows;
      if (batch > rows) throw new UsageError(`--batch ${batch} is larger than the ${rows} rows`);
      const lr = lrFlag ?? (method === 'gd' ? 1 / L : method === 'sgd' ? 0.5 / L : 0.01);
      const schedule = flags.schedule ?? (method === 'sgd' ? `cosine:T=${Math.max(1, steps)}` : undefined);
      const optimizer = makeOptimizer(method === 'adam' ? 'adam' : 'sgd', { lr, schedule });
      const r = fitLinearRegression(ds, { optimizer, steps, tol, batchSize: batch, seed });
      const settings = { optimizer: method, lr, schedule: schedule ?? 'constant', steps, batch, seed, tol, smoothness: L };
      if (flags.plot) {
        const svg = regressionFigure(r, method);
        writeAtomic(flags.plot, encodeFigure(svg, plotFormat));
      }
      if (flags.json) {
        const { weights: _w, analytic, trajectory, ...out } = r;
        const { weights: _a, ...reference } = analytic;
        process.stdout.write(`${JSON.stringify({
          method, data, settings, ...out, conditionNumber: finite(r.conditionNumber),
          analytic: { ...reference, conditionNumber: finite(analytic.conditionNumber) }, trajectory, version: VERSION,
        }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${file}: ${flags.target} ~ ${ds.featureNames.join(' + ')}, ${rows} rows; ${method} on standardised features, lr ${fmt(lr)} (L = ${fmt(L)}), ${schedule ?? 'constant'}${method === 'sgd' ? `, batch ${batch}, seed ${seed}` : ''}\n`);
      process.stdout.write(`  ${r.reason}\n${table(r, r.analytic)}\n`);
      process.stdout.write(`  training loss ${fmt(r.trainingLoss)} (analytic ${fmt(r.analytic.trainingLoss)}); distance to the analytic solution ${fmt(r.distanceToAnalytic)}\n`);
      process.stdout.write(`  rank ${r.rank} of ${features + 1}, κ(XᵀX) = ${fmt(r.conditionNumber)}\n`);
      for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
    });
}

/** JSON has no ∞: a singular XᵀX reports null (and a warning says why). */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
