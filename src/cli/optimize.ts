// `saddle optimize "<expr>" --from "x=-1.2,y=1" --optimizer adam --lr 0.01 … [--compare adam,sgd]
// [--plot f.svg] [--json]`: run optimisers with torch.optim's option names and record trajectories.
import { Command, Option } from 'commander';
import { tensor, type Tensor } from '../core/index.js';
import { compile, type Objective } from '../expr/index.js';
import { landscapeFigure } from '../experiments/index.js';
import {
  addNoise,
  chain,
  clipByGlobalNorm,
  clipByValue,
  makeOptimizer,
  minimize,
  OPTIMIZER_NAMES,
  type GradientTransformation,
  type MinimizeResult,
  type Optimizer,
  type OptimizerSettings,
} from '../optim/index.js';
import { parseAssignments, pointFor, UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';
import { formatNumber as fmt } from './format.js';
import {
  choiceOption,
  integerOption,
  jsonOption,
  MAX_STEPS,
  numberOption,
  parseList,
  parseNames,
  seedOption,
  type Range,
} from './options.js';
import { printResult } from './output.js';

/** The optimiser's settings under torch.optim's names (each one flag), and what only the command has. */
interface Flags extends OptimizerSettings {
  from: string;
  optimizer: string;
  compare?: string[];
  clipNorm?: number;
  clipValue?: number;
  noise?: number;
  steps: number;
  tol?: number;
  maximize?: boolean;
  plot?: string;
  json?: boolean;
}

const unit: Range = { min: 0, max: 1 };
const fraction: Range = { min: 0, max: 1, open: 'max' };
const positive: Range = { min: 0, max: 1e300, open: 'min' };
const BETA: Range = { min: 0, max: 1, open: 'max' };

/** The optimiser options with torch.optim's names; their defaults are each optimiser's own (registry.ts). */
export const optimizerOptions = (): Option[] => [
  numberOption('--lr <number>', "learning rate (default: torch.optim's for the optimiser)", { ...positive, max: 1e6 }),
  new Option('--betas <b1,b2>', "Adam's decay rates of the moment estimates, each in [0, 1)").argParser(
    (t) => parseList(t, BETA, 2) as [number, number],
  ),
  numberOption('--eps <number>', 'the ε added to the denominator', unit),
  numberOption('--weight-decay <number>', 'L2 penalty (decoupled for adamw)', { min: 0, max: 1e3 }),
  numberOption('--momentum <number>', 'momentum factor (sgd, rmsprop)', unit),
  numberOption('--dampening <number>', 'dampening of the momentum (sgd)', unit),
  new Option('--nesterov', 'Nesterov momentum (sgd)'),
  numberOption('--alpha <number>', 'smoothing constant of the squared-gradient average (rmsprop)', fraction),
  numberOption('--rho <number>', 'decay rate of the squared-gradient average (adadelta)', unit),
  numberOption('--lr-decay <number>', 'learning-rate decay (adagrad)', { min: 0, max: 1e6 }),
  new Option('--centered', 'centred RMSprop (divide by the estimated variance)'),
  new Option('--amsgrad', 'AMSGrad (adam, adamw)'),
  new Option(
    '--schedule <spec>',
    'learning-rate schedule, e.g. "cosine:T=100", "exp:lambda=0.1", "step:size=10,gamma=0.5"',
  ),
];

function settingsFrom(flags: Flags): OptimizerSettings {
  const { lr, betas, eps, weightDecay, momentum, dampening, nesterov, alpha, rho, lrDecay, centered, amsgrad } = flags;
  return {
    lr,
    betas,
    eps,
    weightDecay,
    momentum,
    dampening,
    nesterov,
    alpha,
    rho,
    lrDecay,
    centered,
    amsgrad,
    seed: flags.seed,
    schedule: flags.schedule,
  };
}

/** The named optimiser with the gradient clipping and noise the flags ask for, in front. */
function build(name: string, flags: Flags, settings: OptimizerSettings): Optimizer {
  if (name === 'adagrad' && flags.schedule !== undefined) {
    throw new UsageError('--schedule: adagrad decays its own rate as lr / (1 + (t − 1)·lr_decay); use --lr-decay');
  }
  const opt = makeOptimizer(name, settings);
  const pre: GradientTransformation<unknown>[] = [];
  const { clipNorm, clipValue, noise } = flags;
  if (clipNorm !== undefined) pre.push(clipByGlobalNorm(clipNorm) as GradientTransformation<unknown>);
  if (clipValue !== undefined) pre.push(clipByValue(clipValue) as GradientTransformation<unknown>);
  if (noise !== undefined) {
    if (settings.seed === undefined) {
      throw new UsageError('--noise draws random numbers: give --seed <integer> so the run is reproducible');
    }
    pre.push(addNoise(noise, settings.seed) as GradientTransformation<unknown>);
  }
  if (pre.length === 0) return opt;
  return {
    ...chain(...pre, opt as GradientTransformation<unknown>),
    name: opt.name,
    settings: { ...opt.settings, clipNorm, clipValue, noise },
    learningRate: opt.learningRate,
  };
}

function runJson(objective: Objective, opt: Optimizer, r: MinimizeResult<Tensor>) {
  const named = (p: number[]) => Object.fromEntries(objective.variables.map((v, i) => [v, p[i]]));
  const trajectory = r.trajectory.map((t) => ({
    step: t.step,
    point: named(t.point),
    value: t.value,
    gradientNorm: t.gradientNorm,
    lr: Number.isNaN(t.lr) ? null : t.lr,
  }));
  return {
    optimizer: { name: opt.name, settings: opt.settings },
    trajectory,
    final: trajectory.at(-1),
    stopped: r.stopped,
    reason: r.reason,
  };
}

/** The box the trajectories visit, padded; loops rather than Math.min(...): a trajectory can be a million points. */
function visitedBox(objective: Objective, runs: { result: MinimizeResult<Tensor> }[]) {
  return objective.variables.map((_, i) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of runs) {
      for (const t of r.result.trajectory) {
        const v = t.point[i];
        if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
    }
    if (!(lo <= hi)) [lo, hi] = [0, 0];
    const pad = Math.max((hi - lo) * 0.15, 0.5);
    return { lo: lo - pad, hi: hi + pad };
  });
}

