// `saddle reproduce [--only id,…] [--out report/] [--quick] [--seed n] [--json]`: every claim of the
// chapter as an experiment: per experiment <out>/<id>/result.json and its figures (SVG and PNG),
// then <out>/index.html. Files are written atomically; a failed experiment is reported and the
// others still run (the exit code is then 1).
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXPERIMENTS, param, reportHtml, runExperiment, type ReportEntry } from '../experiments/index.js';
import { VERSION } from '../version.js';
import { UsageError } from './arguments.js';
import { encodeFigure } from './figures.js';
import { makeDirectory, writeAtomic } from './files.js';
import { seedOption } from './options.js';
import { progressBar } from './progress.js';
import { printResult, toJson } from './output.js';
import { setupNodeKernels } from './node-runtime.js';

interface Flags {
  only?: string[];
  out: string;
  quick?: boolean;
  seed: number;
  json?: boolean;
  set?: string;
}

const IDS = EXPERIMENTS.map((e) => e.id);

/** "a,b" → ['a', 'b']: at least one, each an experiment; `--only ,,,` used to run nothing and exit 0. */
function parseOnly(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !IDS.includes(id));
  if (bad === '')
    throw new InvalidArgumentError(`It names no experiment between two commas; the experiments are ${IDS.join(', ')}.`);
  if (bad !== undefined)
    throw new InvalidArgumentError(`There is no experiment '${bad}'; the experiments are ${IDS.join(', ')}.`);
  return ids;
}

/** A figure as result.json lists it: its files beside the JSON. */
const figureEntry = (f: { name: string; caption: string }) => ({
  name: f.name,
  caption: f.caption,
  svg: `${f.name}.svg`,
  png: `${f.name}.png`,
});

export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(
      're-derive every claim of the chapter as an experiment: numbers, figures, a verdict each, and an HTML report',
    )
    .addOption(
      new Option('--only <ids>', `comma-separated experiments (default: all): ${IDS.join(', ')}`).argParser(parseOnly),
    )
    .option('--out <dir>', 'where to write the report', 'report')
    .option('--quick', 'smaller sizes (under two minutes in all)')
    .addOption(seedOption('the seed every experiment starts from', 1))
    .option(
      '--set <values>',
      'experiment controls, e.g. "random-matrix.k=5,newton-saddles.newtonLr=0.5" (the web lab\'s sliders)',
    )
    .option('--json', 'print a JSON summary (id, verdict, seconds, files) instead of the table')
    .action(async (flags: Flags) => {
      const { seed } = flags;
      const ids = flags.only ?? IDS;
      const chosen = EXPERIMENTS.filter((e) => ids.includes(e.id));
      const params = parseSettings(flags.set);
      makeDirectory(flags.out);
      setupNodeKernels();
      const started = performance.now();
      const entries: ReportEntry[] = [];
      const summary: { id: string; verdict: string; seconds: number; result?: string; error?: string }[] = [];
      for (const [k, e] of chosen.entries()) {
        const head = `[${k + 1}/${chosen.length}] ${e.id}`;
        const bar = progressBar({ json: flags.json, prefix: head, width: 20 });
        const onProgress = (fraction: number, what: string) => bar.update(fraction, 1, what.slice(0, 60));
        try {
          const result = await runExperiment(e, {
            quick: flags.quick ?? false,
            seed,
            onProgress,
            params: params.get(e.id),
          });
          const dir = join(flags.out, e.id);
          makeDirectory(dir);
          const figureFiles = result.figures.map((f) => {
            writeAtomic(join(dir, `${f.name}.svg`), f.svg);
            writeAtomic(join(dir, `${f.name}.png`), encodeFigure(f.svg, 'png'));
            return { svg: `${e.id}/${f.name}.svg`, png: `${e.id}/${f.name}.png`, caption: f.caption };
          });
          const { figures, ...rest } = result;
          writeAtomic(
            join(dir, 'result.json'),
            `${toJson({ ...rest, figures: figures.map(figureEntry), version: VERSION })}\n`,
          );
          entries.push({ result, figureFiles });
          summary.push({
            id: e.id,
            verdict: result.verdict,
            seconds: result.seconds,
            result: join(dir, 'result.json'),
          });
          bar.clear();
          if (!flags.json) process.stdout.write(`${head}: ${result.verdict} (${result.seconds.toFixed(1)} s)\n`);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          entries.push({ failed: { id: e.id, title: e.title, claim: e.claim, error: message } });
          summary.push({ id: e.id, verdict: 'failed', seconds: 0, error: message });
          bar.clear();
          process.stderr.write(`${head}: failed: ${message}\n`);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const index = join(flags.out, 'index.html');
      writeAtomic(index, reportHtml(entries, { version: VERSION, quick: flags.quick ?? false, seed, seconds }));
      printResult(
        flags.json,
        () => ({ report: index, seed, quick: flags.quick ?? false, seconds, experiments: summary }),
        () => `wrote ${index} (${seconds.toFixed(0)} s)`,
      );
      if (summary.some((s) => s.verdict === 'failed')) process.exitCode = 1;
    });
}

/** "id.name=value,…" → controls per experiment, each checked against the experiment's declared controls. */
function parseSettings(text: string | undefined): Map<string, Record<string, number | string>> {
  const out = new Map<string, Record<string, number | string>>();
  if (!text) return out;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^([a-z0-9-]+)\.([A-Za-z]+)=(.+)$/.exec(part);
    if (!m) throw new UsageError(`--set: '${part}' is not experiment.control=value, e.g. random-matrix.k=5`);
    const [, id, name, raw] = m;
    const e = EXPERIMENTS.find((x) => x.id === id);
    if (!e) throw new UsageError(`--set: no experiment '${id}'`);
    const control = e.controls?.find((c) => c.name === name);
    if (!control)
      throw new UsageError(
        `--set: ${id} has no control '${name}'` +
          (e.controls?.length ? `; its controls are ${e.controls.map((c) => c.name).join(', ')}` : ' (it has none)'),
      );
    const value = control.kind === 'number' ? Number(raw) : raw;
    try {
      param<number | string>({ quick: true, seed: 0, params: { [name]: value } }, control);
    } catch (err) {
      throw new UsageError(`--set ${part}: ${(err as Error).message}`);
    }
    out.set(id, { ...(out.get(id) ?? {}), [name]: value });
  }
  return out;
}
