// `saddle analyze "<expr>" --box "x=-1:2[,y=a:b]" [--maximize] [--json]`: every stationary point in
// the box, certified and classified, the global extrema with the boundary, and convexity. What is not
// proved is marked so on its own line of the table, and in the JSON.
import { Command } from 'commander';
import { compile, parseBox } from '../expr/index.js';
import { analyze, type AnalysisReport, type ReportExtremum, type ReportRegion } from '../landscape/index.js';
import { VERSION } from '../version.js';
import { formatNumber } from './format.js';
import { UsageError } from './arguments.js';
import { landscapeFigure } from '../experiments/index.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';

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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
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

/**
 * An argument that starts with '-' but cannot be an option name (-(x^2), -x*y, -2*x) is the expression:
 * it is moved behind a '--' so that commander takes it as the positional argument.
 */
export function expressionOperand(args: readonly string[], valueOptions: readonly string[]): string[] {
  const out: string[] = [];
  let expression: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return expression === null ? [...args] : [...out, ...args.slice(i), expression];
    if (valueOptions.includes(a)) {
      out.push(a, ...(i + 1 < args.length ? [args[++i]] : []));
      continue;
    }
    if (expression === null && a.length > 1 && a.startsWith('-') && !/^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/.test(a)) {
      expression = a;
      continue;
    }
    out.push(a);
  }
  return expression === null ? out : [...out, '--', expression];
}

/** Takes an expression that starts with '-' as the positional argument rather than as an unknown option. */
class ExpressionCommand extends Command {
  override parseOptions(argv: string[]): { operands: string[]; unknown: string[] } {
    const valueOptions = this.options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.long, o.short])
      .filter((f): f is string => f !== undefined);
    return super.parseOptions(expressionOperand(argv, valueOptions));
  }
}

interface AnalyzeFlags {
  box?: string;
  maximize?: boolean;
  json?: boolean;
  plot?: string;
}

export function analyzeCommand(): Command {
  const command = new ExpressionCommand('analyze');
  return (
    command
      .description('every stationary point in a box, certified and classified; global extrema; convexity')
      .argument('<expression>', 'the objective, e.g. "x*cos(pi*x)"; one starting with "-" may follow "--"')
      // Not commander's requiredOption: after `analyze -- "-(x^2)" --box …` commander has taken --box for
      // an operand, and it is parsed here from the operands before the check.
      .option('--box <ranges>', 'the box, e.g. "x=-1:2,y=-1:1" (required)')
      .option('--maximize', 'use the negative of the expression (maximisation as minimisation)')
      .option('--plot <file>', 'also draw the objective with its stationary points (.svg or .png)')
      .option('--json', 'print one JSON document')
      .allowExcessArguments()
      .action((expression: string) => {
        const extra = command.args.slice(1);
        if (extra.length > 0) {
          const rest = command.parseOptions(extra);
          const left = [...rest.operands, ...rest.unknown];
          if (left.length > 0) {
            throw new UsageError(
              `analyze takes one expression; '${left[0]}' is extra (quote the expression if it ` + 'has spaces)',
            );
          }
        }
        const options = command.opts<AnalyzeFlags>();
        if (options.box === undefined)
          throw new UsageError('analyze needs a box: add --box "x=-1:2" (one range per variable)');
        const plotFormat = options.plot ? checkFigurePath(options.plot) : 'svg';
        const objective = compile(expression, { maximize: options.maximize ?? false });
        const box = parseBox(options.box, objective.variables, '--box');
        const report = analyze(objective, box);
        const undefinedRegion = report.unresolved.find((u) => u.kind === 'undefined');
        if (undefinedRegion) {
          throw new UsageError(
            `${undefinedRegion.reason} inside the box ${options.box}; choose a box where ` +
              `${objective.text} is defined`,
          );
        }
        if (options.plot)
          writeAtomic(options.plot, encodeFigure(landscapeFigure(objective, box, undefined, report), plotFormat));
        if (options.json) {
          const { seconds: _seconds, ...deterministic } = report;
          process.stdout.write(`${JSON.stringify({ ...deterministic, version: VERSION }, null, 2)}\n`);
        } else {
          process.stdout.write(`${formatReport(report)}\n`);
        }
      })
  );
}