function figure(objective: Objective, runs: { name: string; result: MinimizeResult<Tensor> }[]): string {
  const box = visitedBox(objective, runs);
  const n = objective.variables.length;
  if (n === 2) {
    const paths = runs.map((r) => ({
      x: r.result.trajectory.map((t) => t.point[0]),
      y: r.result.trajectory.map((t) => t.point[1]),
      label: r.name,
    }));
    return landscapeFigure(objective, box, 'contour', null, { paths });
  }
  if (n !== 1) throw new UsageError(`--plot draws functions of one or two variables; ${objective.text} has ${n}`);
  const traces = runs.map((r) => ({
    x: r.result.trajectory.map((t) => t.point[0]),
    y: r.result.trajectory.map((t) => t.value),
    label: r.name,
  }));
  return landscapeFigure(objective, box, 'line', null, { traces });
}

export function optimizeCommand(): Command {
  const command = new Command('optimize')
    .description('run an optimiser (torch.optim names and defaults) on an expression and record its trajectory')
    .argument('<expression>', 'the objective, e.g. "(1 - x)^2 + 100*(y - x^2)^2"')
    .requiredOption('--from <point>', 'the start, e.g. "x=-1.2,y=1"')
    .addOption(choiceOption('--optimizer <name>', 'the optimiser', OPTIMIZER_NAMES, 'sgd'))
    .addOption(
      new Option('--compare <names>', 'run several optimisers from the same start, e.g. adam,sgd,rmsprop').argParser(
        (t) => parseNames(t, OPTIMIZER_NAMES),
      ),
    );
  for (const option of optimizerOptions()) command.addOption(option);
  return command
    .addOption(numberOption('--clip-norm <number>', 'clip the gradient to this global norm', positive))
    .addOption(numberOption('--clip-value <number>', 'clip each gradient component to ±value', positive))
    .addOption(
      numberOption('--noise <std>', "add N(0, std²) to the gradient (the chapter's simulated SGD); needs --seed", {
        min: 0,
        max: 1e6,
      }),
    )
    .addOption(seedOption('seed for --noise and perturbed-gd'))
    .addOption(integerOption('--steps <n>', 'number of steps', 0, MAX_STEPS, 100))
    .addOption(numberOption('--tol <number>', 'stop when the gradient norm is at most this', { min: 0, max: 1e300 }))
    .option('--maximize', 'maximise instead (minimise the negative)')
    .option('--plot <file>', 'draw the trajectories (.svg or .png)')
    .addOption(jsonOption())
    .action((expression: string, flags: Flags) => {
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : 'svg';
      const objective = compile(expression, { maximize: flags.maximize ?? false });
      const start = pointFor('--from', parseAssignments('--from', flags.from), objective.variables);
      const settings = settingsFrom(flags);
      const names = flags.compare ?? [flags.optimizer];
      const runs = names.map((name) => {
        const opt = build(name, flags, settings);
        return {
          name,
          opt,
          result: minimize(objective.at, tensor(start), opt, { steps: flags.steps, tol: flags.tol }),
        };
      });
      if (flags.plot) writeAtomic(flags.plot, encodeFigure(figure(objective, runs), plotFormat));
      printResult(
        flags.json,
        () => {
          const docs = runs.map((r) => runJson(objective, r.opt, r.result));
          const head = { objective: objective.text, variables: objective.variables };
          return flags.compare ? { ...head, runs: docs } : { ...head, ...docs[0] };
        },
        () => {
          const lines = [`f(${objective.variables.join(', ')}) = ${objective.text}   from ${flags.from}`];
          for (const r of runs) {
            const last = r.result.trajectory.at(-1)!;
            const at = objective.variables.map((v, i) => `${v} = ${fmt(last.point[i])}`).join(', ');
            lines.push(
              `${r.name.padEnd(18)} ${r.result.stopped.padEnd(9)} after ${r.result.steps} steps: ${at}   ` +
                `f = ${fmt(last.value)}   |g| = ${fmt(last.gradientNorm)}`,
            );
            if (r.result.stopped !== 'max-steps') lines.push(`${''.padEnd(18)} ${r.result.reason}`);
          }
          return lines.join('\n');
        },
      );
    });
}
