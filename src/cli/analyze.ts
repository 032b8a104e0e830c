// `saddle analyze "<expr>" --box "x=-1:2[,y=a:b]" [--maximize] [--json]`: every stationary point in
// the box, certified and classified, the global extrema with the boundary, and convexity.
import { Command } from 'commander';
import { compile, parseBox } from '../expr/index.js';
import { analyze, type AnalysisReport } from '../landscape/index.js';
import { VERSION } from '../version.js';
import { formatNumber } from './format.js';
import { UsageError } from './arguments.js';
import { landscapeFigure } from '../experiments/index.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';

const fmt = formatNumber;
const at = (p: Record<string, number>) => Object.entries(p).map(([k, v]) => `${k} = ${fmt(v)}`).join(', ');

export function formatReport(r: AnalysisReport): string {
  const lines = [`f(${r.variables.join(', ')}) = ${r.maximize ? `-(${r.objective})` : r.objective}   on ${r.variables.map((v) => `${v} ∈ [${r.box[v].join(', ')}]`).join(', ')}`];
  const certified = r.stationaryPoints.filter((p) => p.certified).length;
  lines.push(`stationary points: ${r.stationaryPoints.length} (${certified} certified)${r.complete ? ', complete' : ', NOT complete'}`);
  const rows = r.stationaryPoints.map((p) => [at(p.point), fmt(p.value), p.kind, p.eigenvalues.map((e) => e.toPrecision(4)).join(' '), p.certified ? 'yes' : 'no']);
  const header = ['point', 'value', 'kind', 'eigenvalues', 'certified'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  if (rows.length) {
    lines.push(`  ${header.map((h, i) => h.padEnd(widths[i])).join('  ')}`);
    for (const row of rows) lines.push(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  }
  for (const u of r.unresolved) {
    lines.push(`  unresolved: ${u.reason} (in ${u.box.map((b, i) => `${r.variables[i]} ∈ [${fmt(b.lo)}, ${fmt(b.hi)}]`).join(', ')})`);
  }
  const extremum = (name: string, e: AnalysisReport['globalMinimum']) =>
    `${name} ${fmt(e.value)} at ${at(e.point)} (${e.onBoundary ? 'on the boundary' : 'interior'})`;
  lines.push(extremum('global minimum', r.globalMinimum), extremum('global maximum', r.globalMaximum));
  const c = r.convexity;
  lines.push(`convexity: ${c.verdict === 'convex' ? 'convex (proved)' : c.verdict === 'not convex' ? `not convex (Hessian eigenvalue ${fmt(c.witness.eigenvalue)} at ${at(c.witness.point)})` : `undecided (${c.reason})`}`);
  return lines.join('\n');
}

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('every stationary point in a box, certified and classified; global extrema; convexity')
    .argument('<expression>', 'the objective, e.g. "x*cos(pi*x)"')
    .requiredOption('--box <ranges>', 'the box, e.g. "x=-1:2,y=-1:1"')
    .option('--maximize', 'use the negative of the expression (maximisation as minimisation)')
    .option('--plot <file>', 'also draw the objective with its stationary points (.svg or .png)')
    .option('--json', 'print one JSON document')
    .action((expression: string, options: { box: string; maximize?: boolean; json?: boolean; plot?: string }) => {
      const plotFormat = options.plot ? checkFigurePath(options.plot) : 'svg';
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const box = parseBox(options.box, objective.variables, '--box');
      const report = analyze(objective, box);
      const undefinedRegion = report.unresolved.find((u) => u.kind === 'undefined');
      if (undefinedRegion) {
        throw new UsageError(`${undefinedRegion.reason} inside the box ${options.box}; choose a box where ${objective.text} is defined`);
      }
      if (options.plot) writeAtomic(options.plot, encodeFigure(landscapeFigure(objective, box, undefined, report), plotFormat));
      if (options.json) {
        const { seconds: _seconds, ...deterministic } = report;
        process.stdout.write(`${JSON.stringify({ ...deterministic, version: VERSION }, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatReport(report)}\n`);
      }
    });
}
