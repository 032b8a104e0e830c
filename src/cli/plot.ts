// `saddle plot "<expr>" --box … --out f.svg [--style line|contour|surface] [--stationary]`.
import { Command } from 'commander';
import { compile, parseBox } from '../expr/index.js';
import { landscapeFigure, STYLES, type Style } from '../experiments/index.js';
import { analyze } from '../landscape/index.js';
import { undrawnOf } from '../plot/index.js';
import { checkFigurePath, encodeFigure } from './figures.js';
import { writeAtomic } from './files.js';
import { choiceOption } from './options.js';
import { UsageError } from './arguments.js';

type PlotFlags = { box: string; out: string; style?: Style; stationary?: boolean; maximize?: boolean };

export function plotCommand(): Command {
  return new Command('plot')
    .description('draw an objective on a box: a curve (1 variable), a contour map or a wireframe (2 variables)')
    .argument('<expression>', 'the objective, e.g. "x*cos(pi*x)"')
    .requiredOption('--box <ranges>', 'the box, e.g. "x=-1:2"')
    .requiredOption('--out <file>', 'where to write the figure: .svg, or .png (rendered by resvg)')
    .addOption(choiceOption('--style <style>', 'the figure (default: line for 1 variable, contour for 2)', STYLES))
    .option('--stationary', 'mark and label the stationary points (found and certified by analyze)')
    .option('--maximize', 'draw the negative of the expression')
    .action((expression: string, options: PlotFlags) => {
      const format = checkFigurePath(options.out);
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const box = parseBox(options.box, objective.variables, '--box');
      const n = objective.variables.length;
      if (options.style === 'line' && n !== 1) {
        throw new UsageError(
          `--style line draws functions of one variable; ${expression} has ${n}: use --style contour or surface`,
        );
      }
      if (options.style && options.style !== 'line' && n !== 2) {
        throw new UsageError(`--style ${options.style} draws functions of two variables; ${expression} has ${n}`);
      }
      const report = options.stationary ? analyze(objective, box) : null;
      const svg = landscapeFigure(objective, box, options.style, report);
      writeAtomic(options.out, encodeFigure(svg, format));
      process.stdout.write(`wrote ${options.out}\n`);
      // The figure says so too, in a note; a script reading only the exit code and stderr should not miss it.
      const undrawn = undrawnOf(svg);
      if (undrawn) {
        const { skipped, total } = undrawn;
        process.stderr.write(
          `warning: ${options.out}: ${skipped} of ${total} sampled values of ${expression} are ` +
            'undefined or infinite on this box and were not drawn\n',
        );
      }
    });
}
