// `saddle landscape --params p.safetensors [--to q.safetensors] --mode interpolate|slice|pca --grid 51x51
//  --range -1:1 [--normalize filter|layer|none] --data mnist --examples N [--test M] [--plot f.svg|png] [--json]
//  [--out grid.json [--resume]]`: the loss (and accuracy) of a network along a line or over a plane through its
// parameters (Goodfellow et al. 2015; Li et al. 2018). The grid is written to --out as it fills, atomically, with
// unfinished points null, and --resume continues a killed run where it stopped.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  emptyResult,
  LANDSCAPE_MODES,
  NORMALIZATIONS,
  pendingPoints,
  recordPoint,
  type LandscapeMode,
  type LandscapeResult,
  type Normalization,
  type PointMetrics,
} from '../curvature/index.js';
import { SaddleError } from '../core/errors.js';
import { sliceFigure } from '../experiments/index.js';
import { encodeSafetensors, mlpStateDict, type MlpParams } from '../models/index.js';
import { BlobSet, inlineExecutor, landscapeContext, type Job, type LandscapeSpec } from '../sweep/index.js';
import { VERSION } from '../version.js';
import { UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { readText, writeAtomic } from './files.js';
import { checkSameModel, loadNetwork, type NetworkFlags } from './network.js';
import { setupNodeKernels } from './node-runtime.js';
import {
  activationOption,
  choiceOption,
  dataOptions,
  integerOption,
  jsonOption,
  MAX_EXAMPLES,
  modelOption,
  seedOption,
  withOptions,
} from './options.js';
import { fromJson, printResult, toJson } from './output.js';
import { readBytes, readParams, readTrajectory, trajectoryPath } from './params.js';
import { poolExecutor } from './sweep-pool.js';
import { queueExecutor, redisOptions, sweepId } from './sweep-queue.js';
import { progressBar } from './progress.js';

/** Points of one picture: a 1001 × 1001 grid is a million loss evaluations over the data. */
const MAX_POINTS = 1_002_001;
/** The grid file is rewritten at most this often (and at the end). */
const WRITE_EVERY_MS = 1000;

interface Flags extends Omit<NetworkFlags, 'init' | 'dtype'> {
  params: string;
  to?: string;
  trajectory?: string;
  mode?: LandscapeMode;
  grid?: number[];
  range?: [number, number][];
  normalize: Normalization;
  keepBiases?: boolean;
  examples?: number;
  test: number;
  batch: number;
  surface?: boolean;
  plot?: string;
  out?: string;
  resume?: boolean;
  json?: boolean;
  workers: number;
  queue?: string;
  eigenRatio?: boolean;
  eigenExamples?: number;
  eigenSteps: number;
}

/** "51x51" → [51, 51]; "401" → [401]. */
export function parseGrid(text: string): number[] {
  const parts = text.trim().toLowerCase().split('x');
  const sizes = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : NaN));
  if (parts.length > 2 || sizes.some((n) => !(n >= 1 && n <= 1001)))
    throw new InvalidArgumentError('It must be n (a line) or nx×ny (a plane), e.g. 401 or 51x51, each from 1 to 1001.');
  return sizes;
}

/** "-1:1" → [[-1, 1]]; "-1:1,-0.5:0.5" → one range per axis. */
export function parseRanges(text: string): [number, number][] {
  return text.split(',').map((part) => {
    const m = /^\s*([^:]+):([^:]+)\s*$/.exec(part);
    const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi && Math.abs(lo) <= 1e6 && Math.abs(hi) <= 1e6))
      throw new InvalidArgumentError(
        `'${part}' is not lo:hi with lo ≤ hi, both within ±1e6; give one range (both axes) or x0:x1,y0:y1.`,
      );
    return [lo, hi];
  });
}

type Settings = Record<string, unknown>;

interface GridDocument extends LandscapeResult {
  settings: Settings;
  seconds: number;
}

