// `saddle derive "<expr>" --at "x=1,y=2" [--dtype float32] [--maximize] [--json]`.
import { Command } from 'commander';
import type { DType } from '../core/dtype.js';
import { compile } from '../expr/index.js';
import { derive, type Derivatives } from '../landscape/index.js';
import { parseAssignments, pointFor } from './arguments.js';
import { formatNumber } from './format.js';
import { dtypeOption, jsonOption } from './options.js';
import { printResult } from './output.js';

const fmt = formatNumber;

export function formatDerivatives(d: Derivatives): string {
  const names = d.variables;
  const where = names.map((v) => `${v} = ${fmt(d.point[v])}`).join(', ');
  const lines = [
    `f(${names.join(', ')}) = ${d.objective}   at ${where}   (${d.dtype})`,
    `value        ${fmt(d.value)}`,
    `gradient     ${names.map((v) => `${v}: ${fmt(d.gradient[v])}`).join('   ')}   (norm ${fmt(d.gradientNorm)})`,
  ];
  const cells = d.hessian.map((row) => row.map(fmt));
  // A loop, not Math.max(...cells): a Hessian of many variables has too many cells to spread into arguments.
  let width = 0;
  for (const row of cells) for (const c of row) width = Math.max(width, c.length);
  cells.forEach((row, i) => {
    const label = i === 0 ? 'Hessian      ' : '             ';
    lines.push(`${label}[ ${row.map((c) => c.padStart(width)).join('  ')} ]`);
  });
  lines.push(`eigenvalues  ${d.eigenvalues.map(fmt).join(', ')}`);
  return lines.join('\n');
}

interface DeriveFlags {
  at: string;
  dtype: DType;
  maximize?: boolean;
  json?: boolean;
}

export function deriveCommand(): Command {
  return new Command('derive')
    .description('value, gradient, Hessian and its eigenvalues of an expression at a point')
    .argument('<expression>', 'the objective, e.g. "x^2 - y^2"')
    .requiredOption('--at <point>', 'the point, e.g. "x=1,y=2"')
    .addOption(dtypeOption('float64'))
    .option('--maximize', 'use the negative of the expression (maximisation as minimisation)')
    .addOption(jsonOption())
    .action((expression: string, options: DeriveFlags) => {
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const point = pointFor('--at', parseAssignments('--at', options.at), objective.variables);
      const result = derive(objective, point, { dtype: options.dtype });
      printResult(
        options.json,
        () => ({ ...result, maximize: objective.maximize }),
        () => formatDerivatives(result),
      );
    });
}
