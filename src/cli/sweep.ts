// `saddle sweep spec.json [--workers n | --queue redis://…] [--out results.jsonl] [--resume] [--plot f.svg] [--json]`:
// training runs (or one experiment of saddle reproduce) over a grid of settings × seeds, on a pool of worker
// threads or on saddle workers through Redis.
// Results are JSON lines in the order of the jobs (the same bytes however many workers), a summary table per
// setting (mean and spread over seeds) and a figure: final loss and test accuracy against the seed, and, when the
// runs track it, the final sharpness against 2/η.
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { CURVATURE_KINDS } from '../curvature/index.js';
import { ACTIVATIONS, encodeSafetensors, mlpStateDict } from '../models/index.js';
import {
  BlobSet,
  inlineExecutor,
  checkReproduce,
  errorMessage,
  type BlobRef,
  type DataSpec,
  type HessianSettings,
  type Job,
  type TrainResult,
  type TrainSettings,
} from '../sweep/index.js';
import { UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { readText, writeAtomic } from './files.js';
import { setupNodeKernels } from './node-runtime.js';
import { integerOption, jsonOption, MAX_EPOCHS, MAX_EXAMPLES, parseInitializer, parseModel } from './options.js';
import { fromJson, printResult, toJson } from './output.js';
import { readBytes, readParams } from './params.js';
import { progressBar } from './progress.js';
import { figure, label, percent, summarise, summariseHessian, summariseVerdicts, type Line } from './sweep-report.js';
import { poolExecutor } from './sweep-pool.js';
import { queueExecutor, redisOptions, sweepId } from './sweep-queue.js';
import { parseTrainOptimizer } from './train.js';

/** Jobs one sweep may hold. */
const MAX_JOBS = 100_000;
const WRITE_EVERY_MS = 1000;

interface Flags {
  workers: number;
  queue?: string;
  out?: string;
  resume?: boolean;
  plot?: string;
  json?: boolean;
}

type Parser = (value: unknown, where: string) => unknown;

const positiveInteger =
  (max: number): Parser =>
  (v, where) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max))
      throw new UsageError(`${where}: ${JSON.stringify(v)} should be a whole number from 1 to ${max}`);
    return v;
  };
const text =
  (parse: (s: string) => unknown): Parser =>
  (v, where) => {
    if (typeof v !== 'string') throw new UsageError(`${where}: ${JSON.stringify(v)} should be a string`);
    try {
      return parse(v);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new UsageError(`${where}: '${v}' is not valid. ${err.message}`);
      throw err;
    }
  };

/** The settings of a training run a sweep may set, each with its check (the flags of saddle train). */
const TRAIN_KEYS: Record<string, Parser> = {
  model: text(parseModel),
  activation: text((s) => s),
  init: text(parseInitializer),
  data: text((s) => s),
  target: text((s) => s),
  train: positiveInteger(MAX_EXAMPLES),
  test: positiveInteger(MAX_EXAMPLES),
  optimizer: text(parseTrainOptimizer),
  lr: (v, where) => {
    if (!(typeof v === 'number' && v > 0 && v <= 1e6))
      throw new UsageError(`${where}: ${JSON.stringify(v)} should be a number in (0, 1e6]`);
    return v;
  },
  batch: positiveInteger(MAX_EXAMPLES),
  epochs: positiveInteger(MAX_EPOCHS),
  trackSharpness: positiveInteger(1e9),
};
const choice =
  (names: readonly string[]): Parser =>
  (v, where) => {
    if (typeof v !== 'string' || !names.includes(v))
      throw new UsageError(`${where}: ${JSON.stringify(v)} should be one of ${names.join(', ')}`);
    return v;
  };
const count =
  (min: number, max: number): Parser =>
  (v, where) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max))
      throw new UsageError(`${where}: ${JSON.stringify(v)} should be a whole number from ${min} to ${max}`);
    return v;
  };