/** A previous run's grid, to continue: its settings must be these. */
function readPrevious(path: string, settings: Settings): GridDocument {
  let doc: GridDocument;
  try {
    doc = fromJson(readText(path)) as GridDocument;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--resume: ${path} is not a grid written by saddle landscape (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.settings !== 'object' || doc.settings === null)
    throw new UsageError(`--resume: ${path} is not a grid written by saddle landscape (it has no settings)`);
  const differ = Object.keys({ ...settings, ...doc.settings }).filter(
    (k) => JSON.stringify(settings[k]) !== JSON.stringify(doc.settings[k]),
  );
  if (differ.length)
    throw new UsageError(
      `--resume: ${path} was computed with other settings (${differ
        .map((k) => `${k}: ${JSON.stringify(doc.settings[k])} there, ${JSON.stringify(settings[k])} now`)
        .join('; ')}); rerun with its settings or without --resume`,
    );
  return doc;
}

export function landscapeCommand(): Command {
  const command = new Command('landscape')
    .description(
      'the loss of a network along a line or over a plane through its parameters: interpolation between two ' +
        'parameter sets, random filter-normalised directions, or the PCA plane of the training trajectory',
    )
    .addOption(
      new Option('--params <file>', 'the network (.safetensors with torch names, or .json)').makeOptionMandatory(),
    )
    .option('--to <file>', 'interpolate: the other end (θ(α) = (1 − α)·params + α·to)')
    .option(
      '--trajectory <file>',
      'pca: the checkpoints of training (default: the .trajectory.safetensors that train --checkpoints ' +
        'wrote beside --params)',
    )
    .addOption(
      choiceOption(
        '--mode <mode>',
        'interpolate (needs --to), slice (random directions) or pca (default: interpolate with --to, else slice)',
        LANDSCAPE_MODES,
      ),
    )
    .addOption(
      new Option(
        '--grid <n|nxm>',
        'points: n on a line, nx×ny on a plane (default 401 for interpolate, else 51x51)',
      ).argParser(parseGrid),
    )
    .addOption(
      new Option(
        '--range <lo:hi[,lo:hi]>',
        'coordinates per axis (default -0.5:1.5 for interpolate, -1:1 for slice, the trajectory padded for pca)',
      ).argParser(parseRanges),
    )
    .addOption(
      choiceOption('--normalize <how>', 'slice: scale each random direction to the weights', NORMALIZATIONS, 'filter'),
    )
    .option('--keep-biases', 'slice: move biases too (default: the directions leave them, as loss-landscape does)')
    .addOption(modelOption("mlp:<in>-…-<out> (default: the file's)"))
    .addOption(activationOption("activation between layers (default: the file's, else relu)"));
  return withOptions(command, dataOptions('class'))
    .addOption(
      choiceOption('--loss <name>', 'ce: mean softmax cross-entropy; mse: ½‖f − y‖² averaged over examples', [
        'ce',
        'mse',
      ] as const).default('ce'),
    )
    .addOption(
      integerOption(
        '--examples <n>',
        'training examples (a seeded split, as saddle train --train n --test m --seed s makes it; ' +
          'default: all rows but --test)',
        1,
        MAX_EXAMPLES,
      ),
    )
    .addOption(integerOption('--test <m>', 'held-out examples for test loss and accuracy', 0, MAX_EXAMPLES, 0))
    .addOption(
      integerOption(
        '--batch <n>',
        "examples per evaluation batch (bounds memory; one batch gives saddle train's numbers bit for bit)",
        1,
        MAX_EXAMPLES,
        10_000,
      ),
    )
    .addOption(seedOption('seed of the split and of the random directions', 1))
    .option('--plot <file>', 'the figure (.svg or .png): a curve, or contours of the training loss')
    .option('--surface', 'draw a plane as a wireframe surface instead of contours')
    .option('--eigen-ratio', 'also λ_max, λ_min and |λ_min/λ_max| of the Hessian at every point (Lanczos; expensive)')
    .addOption(
      integerOption(
        '--eigen-examples <n>',
        'training examples of those Hessians (default: up to 1000)',
        1,
        MAX_EXAMPLES,
      ),
    )
    .addOption(integerOption('--eigen-steps <n>', 'Lanczos steps per point', 2, 10_000, 20))
    .option('--out <file.json>', 'write the grid here as it fills (atomically), to resume if the run is stopped')
    .option('--resume', 'continue the grid in --out where it stopped')
    .addOption(
      integerOption(
        '--workers <n>',
        'worker threads computing points (0: this thread; the result is the same bytes for any number)',
        0,
        256,
        availableParallelism(),
      ),
    )
    .option('--queue <url>', 'compute the points on saddle worker processes through this Redis (redis://host:6379)')
    .addOption(jsonOption())
    .action(async (flags: Flags) => {
      const mode: LandscapeMode = flags.mode ?? (flags.to ? 'interpolate' : 'slice');
      if (mode === 'interpolate' && !flags.to) throw new UsageError('--mode interpolate needs --to <file>');
      if (mode !== 'interpolate' && flags.to)
        throw new UsageError(`--to is the other end of an interpolation; --mode ${mode} does not use it`);
      if (mode !== 'pca' && flags.trajectory)
        throw new UsageError(`--trajectory is for --mode pca; --mode ${mode} does not use it`);
      const grid = flags.grid ?? (mode === 'interpolate' ? [401] : [51, 51]);
      if (mode === 'interpolate' && grid.length !== 1)
        throw new UsageError(`--grid ${grid.join('x')}: an interpolation is a line; give one number, e.g. --grid 401`);
      const points = grid.reduce((a, b) => a * b, 1);
      if (points > MAX_POINTS)
        throw new UsageError(`--grid ${grid.join('x')}: ${points} points; at most ${MAX_POINTS}`);
      const range = flags.range && flags.range.length === 1 ? grid.map(() => flags.range![0]) : flags.range;
      if (range && range.length !== grid.length)
        throw new UsageError(`--range: ${range.length} ranges for a grid of ${grid.length} axes`);
      if (flags.queue) redisOptions(flags.queue);
      if (flags.resume && !flags.out)
        throw new UsageError('--resume continues the grid in --out <file.json>; give --out');
      if (flags.out && !flags.out.toLowerCase().endsWith('.json'))
        throw new UsageError(`--out: ${flags.out} should be a .json file`);
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : undefined;
      if (flags.surface && grid.length !== 2) throw new UsageError('--surface draws a plane; give --grid nx×ny');
      const trajectoryFile = mode === 'pca' ? (flags.trajectory ?? trajectoryPath(flags.params)) : undefined;
      if (trajectoryFile && !existsSync(trajectoryFile))
        throw new UsageError(
          `--mode pca needs the checkpoints of training: ${trajectoryFile} does not exist (write it with ` +
            `saddle train --save ${flags.params} --checkpoints 20, or give --trajectory <file>)`,
        );
      setupNodeKernels();

      const net = await loadNetwork({ ...flags, init: 'he-uniform', dtype: 'float32' });
      const to = flags.to ? readParams(flags.to) : undefined;
      if (to) checkSameModel(net.sizes, to, flags.to!, '--to');
      const trajectoryBytes = trajectoryFile ? readBytes(trajectoryFile) : undefined;
      const trajectory = trajectoryFile ? readTrajectory(trajectoryFile, trajectoryBytes) : undefined;
      trajectory?.checkpoints.forEach((c, i) =>
        checkSameModel(net.sizes, c, trajectoryFile!, `checkpoint ${trajectory.steps[i]} of`),
      );
      const rows = net.data.x.shape[0];
      const nTrain = flags.examples ?? rows - flags.test;
      if (nTrain < 1 || nTrain + flags.test > rows)
        throw new UsageError(
          `--examples ${nTrain} and --test ${flags.test} need ${nTrain + flags.test} rows; the data has ${rows}`,
        );
      // Everything a worker needs, its files as blobs (parameters re-encoded as safetensors, whatever the format).
      const blobs = new BlobSet();
      const paramsBlob = (params: MlpParams) => blobs.add(encodeSafetensors(mlpStateDict(params)));
      const csv = flags.data.toLowerCase().endsWith('.csv');
      const spec: LandscapeSpec = {
        mode,
        params: await paramsBlob(net.params),
        ...(to ? { to: await paramsBlob(to.params) } : {}),
        ...(trajectoryBytes ? { trajectory: await blobs.add(trajectoryBytes) } : {}),
        data: csv
          ? {
              csv: await blobs.add(readBytes(flags.data)),
              target: flags.target!,
              standardize: Boolean(flags.standardize),
              source: flags.data,
            }
          : (flags.data as 'mnist' | 'iris'),
        activation: net.activation,
        loss: flags.loss,
        examples: nTrain,
        test: flags.test,
        seed: flags.seed,
        grid,
        ...(range ? { range } : {}),
        normalize: flags.normalize,
        biases: flags.keepBiases ? 'keep' : 'zero',
        batch: flags.batch,
        ...(flags.eigenRatio
          ? { eigen: { examples: Math.min(flags.eigenExamples ?? 1000, nTrain), steps: flags.eigenSteps } }
          : {}),
      };
      const { picture } = await landscapeContext(spec, blobs.get, net.data);
      const normalize = mode === 'slice' ? flags.normalize : null;
      const settings: Settings = {
        mode,
        model: net.model,
        activation: net.activation,
        params: { path: flags.params, sha256: spec.params.sha256 },
        to: flags.to ? { path: flags.to, sha256: spec.to!.sha256 } : null,
        trajectory: trajectoryFile ? { path: trajectoryFile, sha256: spec.trajectory!.sha256 } : null,
        data:
          typeof spec.data === 'string'
            ? spec.data
            : { path: flags.data, sha256: spec.data.csv.sha256, target: flags.target },
        standardize: Boolean(flags.standardize),
        loss: flags.loss,
        examples: nTrain,
        test: flags.test,
        grid,
        range: [picture.axes.x, picture.axes.y].flatMap((a) => (a ? [[a[0], a[a.length - 1]]] : [])),
        normalize,
        biases: mode === 'slice' ? spec.biases : null,
        seed: flags.seed,
        dtype: net.params.layers[0].w.dtype,
        eigen: spec.eigen ?? null,
      };
      let previousSeconds = 0;
      let result: LandscapeResult;
      if (flags.resume && existsSync(flags.out!)) {
        const doc = readPrevious(flags.out!, settings);
        const { settings: _s, seconds, ...rest } = doc;
        result = rest;
        previousSeconds = typeof seconds === 'number' ? seconds : 0;
      } else {
        if (flags.out && existsSync(flags.out) && !flags.resume) {
          let unfinished = false;
          try {
            const doc = fromJson(readText(flags.out)) as Partial<GridDocument>;
            unfinished = typeof doc.done === 'number' && typeof doc.points === 'number' && doc.done < doc.points;
          } catch {
            // Not a grid: written over like any output file.
          }
          if (unfinished)
            throw new UsageError(
              `--out: ${flags.out} holds an unfinished grid; continue it with --resume, or remove it to start again`,
            );
        }
        result = emptyResult(picture, { normalize, test: flags.test > 0, eigen: Boolean(spec.eigen) });
      }
      const started = performance.now();
      const document = (): GridDocument => ({
        ...result,
        settings,
        seconds: previousSeconds + (performance.now() - started) / 1000,
      });
      const save = () => {
        // A loss past float64's range is "Infinity", never null: null means a point not computed yet.
        if (flags.out) writeAtomic(flags.out, toJson(document(), 0));
      };
      const bar = progressBar({ json: flags.json });
      const pending = pendingPoints(result);
      let lastWrite = performance.now();
      const executor = flags.queue
        ? await queueExecutor({ url: flags.queue, blobs, sweep: `landscape-${await sweepId(spec)}` })
        : flags.workers === 0
          ? inlineExecutor(blobs.get)
          : poolExecutor({ blobs, workers: flags.workers });
      const jobs: Job[] = pending.map((k) => ({ id: `point${k}`, spec: { kind: 'landscape', spec, points: [k] } }));
      const failures: string[] = [];
      const who = executor.name === 'redis' ? 'queue' : `${executor.workers} workers`;
      try {
        await executor.run(jobs, {
          onResult: (job, metrics) => {
            const [k] = (job.spec as { points: number[] }).points;
            recordPoint(result, k, (metrics as PointMetrics[])[0]);
            bar.update(result.done, result.points, `${result.done}/${result.points} points (${who})`);
            if (flags.out && performance.now() - lastWrite >= WRITE_EVERY_MS) {
              save();
              lastWrite = performance.now();
            }
          },
          onError: (job, message) => failures.push(`${job.id}: ${message}`),
        });
      } finally {
        await executor.close();
      }
      bar.clear();
      save();
      if (failures.length)
        throw new SaddleError(
          `${failures.length} of ${pending.length} points failed (${failures[0]}); ` +
            (flags.out ? `the others are in ${flags.out}; --resume retries the failed ones` : 'nothing was written'),
        );
      if (flags.plot) {
        const what = mode === 'interpolate' ? `${flags.params} → ${flags.to}` : `${mode} around ${flags.params}`;
        const title = `${net.model}: ${what}`;
        writeAtomic(flags.plot, encodeFigure(sliceFigure(result, { title, surface: flags.surface }), plotFormat!));
      }
      const doc = { ...document(), version: VERSION };
      printResult(
        flags.json,
        () => doc,
        () => table(doc),
      );
    });
}

function table(doc: GridDocument): string {
  const { axes } = doc;
  const flat = (v: LandscapeResult['trainLoss'] | undefined) => (v ?? []).flat().filter((x): x is number => x !== null);
  const losses = flat(doc.trainLoss);
  const lo = losses.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = losses.reduce((a, b) => Math.max(a, b), -Infinity);
  const lines = [
    `${doc.settings.model}, ${doc.mode}${doc.normalize ? ` (${doc.normalize} normalisation)` : ''}: ` +
      `${doc.points} points on ${axes.y ? `${axes.x.length}×${axes.y.length}` : axes.x.length}, ` +
      `training loss from ${lo.toPrecision(4)} to ${hi.toPrecision(4)}`,
  ];
  if (doc.mode === 'interpolate') {
    const at = (a: number) => axes.x.indexOf(a);
    for (const [a, name] of [
      [0, 'params'],
      [1, 'to'],
    ] as const)
      if (at(a) >= 0) {
        const loss = (doc.trainLoss as (number | null)[])[at(a)];
        const acc = (doc.trainAccuracy as (number | null)[])[at(a)];
        lines.push(
          `  α = ${a} (${name}): training loss ${loss?.toPrecision(6)}` +
            (acc === null ? '' : `, accuracy ${(100 * acc).toFixed(2)}%`),
        );
      }
  }
  if (doc.explainedVariance) {
    const [a, b] = doc.explainedVariance;
    const worst = (doc.relativeResiduals ?? []).reduce((m, v) => Math.max(m, v), 0);
    lines.push(
      `  PCA: explained variance ${(100 * a).toFixed(1)}% + ${(100 * b).toFixed(1)}% = ` +
        `${(100 * (a + b)).toFixed(1)}%; ` +
        `the farthest checkpoint lies ${(100 * worst).toFixed(1)}% of its distance off the plane` +
        (worst > 0.3 ? ' (the picture misleads there)' : ''),
    );
  }
  lines.push(`  ${doc.done}/${doc.points} points, ${doc.seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
