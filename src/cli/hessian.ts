// `saddle hessian --params p.safetensors --model mlp:784-1024-1024-10 --data mnist --examples 2000
//  [--kind hessian|ggn|fisher] [--top 5] [--bottom 1] [--trace] [--density] [--layers] [--dtype] [--seed]
//  [--json] [--plot density.svg]`: the curvature of a network's loss over a fixed set of examples.
import { Command } from 'commander';
import type { DType } from '../core/dtype.js';
import {
  CURVATURE_KINDS,
  curvatureOperator,
  curvatureReport,
  namedLoss,
  type CurvatureKind,
  type CurvatureReport,
} from '../curvature/index.js';
import { densityFigure } from '../experiments/index.js';
import { mlpStateDict, encodeSafetensors, type Activation, type Initializer, type MlpParams } from '../models/index.js';
import { VERSION } from '../version.js';
import { UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';
import { setupNodeKernels } from './node-runtime.js';
import {
  activationOption,
  choiceOption,
  dataOptions,
  dtypeOption,
  initOption,
  integerOption,
  jsonOption,
  MAX_EXAMPLES,
  modelOption,
  numberOption,
  seedOption,
  withOptions,
} from './options.js';
import { printResult } from './output.js';
import { loadNetwork } from './network.js';
import { progressBar } from './progress.js';

/** Eigenpairs asked for at once; Lanczos keeps a basis of several times as many vectors. */
const MAX_EIGENPAIRS = 1000;
/** Hessian-vector products (or steps, probes, runs) one flag may ask for. */
const MAX_PRODUCTS = 1_000_000;

interface Flags {
  params?: string;
  model?: number[];
  activation?: Activation;
  init: Initializer;
  data: string;
  target?: string;
  standardize?: boolean;
  loss: 'ce' | 'mse';
  examples?: number;
  batch: number;
  kind: CurvatureKind;
  select?: string;
  top: number;
  bottom: number;
  tol: number;
  steps?: number;
  trace?: boolean;
  probes: number;
  hutchpp?: boolean;
  density?: boolean;
  slqSteps: number;
  runs: number;
  sigma?: number;
  layers?: boolean;
  spread?: number;
  gradient?: boolean;
  lowMemory?: boolean;
  method: 'lanczos' | 'power';
  dtype: DType;
  seed: number;
  json?: boolean;
  plot?: string;
  saveVectors?: string;
}

/** torch nn.Sequential names for saddle's MLP leaves: layers.k.w ↔ (2k).weight, layers.k.b ↔ (2k).bias. */
export function torchName(leaf: string): string {
  const m = /^layers\.(\d+)\.([wb])$/.exec(leaf);
  return m ? `${2 * Number(m[1])}.${m[2] === 'w' ? 'weight' : 'bias'}` : leaf;
}

function selection(text: string | undefined): 'all' | 'weights' | 'biases' | string[] {
  if (text === undefined || text === 'all' || text === 'weights' || text === 'biases') return (text ?? 'all') as 'all';
  return text.split(',').map((name) => {
    const m = /^(\d+)\.(weight|bias)$/.exec(name.trim());
    if (!m || Number(m[1]) % 2 !== 0)
      throw new UsageError(
        `--select: '${name}' is not all, weights, biases or a layer's tensor such as 0.weight or 2.bias`,
      );
    return `layers.${Number(m[1]) / 2}.${m[2] === 'weight' ? 'w' : 'b'}`;
  });
}

export function hessianCommand(): Command {
  const command = new Command('hessian')
    .description(
      "curvature of a network's loss over a fixed set of examples: top/bottom eigenvalues, trace, " +
        'spectral density, per layer',
    )
    .option(
      '--params <file>',
      "trained parameters (.safetensors with torch nn.Sequential names, or saddle's .json); " +
        'default: a fresh initialisation',
    )
    .addOption(modelOption('mlp:<in>-<hidden>-…-<out> (default: the shapes in --params)'))
    .addOption(activationOption("activation between layers (default: the file's, else relu)"))
    .addOption(initOption('initialiser when no --params is given', 'he-uniform'));
  return withOptions(command, dataOptions('target'))
    .addOption(
      choiceOption(
        '--loss <name>',
        'ce: mean softmax cross-entropy; mse: ½‖f − y‖² summed over outputs, ' + 'mean over examples',
        ['ce', 'mse'] as const,
        'ce',
      ),
    )
    .addOption(
      integerOption(
        '--examples <n>',
        'a seeded random subset of this many examples (default: every row)',
        1,
        MAX_EXAMPLES,
      ),
    )
    .addOption(
      integerOption(
        '--batch <n>',
        'examples per batch (products are accumulated over batches, weighted by size)',
        1,
        MAX_EXAMPLES,
        1000,
      ),
    )
    .addOption(choiceOption('--kind <kind>', 'which curvature matrix', CURVATURE_KINDS, 'hessian'))
    .option('--select <names>', 'parameters: all, weights, biases, or tensors like 0.weight,2.bias')
    .addOption(integerOption('--top <k>', 'largest eigenvalues', 0, MAX_EIGENPAIRS, 5))
    .addOption(
      integerOption('--bottom <k>', 'smallest eigenvalues (negative ones show a saddle)', 0, MAX_EIGENPAIRS, 1),
    )
    .addOption(numberOption('--tol <r>', 'converged when ‖Mv − λv‖/|λ| ≤ r', { min: 0, max: 1, open: 'both' }, 0.001))
    .addOption(
      integerOption('--steps <n>', 'most Lanczos steps for the eigenvalues (default max(80, 8k))', 2, MAX_PRODUCTS),
    )
    .addOption(choiceOption('--method <name>', 'eigenvalue method', ['lanczos', 'power'] as const, 'lanczos'))
    .option('--trace', 'estimate the trace (Hutchinson, Rademacher probes)')
    .addOption(
      integerOption('--probes <n>', 'products for the trace (at least 6 with --hutchpp)', 2, MAX_PRODUCTS, 100),
    )
    .option('--hutchpp', 'estimate the trace by Hutch++ instead of Hutchinson')
    .option('--density', 'spectral density by stochastic Lanczos quadrature')
    .addOption(integerOption('--slq-steps <m>', 'Lanczos steps per SLQ run', 2, MAX_PRODUCTS, 80))
    .addOption(integerOption('--runs <n>', 'SLQ runs', 1, MAX_PRODUCTS, 1))
    .addOption(
      numberOption(
        '--sigma <s>',
        'Gaussian broadening of the density, as a standard deviation ' + '(default 1% of the range)',
        { min: 0, max: 1e300, open: 'min' },
      ),
    )
    .option('--layers', 'top eigenvalue and trace of every parameter tensor on its own')
    .addOption(
      integerOption(
        '--spread <batches>',
        'λ_max on this many disjoint batches of --batch examples ' + '(its spread across batches)',
        2,
        MAX_PRODUCTS,
      ),
    )
    .option('--gradient', 'fraction of ‖∇L‖² in the span of the top eigenvectors')
    .option('--low-memory', 'Lanczos without a stored basis (3 vectors instead of m); eigenvectors by a second pass')
    .addOption(dtypeOption('float32'))
    .addOption(seedOption('seed of the subset, the start vectors and the probes', 1))
    .option('--save-vectors <file.safetensors>', 'save the eigenvectors (torch names, prefixed top1., …, bottom1.)')
    .option('--plot <file>', 'the spectral density (.svg or .png); implies --density')
    .addOption(jsonOption())
    .action(async (flags: Flags) => {
      const { dtype, seed, top, bottom, tol, steps: maxSteps, batch: batchSize, probes, slqSteps, runs, sigma } = flags;
      if (flags.hutchpp && probes < 6) throw new UsageError(`--probes ${probes}: Hutch++ needs at least 6 products`);
      const spreadBatches = flags.spread;
      const plotFormat = flags.plot ? checkFigurePath(flags.plot) : undefined;
      if (flags.saveVectors && !flags.saveVectors.toLowerCase().endsWith('.safetensors')) {
        throw new UsageError(`--save-vectors: ${flags.saveVectors} should be a .safetensors file`);
      }
      if ((flags.gradient || flags.saveVectors) && top === 0)
        throw new UsageError('--gradient and --save-vectors need --top ≥ 1');
      const select = selection(flags.select);
      setupNodeKernels();

      const { params, data, activation, source, model } = await loadNetwork(flags);
      const examples = flags.examples;
      if (examples !== undefined && examples > data.x.shape[0])
        throw new UsageError(`--examples ${examples}: the data has ${data.x.shape[0]} rows`);
      const loss = namedLoss(flags.loss, activation);
      const op = curvatureOperator({ loss, params, data, batchSize, kind: flags.kind, select, dtype, examples, seed });

      const bar = progressBar({ json: flags.json });
      const report = curvatureReport(op, {
        seed,
        top,
        bottom,
        tol,
        maxSteps,
        method: flags.method,
        lowMemory: flags.lowMemory,
        trace: flags.trace ? { probes, method: flags.hutchpp ? 'hutch++' : 'hutchinson' } : false,
        density: flags.density || flags.plot ? { steps: slqSteps, runs, sigma } : false,
        layers: flags.layers,
        gradient: flags.gradient,
        vectors: Boolean(flags.saveVectors),
        spread: spreadBatches ? { batches: spreadBatches, batchSize } : undefined,
        onProgress: (stage, done, of) => bar.update(done, of, `${done}/${of} products (${stage})`),
      });
      bar.clear();
      if (flags.saveVectors && report.vectors) {
        const tensors = {};
        report.vectors.forEach((v, i) => {
          const label = i < report.top.length ? `top${i + 1}` : `bottom${i - report.top.length + 1}`;
          for (const [name, t] of Object.entries(mlpStateDict(op.toTree(v) as MlpParams)))
            Object.assign(tensors, { [`${label}.${name}`]: t });
        });
        writeAtomic(flags.saveVectors, encodeSafetensors(tensors, { model, kind: op.kind, saddle_version: VERSION }));
      }
      if (flags.plot && report.density) {
        const svg = densityFigure(report.density, {
          eigenvalues: report.top.map((p) => p.value),
          title: `${model}: ${op.kind} spectral density (${op.examples} examples)`,
        });
        writeAtomic(flags.plot, encodeFigure(svg, plotFormat!));
      }
      const document = toJson(report, { model, activation, params: source, data: flags.data, loss: flags.loss });
      printResult(
        flags.json,
        () => document,
        () => table(document, report),
      );
    });
}

function toJson(
  r: CurvatureReport,
  info: { model: string; activation: string; params: string; data: string; loss: string },
) {
  const layers = r.layers?.map((l) => ({ ...l, name: torchName(l.name) }));
  return {
    model: info.model,
    activation: info.activation,
    params: info.params,
    data: { name: info.data, examples: r.examples },
    kind: r.kind,
    dtype: r.dtype,
    loss: r.loss,
    lossNormalization: r.lossNormalization,
    parameters: r.parameters,
    batchSize: r.batchSize,
    seed: r.seed,
    top: r.top,
    bottom: r.bottom,
    lanczos: r.lanczos ?? null,
    trace: r.trace ?? null,
    density: r.density ?? null,
    negativeMass: r.negativeMass,
    ratio: r.ratio,
    outliers: r.outliers,
    ...(layers ? { layers } : {}),
    ...(r.spread ? { spread: r.spread } : {}),
    ...(r.gradient ? { gradient: r.gradient } : {}),
    hvps: r.hvps,
    seconds: r.seconds,
  };
}

function table(doc: ReturnType<typeof toJson>, r: CurvatureReport): string {
  const g = (v: number) => v.toPrecision(6);
  const lines = [
    `${doc.model} (${doc.activation}), ${r.parameters} parameters, ${doc.params}`,
    `${doc.kind} of the ${doc.loss} over ${r.examples} examples of ${doc.data.name} (${r.dtype}); ` +
      `loss: ${r.lossNormalization}`,
  ];
  const pair = (label: string, p: CurvatureReport['top'][number]) =>
    `  ${label.padEnd(10)} ${g(p.value).padStart(14)}   residual ${p.residual.toExponential(1)}` +
    (p.converged ? '' : '  (not converged)');
  r.top.forEach((p, i) => lines.push(pair(`λ${i + 1}`, p)));
  r.bottom.forEach((p, i) => lines.push(pair(i === 0 ? 'λ_min' : `λ_min+${i}`, p)));
  const neg = r.bottom.filter((p) => p.value + p.bound < 0).length;
  if (r.bottom.length)
    lines.push(
      neg > 0
        ? `  negative curvature: proved (λ_min + its residual bound < 0): a saddle, not a minimum`
        : '  no negative eigenvalue proved among the bottom ones',
    );
  if (r.trace)
    lines.push(
      `  trace      ${g(r.trace.estimate)} ± ${r.trace.stderr.toPrecision(2)} ` +
        `(${r.trace.method}, ${r.trace.probes} probes)`,
    );
  if (r.negativeMass !== null)
    lines.push(
      `  spectral mass below −σ: ${(100 * r.negativeMass).toFixed(2)}% ` +
        `(SLQ, σ = ${r.density!.sigma.toPrecision(2)})`,
    );
  if (r.ratio !== null) lines.push(`  |λ_min/λ_max| = ${r.ratio.toPrecision(3)}`);
  if (r.outliers)
    lines.push(
      `  outliers above the bulk: ${r.outliers.count} (gap ratio ${r.outliers.ratio.toPrecision(3)}; ` +
        `bulk from ${g(r.outliers.bulkEdge)})`,
    );
  for (const l of doc.layers ?? [])
    lines.push(
      `  ${l.name.padEnd(10)} λ_max ${g(l.top.value)}  trace ${g(l.trace.estimate)} ± ` +
        `${l.trace.stderr.toPrecision(2)}  (${l.parameters} parameters)`,
    );
  if (r.spread)
    lines.push(
      `  λ_max over ${r.spread.values.length} disjoint batches of ${r.spread.batchSize}: mean ${g(r.spread.mean)}, ` +
        `sd ${r.spread.std.toPrecision(3)}, from ${g(r.spread.min)} to ${g(r.spread.max)}`,
    );
  if (r.gradient)
    lines.push(
      `  gradient: ‖∇L‖ = ${g(r.gradient.norm)}, ${(100 * r.gradient.fractionInTop).toFixed(1)}% of ‖∇L‖² ` +
        `in the top-${r.gradient.k} eigenspace`,
    );
  lines.push(`  ${r.hvps} products, ${r.seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