/** The settings of a curvature measurement (the flags of saddle hessian). */
const HESSIAN_KEYS: Record<string, Parser> = {
  activation: choice(ACTIVATIONS),
  data: text((s) => s),
  target: text((s) => s),
  loss: choice(['ce', 'mse']),
  examples: positiveInteger(MAX_EXAMPLES),
  batch: positiveInteger(MAX_EXAMPLES),
  kind: choice(CURVATURE_KINDS),
  top: count(0, 1000),
  bottom: count(0, 1000),
  trace: count(2, 1_000_000),
  dtype: choice(['float32', 'float64']),
};
const HESSIAN_DEFAULTS: Record<string, unknown> = {
  dtype: 'float32',
  data: 'mnist',
  loss: 'ce',
  batch: 1000,
  kind: 'hessian',
  top: 1,
  bottom: 1,
};

const DEFAULTS: Record<string, unknown> = {
  activation: 'relu',
  init: 'he-uniform',
  data: 'mnist',
  train: 8000,
  test: 2000,
  optimizer: 'adam',
  batch: 128,
  epochs: 5,
};

interface SweepSpec {
  command: 'train' | 'reproduce' | 'hessian';
  /** hessian: the network's parameter file (relative to the spec). */
  params?: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  seeds: number[];
  /** reproduce: the experiment's id, and whether at its quick sizes (default true). */
  experiment?: string;
  quick?: boolean;
}

/** spec.json, checked: every key known, every value valid, at most MAX_JOBS jobs. */
export function parseSweepSpec(textOf: string, path: string): SweepSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(textOf);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const d = doc as Partial<SweepSpec> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d))
    throw new UsageError(`${path}: expected {"command": "train", "base": {…}, "grid": {…}, "seeds": [1, 2, 3]}`);
  if (d.command !== 'train' && d.command !== 'reproduce' && d.command !== 'hessian')
    throw new UsageError(
      `${path}: command ${JSON.stringify(d.command)}: saddle sweep runs "train", "reproduce" and "hessian" sweeps`,
    );
  if (d.command === 'hessian' && typeof d.params !== 'string')
    throw new UsageError(`${path}: a hessian sweep names its network: "params": "p.safetensors"`);
  const keys =
    d.command === 'train'
      ? ['command', 'base', 'grid', 'seeds']
      : d.command === 'hessian'
        ? ['command', 'params', 'base', 'grid', 'seeds']
        : ['command', 'experiment', 'quick', 'base', 'grid', 'seeds'];
  const unknown = Object.keys(d).filter((k) => !keys.includes(k));
  if (unknown.length)
    throw new UsageError(`${path}: unknown key ${unknown.join(', ')}; the keys are ${keys.join(', ')}`);
  if (d.command === 'reproduce' && typeof d.experiment !== 'string')
    throw new UsageError(`${path}: a reproduce sweep names its "experiment" (an id of saddle reproduce --only)`);
  if (d.quick !== undefined && typeof d.quick !== 'boolean')
    throw new UsageError(`${path}: quick should be true or false`);
  const base = d.base ?? {};
  const grid = d.grid ?? {};
  const record = (v: unknown, where: string) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new UsageError(`${path}: ${where} should be an object`);
  };
  record(base, 'base');
  record(grid, 'grid');
  const check = (key: string, value: unknown, where: string) => {
    if (d.command === 'reproduce') {
      if (typeof value !== 'number' && typeof value !== 'string')
        throw new UsageError(`${path}: ${where}: ${JSON.stringify(value)} should be a number or a string`);
      try {
        checkReproduce({ experiment: d.experiment!, params: { [key]: value } });
      } catch (err) {
        throw new UsageError(`${path}: ${where}: ${errorMessage(err)}`);
      }
      return;
    }
    const keys = d.command === 'hessian' ? HESSIAN_KEYS : TRAIN_KEYS;
    const parse = keys[key];
    if (!parse)
      throw new UsageError(`${path}: ${where}: '${key}' is not a setting; use ${Object.keys(keys).join(', ')}`);
    parse(value, `${path}: ${where}`);
  };
  for (const [k, v] of Object.entries(base)) check(k, v, `base.${k}`);
  let jobs = 1;
  for (const [k, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0)
      throw new UsageError(`${path}: grid.${k} should be a non-empty list of values`);
    values.forEach((v, i) => check(k, v, `grid.${k}[${i}]`));
    jobs *= values.length;
  }
  const seeds = d.seeds ?? [1];
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isSafeInteger(s) && s >= 0))
    throw new UsageError(`${path}: seeds should be a non-empty list of whole numbers ≥ 0`);
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`${path}: seeds repeat a seed`);
  jobs *= seeds.length;
  if (jobs > MAX_JOBS) throw new UsageError(`${path}: ${jobs} jobs; a sweep holds at most ${MAX_JOBS}`);
  if (d.command === 'reproduce') {
    try {
      checkReproduce({ experiment: d.experiment!, params: {} });
    } catch (err) {
      throw new UsageError(`${path}: ${errorMessage(err)}`);
    }
  }
  return { command: d.command, base, grid, seeds, experiment: d.experiment, quick: d.quick, params: d.params };
}

