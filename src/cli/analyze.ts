// `saddle analyze "<expr>" --box "x=-1:2[,y=a:b]" [--maximize] [--json]`: every stationary point in
// the box, certified and classified, the global extrema with the boundary, and convexity. What is not
// proved is marked so on its own line of the table, and in the JSON.
import { Command } from 'commander';
import { compile, parseBox } from '../expr/index.js';
import { analyze, type AnalysisReport, type ReportExtremum, type ReportRegion } from '../landscape/index.js';
import { landscapeFigure } from '../experiments/index.js';
import { UsageError } from './arguments.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';
import { formatNumber } from './format.js';
import { jsonOption } from './options.js';
import { printResult } from './output.js';

const fmt = formatNumber;
const at = (p: Record<string, number>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} = ${fmt(v)}`)
    .join(', ');
/** The text table names at most this many unresolved regions (the JSON has them all). */
const MAX_REGION_LINES = 8;

function region(r: AnalysisReport, u: ReportRegion): string {
  const where = u.box.map((b, i) => `${r.variables[i]} ∈ [${fmt(b.lo)}, ${fmt(b.hi)}]`).join(', ');
  const values = u.valueRange ? `; f ∈ [${fmt(u.valueRange[0])}, ${fmt(u.valueRange[1])}]` : '; f not bounded there';
  const boxes = u.boxes === 1 ? '' : `, ${u.boxes} boxes`;
  return `  unresolved (${u.kind}${boxes}): ${u.reason} (in ${where}${values})`;
}

function extremum(name: string, e: ReportExtremum): string {
  const where = `${name} ${fmt(e.value)} at ${at(e.point)} (${e.onBoundary ? 'on the boundary' : 'interior'}`;
  if (e.certified) return `${where}, certified)`;
  const bound = e.bound === undefined ? '' : `; proved bound ${fmt(e.bound)}`;
  return `${where}) NOT certified: ${e.reason ?? 'not proved'}${bound}`;
}

export function formatReport(r: AnalysisReport): string {
  const ranges = r.variables.map((v) => `${v} ∈ [${r.box[v].join(', ')}]`).join(', ');
  const lines = [`f(${r.variables.join(', ')}) = ${r.maximize ? `-(${r.objective})` : r.objective}   on ${ranges}`];
  const certified = r.stationaryPoints.filter((p) => p.certified).length;
  const completeness = r.complete ? ', complete' : ', NOT complete';
  lines.push(`stationary points: ${r.stationaryPoints.length} (${certified} certified)${completeness}`);
  const rows = r.stationaryPoints.map((p) => [
    at(p.point),
    fmt(p.value),
    p.kind,
    p.eigenvalues.map((e) => e.toPrecision(4)).join(' '),
    p.certified ? 'yes' : 'no',
  ]);
  const header = ['point', 'value', 'kind', 'eigenvalues', 'certified'];
  // A loop, not Math.max(...rows): a spread of many rows into arguments overflows the call stack.
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  if (rows.length) {
    lines.push(`  ${header.map((h, i) => h.padEnd(widths[i])).join('  ')}`);
    for (const row of rows) lines.push(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  }
  for (const u of r.unresolved.slice(0, MAX_REGION_LINES)) lines.push(region(r, u));
  if (r.unresolved.length > MAX_REGION_LINES) {
    lines.push(`  … and ${r.unresolved.length - MAX_REGION_LINES} more unresolved regions (--json lists them all)`);
  }
  lines.push(extremum('global minimum', r.globalMinimum), extremum('global maximum', r.globalMaximum));
  const c = r.convexity;
  const convex =
    c.verdict === 'convex'
      ? 'convex (proved)'
      : c.verdict === 'not convex'
        ? `not convex (Hessian eigenvalue ${fmt(c.witness.eigenvalue)} at ${at(c.witness.point)})`
        : `undecided (${c.reason})`;
  lines.push(`convexity: ${convex}`, `work: ${r.boxesExamined} boxes of a budget of ${r.workBudget}`);
  return lines.join('\n');
}

interface AnalyzeFlags {
  box: string;
  maximize?: boolean;
  json?: boolean;
  plot?: string;
}

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('every stationary point in a box, certified and classified; global extrema; convexity')
    .argument('<expression>', 'the objective, e.g. "x*cos(pi*x)"; one starting with "-" may follow "--"')
    .requiredOption('--box <ranges>', 'the box, e.g. "x=-1:2,y=-1:1"')
    .option('--maximize', 'use the negative of the expression (maximisation as minimisation)')
    .option('--plot <file>', 'also draw the objective with its stationary points (.svg or .png)')
    .addOption(jsonOption())
    .action((expression: string, options: AnalyzeFlags) => {
      const plotFormat = options.plot ? checkFigurePath(options.plot) : 'svg';
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const box = parseBox(options.box, objective.variables, '--box');
      const report = analyze(objective, box);
      const undefinedRegion = report.unresolved.find((u) => u.kind === 'undefined');
      if (undefinedRegion) {
        throw new UsageError(
          `${undefinedRegion.reason} inside the box ${options.box}; choose a box where ${objective.text} is defined`,
        );
      }
      if (options.plot) {
        writeAtomic(options.plot, encodeFigure(landscapeFigure(objective, box, undefined, report), plotFormat));
      }
      printResult(
        options.json,
        () => {
          // The JSON is deterministic: the run time varies from run to run, so it is left out.
          const { seconds: _seconds, ...deterministic } = report;
          return deterministic;
        },
        () => formatReport(report),
      );
    });
}
