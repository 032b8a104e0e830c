// `saddle optimize "<expr>" --from "x=-1.2,y=1" --optimizer adam --lr 0.01 … [--compare adam,sgd]
// [--plot f.svg] [--json]`: run optimisers with torch.optim's option names and record trajectories.
import { Command } from 'commander';
import { tensor, type Tensor } from '../core/index.js';
import { compile, type Objective } from '../expr/index.js';
import {
  addNoise, chain, clipByGlobalNorm, clipByValue, makeOptimizer, minimize, type GradientTransformation, type MinimizeResult,
  type Optimizer, type OptimizerSettings,
} from '../optim/index.js';
import { contourPlot, linePlot } from '../plot/index.js';
import { VERSION } from '../version.js';
import { parseAssignments, parseNumber as num, pointFor, UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';
import { formatNumber as fmt } from './format.js';

interface Flags {
  from: string; optimizer: string; compare?: string; lr?: string; betas?: string; eps?: string; weightDecay?: string;
  momentum?: string; dampening?: string; nesterov?: boolean; alpha?: string; rho?: string; lrDecay?: string; centered?: boolean;
  amsgrad?: boolean; clipNorm?: string; clipValue?: string; schedule?: string; noise?: string; seed?: string; steps: string;
  tol?: string; maximize?: boolean; plot?: string; json?: boolean;
}

function settingsFrom(flags: Flags): OptimizerSettings {
  let betas: [number, number] | undefined;
  if (flags.betas !== undefined) {
    const parts = flags.betas.split(',').map(Number);
    if (parts.length !== 2 || !parts.every((b) => b >= 0 && b < 1)) throw new UsageError(`--betas: '${flags.betas}' must be two numbers in [0, 1), e.g. 0.9,0.999`);
    betas = [parts[0], parts[1]];
  }
  return {
    lr: num('--lr', flags.lr, (v) => v > 0, 'a positive number'),
    betas,
    eps: num('--eps', flags.eps, (v) => v >= 0, 'a non-negative number'),
    weightDecay: num('--weight-decay', flags.weightDecay, (v) => v >= 0, 'a non-negative number'),
    momentum: num('--momentum', flags.momentum, (v) => v >= 0, 'a non-negative number'),
    dampening: num('--dampening', flags.dampening),
    nesterov: flags.nesterov,
    alpha: num('--alpha', flags.alpha),
    rho: num('--rho', flags.rho),
    lrDecay: num('--lr-decay', flags.lrDecay, (v) => v >= 0, 'a non-negative number'),
    centered: flags.centered,
    amsgrad: flags.amsgrad,
    seed: num('--seed', flags.seed, Number.isSafeInteger, 'an integer'),
    schedule: flags.schedule,
  };
}

/** The named optimiser with the gradient clipping and noise the flags ask for, in front. */
function build(name: string, flags: Flags, settings: OptimizerSettings): Optimizer {
  const opt = makeOptimizer(name, settings);
  const pre: GradientTransformation<unknown>[] = [];
  const clipNorm = num('--clip-norm', flags.clipNorm, (v) => v > 0, 'a positive number');
  const clipValue = num('--clip-value', flags.clipValue, (v) => v > 0, 'a positive number');
  const noise = num('--noise', flags.noise, (v) => v >= 0, 'a non-negative number');
  if (clipNorm !== undefined) pre.push(clipByGlobalNorm(clipNorm) as GradientTransformation<unknown>);
  if (clipValue !== undefined) pre.push(clipByValue(clipValue) as GradientTransformation<unknown>);
  if (noise !== undefined) {
    if (settings.seed === undefined) throw new UsageError('--noise draws random numbers: give --seed <integer> so the run is reproducible');
    pre.push(addNoise(noise, settings.seed) as GradientTransformation<unknown>);
  }
  if (pre.length === 0) return opt;
  return { ...chain(...pre, opt as GradientTransformation<unknown>), name: opt.name, settings: { ...opt.settings, clipNorm, clipValue, noise }, learningRate: opt.learningRate };
}

function runJson(objective: Objective, opt: Optimizer, r: MinimizeResult<Tensor>) {
  const named = (p: number[]) => Object.fromEntries(objective.variables.map((v, i) => [v, p[i]]));
  const trajectory = r.trajectory.map((t) => ({ step: t.step, point: named(t.point), value: t.value, gradientNorm: t.gradientNorm, lr: Number.isNaN(t.lr) ? null : t.lr }));
  return { optimizer: { name: opt.name, settings: opt.settings }, trajectory, final: trajectory.at(-1), stopped: r.stopped, reason: r.reason };
}

function figure(objective: Objective, runs: { name: string; result: MinimizeResult<Tensor> }[]): string {
  const all = runs.flatMap((r) => r.result.trajectory.map((t) => t.point));
  const bounds = objective.variables.map((_, i) => {
    const vs = all.map((p) => p[i]).filter(Number.isFinite);
    const lo = Math.min(...vs);
    const hi = Math.max(...vs);
    const pad = Math.max((hi - lo) * 0.15, 0.5);
    return [lo - pad, hi + pad];
  });
  const title = `f(${objective.variables.join(', ')}) = ${objective.text}`;
  if (objective.variables.length === 1) {
    const [lo, hi] = bounds[0];
    const xs = Array.from({ length: 400 }, (_, i) => lo + ((hi - lo) * i) / 399);
    const ys = Array.from(objective.evaluate([tensor(xs)]).data);
    const traces = runs.map((r) => ({ x: r.result.trajectory.map((t) => t.point[0]), y: r.result.trajectory.map((t) => t.value), label: r.name }));
    return linePlot({ x: xs, y: ys, traces, title, xLabel: objective.variables[0], yLabel: 'f' });
  }
  if (objective.variables.length !== 2) throw new UsageError(`--plot draws functions of one or two variables; ${objective.text} has ${objective.variables.length}`);
  const m = 120;
  const x = Array.from({ length: m }, (_, i) => bounds[0][0] + ((bounds[0][1] - bounds[0][0]) * i) / (m - 1));
  const y = Array.from({ length: m }, (_, j) => bounds[1][0] + ((bounds[1][1] - bounds[1][0]) * j) / (m - 1));
  const z = objective.evaluate([tensor(y.map(() => x), { shape: [m, m] }), tensor(y.map((yj) => x.map(() => yj)), { shape: [m, m] })]).data;
  const grid = y.map((_, j) => Array.from(z.subarray(j * m, (j + 1) * m)));
  const paths = runs.map((r) => ({ x: r.result.trajectory.map((t) => t.point[0]), y: r.result.trajectory.map((t) => t.point[1]), label: r.name }));
  return contourPlot({ x, y, z: grid, paths, title, xLabel: objective.variables[0], yLabel: objective.variables[1] });
}

export function optimizeCommand(): Command {
  return new Command('optimize')
    .description('run an optimiser (torch.optim names and defaults) on an expression and record its trajectory')
    .argument('<expression>', 'the objective, e.g. "(1 - x)^2 + 100*(y - x^2)^2"')
    .requiredOption('--from <point>', 'the start, e.g. "x=-1.2,y=1"')
    .option('--optimizer <name>', 'sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam, radam, newton, damped-newton, saddle-free-newton, perturbed-gd, bfgs, lbfgs', 'sgd')
    .option('--compare <names>', 'run several optimisers from the same start, e.g. adam,sgd,rmsprop')
    .option('--lr <number>', 'learning rate (default: torch.optim\'s for the optimiser)')
    .option('--betas <b1,b2>').option('--eps <number>').option('--weight-decay <number>').option('--momentum <number>')
    .option('--dampening <number>').option('--nesterov').option('--alpha <number>').option('--rho <number>').option('--lr-decay <number>')
    .option('--centered').option('--amsgrad')
    .option('--clip-norm <number>', 'clip the gradient to this global norm').option('--clip-value <number>', 'clip each gradient component to ±value')
    .option('--schedule <spec>', 'learning-rate schedule, e.g. "cosine:T=100", "exp:lambda=0.1", "step:size=10,gamma=0.5"')
    .option('--noise <std>', 'add N(0, std²) to the gradient (the chapter\'s simulated SGD); needs --seed')
    .option('--seed <integer>', 'seed for --noise and perturbed-gd')
    .option('--steps <n>', 'number of steps', '100')
    .option('--tol <number>', 'stop when the gradient norm is at most this')
    .option('--maximize', 'maximise instead (minimise the negative)')
    .option('--plot <file>', 'draw the trajectories (.svg or .png)')
    .option('--json', 'print one JSON document')
    .action((expression: string, flags: Flags) => {
      const steps = num('--steps', flags.steps, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer') as number;
      const tol = num('--tol', flags.tol, (v) => v >= 0, 'a non-negative number');
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      const objective = compile(expression, { maximize: flags.maximize ?? false });
      const start = pointFor('--from', parseAssignments('--from', flags.from), objective.variables);
      const settings = settingsFrom(flags);
      const names = flags.compare ? flags.compare.split(',').map((n) => n.trim()).filter(Boolean) : [flags.optimizer];
      const runs = names.map((name) => {
        const opt = build(name, flags, settings);
        return { name, opt, result: minimize(objective.at, tensor(start), opt, { steps, tol }) };
      });
      if (flags.plot) writeAtomic(flags.plot, encodeFigure(figure(objective, runs), plotFormat));
      if (flags.json) {
        const docs = runs.map((r) => runJson(objective, r.opt, r.result));
        const doc = flags.compare ? { objective: objective.text, variables: objective.variables, runs: docs } : { objective: objective.text, variables: objective.variables, ...docs[0] };
        process.stdout.write(`${JSON.stringify({ ...doc, version: VERSION }, null, 2)}\n`);
        return;
      }
      const lines = [`f(${objective.variables.join(', ')}) = ${objective.text}   from ${flags.from}`];
      for (const r of runs) {
        const last = r.result.trajectory.at(-1)!;
        lines.push(`${r.name.padEnd(18)} ${r.result.stopped.padEnd(9)} after ${r.result.steps} steps: ${objective.variables.map((v, i) => `${v} = ${fmt(last.point[i])}`).join(', ')}   f = ${fmt(last.value)}   |g| = ${fmt(last.gradientNorm)}`);
        if (r.result.stopped !== 'max-steps') lines.push(`${''.padEnd(18)} ${r.result.reason}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