/** Every combination of the grid's values (the first key outermost), each with every seed. */
function combinations(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(grid).reduce<Record<string, unknown>[]>(
    (acc, [k, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [k]: v }))),
    [{}],
  );
}

async function jobsOf(
  spec: SweepSpec,
  specPath: string,
  blobs: BlobSet,
): Promise<{ jobs: Job[]; varied: Record<string, unknown>[] }> {
  const jobs: Job[] = [];
  const varied: Record<string, unknown>[] = [];
  const dataBlobs = new Map<string, DataSpec>();
  const relative = (file: string) => (isAbsolute(file) ? file : join(dirname(specPath), file));
  let network: { ref: BlobRef; activation?: string } | undefined;
  for (const combination of combinations(spec.grid)) {
    for (const seed of spec.seeds) {
      const v = { ...combination, seed };
      if (spec.command === 'reproduce') {
        const params = { ...spec.base, ...combination } as Record<string, number | string>;
        const settings = { experiment: spec.experiment!, quick: spec.quick ?? true, seed, params };
        varied.push(v);
        jobs.push({ id: label(v), spec: { kind: 'reproduce', settings } });
        continue;
      }
      const defaults = spec.command === 'hessian' ? HESSIAN_DEFAULTS : DEFAULTS;
      const s = { ...defaults, ...spec.base, ...combination } as Record<string, unknown>;
      const dataName = s.data as string;
      let data: DataSpec;
      if (dataName === 'mnist' || dataName === 'iris') data = dataName;
      else {
        if (!dataName.toLowerCase().endsWith('.csv'))
          throw new UsageError(`${specPath}: data '${dataName}' is not mnist, iris or a .csv file`);
        if (typeof s.target !== 'string')
          throw new UsageError(`${specPath}: data ${dataName} needs "target": "<class column>"`);
        const file = relative(dataName);
        const key = `${file}\n${s.target}`;
        if (!dataBlobs.has(key))
          dataBlobs.set(key, { csv: await blobs.add(readBytes(file)), target: s.target, source: dataName });
        data = dataBlobs.get(key)!;
      }
      if (spec.command === 'hessian') {
        network ??= await networkOf(relative(spec.params!), blobs);
        const settings: HessianSettings = {
          params: network.ref,
          activation: (s.activation ?? network.activation ?? 'relu') as HessianSettings['activation'],
          data,
          loss: s.loss as 'ce' | 'mse',
          ...(s.examples !== undefined ? { examples: s.examples as number } : {}),
          batch: s.batch as number,
          kind: s.kind as HessianSettings['kind'],
          top: s.top as number,
          bottom: s.bottom as number,
          ...(s.trace !== undefined ? { trace: s.trace as number } : {}),
          dtype: s.dtype as HessianSettings['dtype'],
          seed,
        };
        varied.push(v);
        jobs.push({ id: label(v), spec: { kind: 'hessian', settings } });
        continue;
      }
      const settings: TrainSettings = {
        model: parseModel(s.model as string),
        activation: s.activation as TrainSettings['activation'],
        init: parseInitializer(s.init as string),
        data,
        train: s.train as number,
        test: s.test as number,
        optimizer: s.optimizer as string,
        ...(s.lr !== undefined ? { lr: s.lr as number } : {}),
        batch: s.batch as number,
        epochs: s.epochs as number,
        seed,
        ...(s.trackSharpness !== undefined ? { trackSharpness: s.trackSharpness as number } : {}),
      };
      varied.push(v);
      jobs.push({ id: label(v), spec: { kind: 'train', settings } });
    }
  }
  return { jobs, varied };
}

