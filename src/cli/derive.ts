// `saddle derive "<expr>" --at "x=1,y=2" [--dtype float32] [--maximize] [--json]`.
import { Command } from 'commander';
import { compile } from '../expr/index.js';
import { derive, type Derivatives } from '../landscape/index.js';
import { VERSION } from '../version.js';
import { formatNumber } from './format.js';
import { parseAssignments, parseDType, pointFor } from './arguments.js';

const fmt = formatNumber;

export function formatDerivatives(d: Derivatives): string {
  const names = d.variables;
  const lines = [
    `f(${names.join(', ')}) = ${d.objective}   at ${names.map((v) => `${v} = ${fmt(d.point[v])}`).join(', ')}   (${d.dtype})`,
    `value        ${fmt(d.value)}`,
    `gradient     ${names.map((v) => `${v}: ${fmt(d.gradient[v])}`).join('   ')}   (norm ${fmt(d.gradientNorm)})`,
  ];
  const cells = d.hessian.map((row) => row.map(fmt));
  const width = Math.max(0, ...cells.flat().map((c) => c.length));
  cells.forEach((row, i) => lines.push(`${i === 0 ? 'Hessian      ' : '             '}[ ${row.map((c) => c.padStart(width)).join('  ')} ]`));
  lines.push(`eigenvalues  ${d.eigenvalues.map(fmt).join(', ')}`);
  return lines.join('\n');
}

export function deriveCommand(): Command {
  return new Command('derive')
    .description('value, gradient, Hessian and its eigenvalues of an expression at a point')
    .argument('<expression>', 'the objective, e.g. "x^2 - y^2"')
    .requiredOption('--at <point>', 'the point, e.g. "x=1,y=2"')
    .option('--dtype <dtype>', 'float64 or float32', 'float64')
    .option('--maximize', 'use the negative of the expression (maximisation as minimisation)')
    .option('--json', 'print one JSON document')
    .action((expression: string, options: { at: string; dtype: string; maximize?: boolean; json?: boolean }) => {
      const dtype = parseDType(options.dtype);
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const point = pointFor('--at', parseAssignments('--at', options.at), objective.variables);
      const result = derive(objective, point, { dtype });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...result, maximize: objective.maximize, version: VERSION }, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatDerivatives(result)}\n`);
      }
    });
}