/** A parameter file as a blob (re-encoded as safetensors, whatever its format), and its activation. */
async function networkOf(path: string, blobs: BlobSet): Promise<{ ref: BlobRef; activation?: string }> {
  const file = readParams(path);
  return { ref: await blobs.add(encodeSafetensors(mlpStateDict(file.params))), activation: file.activation };
}

/** Lines of a previous run's results (those with a result; failed ones are run again). */
function previousLines(path: string): Map<string, Line> {
  const lines = new Map<string, Line>();
  const content = readText(path);
  content.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let line: Line;
    try {
      line = fromJson(raw) as Line;
    } catch {
      throw new UsageError(`--resume: line ${i + 1} of ${path} is not JSON; is it the results of saddle sweep?`);
    }
    if (typeof line.id === 'string' && line.result) lines.set(line.id, line);
  });
  return lines;
}

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('training runs over a grid of settings × seeds, on worker threads here or saddle workers via Redis')
    .argument(
      '<spec.json>',
      '{"command": "train", "base": {…train settings}, "grid": {"lr": [0.01, 0.1]}, "seeds": [1, 2, 3]}',
    )
    .addOption(
      integerOption(
        '--workers <n>',
        'worker threads here (0: this thread); the results are the same bytes',
        0,
        256,
        availableParallelism(),
      ),
    )
    .option('--queue <url>', 'run the jobs on saddle worker processes through this Redis (redis://host:6379)')
    .option('--out <file.jsonl>', 'the results as JSON lines, written as they come (default: <spec>.results.jsonl)')
    .option('--resume', 'keep the finished results in --out and run the rest')
    .option('--plot <file>', 'final loss and test accuracy against the seed (.svg or .png)')
    .addOption(jsonOption())
    .action(async (specPath: string, flags: Flags) => {
      const spec = parseSweepSpec(readText(specPath), specPath);
      if (flags.plot && spec.command !== 'train')
        throw new UsageError(
          `--plot draws training sweeps; a ${spec.command} sweep has its numbers in the table and JSON`,
        );
      const out = flags.out ?? specPath.replace(/\.json$/i, '') + '.results.jsonl';
      if (!out.toLowerCase().endsWith('.jsonl')) throw new UsageError(`--out: ${out} should be a .jsonl file`);
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : undefined;
      if (flags.queue) redisOptions(flags.queue);
      setupNodeKernels();
      const blobs = new BlobSet();
      const { jobs, varied } = await jobsOf(spec, specPath, blobs);
      const done = flags.resume && existsSync(out) ? previousLines(out) : new Map<string, Line>();
      const lines = new Map<string, Line>(done);
      const pending = jobs.filter((j) => !done.has(j.id));
      const executor = flags.queue
        ? await queueExecutor({ url: flags.queue, blobs, sweep: `sweep-${await sweepId(jobs)}` })
        : flags.workers === 0
          ? inlineExecutor(blobs.get)
          : poolExecutor({ blobs, workers: flags.workers });
      const ordered = () =>
        jobs.flatMap((j) => (lines.has(j.id) ? [toJson(lines.get(j.id), 0)] : [])).join('\n') + '\n';
      let lastWrite = performance.now();
      const bar = progressBar({ json: flags.json });
      const record = (job: Job, line: Omit<Line, 'id' | 'settings'>) => {
        lines.set(job.id, { id: job.id, settings: varied[jobs.indexOf(job)], ...line });
        bar.update(lines.size, jobs.length, `${lines.size}/${jobs.length} runs`);
        if (performance.now() - lastWrite >= WRITE_EVERY_MS) {
          writeAtomic(out, ordered());
          lastWrite = performance.now();
        }
      };
      const started = performance.now();
      try {
        await executor.run(pending, {
          onResult: (job, result) => record(job, { result: result as TrainResult }),
          onError: (job, error) => record(job, { error }),
        });
      } finally {
        await executor.close();
      }
      bar.clear();
      writeAtomic(out, ordered());
      const all = jobs.map((j) => lines.get(j.id)!);
      const failed = all.filter((l) => l.error);
      const seconds = (performance.now() - started) / 1000;
      const errors = failed.map((l) => `  failed ${l.id}: ${l.error}`);
      const head = `${jobs.length} runs (${executor.name}), results in ${out}, ${seconds.toFixed(1)} s`;
      if (spec.command === 'hessian') {
        const summary = summariseHessian(all);
        const g = (st: { mean: number; sd: number } | null) =>
          st ? `${st.mean.toPrecision(5)} ± ${st.sd.toPrecision(2)}` : '—';
        printResult(
          flags.json,
          () => ({ spec: specPath, out, jobs: jobs.length, failed: failed.length, summary, seconds }),
          () =>
            [
              head,
              ...summary.map(
                (st) =>
                  `  ${st.setting.padEnd(24)} λ_max ${g(st.lambdaMax)}` +
                  (st.lambdaMax ? ` [${st.lambdaMax.min.toPrecision(4)}, ${st.lambdaMax.max.toPrecision(4)}]` : '') +
                  (st.lambdaMin ? `  λ_min ${g(st.lambdaMin)}` : '') +
                  (st.trace ? `  trace ${g(st.trace)}` : ''),
              ),
              ...errors,
            ].join('\n') + '\n',
        );
      } else if (spec.command === 'reproduce') {
        const verdicts = summariseVerdicts(all);
        printResult(
          flags.json,
          () => ({ spec: specPath, out, jobs: jobs.length, failed: failed.length, summary: verdicts, seconds }),
          () =>
            [
              `${spec.experiment}: ${head}`,
              ...verdicts.map(
                (v) =>
                  `  ${v.setting.padEnd(24)} ` +
                  (Object.entries(v.verdicts)
                    .map(([k, n]) => `${k} ${n}/${v.runs}`)
                    .join(', ') || 'no result'),
              ),
              ...errors,
            ].join('\n') + '\n',
        );
      } else {
        const summary = summarise(all);
        if (flags.plot) writeAtomic(flags.plot, encodeFigure(figure(all, summary), plotFormat!));
        printResult(
          flags.json,
          () => ({ spec: specPath, out, jobs: jobs.length, failed: failed.length, summary, seconds }),
          () => {
            const f = (st: { mean: number; sd: number } | null, digits: number) =>
              st ? `${st.mean.toFixed(digits)} ± ${st.sd.toFixed(digits)}` : '—';
            const rows = summary.map(
              (st) =>
                `  ${st.setting.padEnd(24)} ${String(st.runs - st.failed).padStart(3)}/${st.runs}` +
                `  train loss ${f(st.trainLoss, 4)}` +
                `  test accuracy ${f(percent(st.testAccuracy), 2)}%` +
                (st.sharpness
                  ? `  sharpness ${f(st.sharpness, 3)}` +
                    (st.sharpness.twoOverEta !== null ? ` (2/η = ${st.sharpness.twoOverEta.toPrecision(4)})` : '')
                  : ''),
            );
            return [head, ...rows, ...errors].join('\n') + '\n';
          },
        );
      }
      if (failed.length) process.exitCode = 1;
    });
}
