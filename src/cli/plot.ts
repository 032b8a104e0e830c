// `saddle plot "<expr>" --box … --out f.svg [--style line|contour|surface] [--stationary]`.
import { Command } from 'commander';
import { compile, parseBox } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from '../experiments/index.js';
import { checkFigurePath, encodeFigure, parseStyle } from './figures.js';
import { writeAtomic } from './files.js';
import { undrawnOf } from '../plot/index.js';

type PlotFlags = { box: string; out: string; style?: string; stationary?: boolean; maximize?: boolean };

export function plotCommand(): Command {
  return new Command('plot')
    .description('draw an objective on a box: a curve (1 variable), a contour map or a wireframe (2 variables)')
    .argument('<expression>', 'the objective, e.g. "x*cos(pi*x)"')
    .requiredOption('--box <ranges>', 'the box, e.g. "x=-1:2"')
    .requiredOption('--out <file>', 'where to write the figure: .svg, or .png (rendered by resvg)')
    .option('--style <style>', 'line, contour or surface (default: line for 1 variable, contour for 2)')
    .option('--stationary', 'mark and label the stationary points (found and certified by analyze)')
    .option('--maximize', 'draw the negative of the expression')
    .action((expression: string, options: PlotFlags) => {
      const format = checkFigurePath(options.out);
      const style = parseStyle(options.style);
      const objective = compile(expression, { maximize: options.maximize ?? false });
      const box = parseBox(options.box, objective.variables, '--box');
      const report = options.stationary ? analyze(objective, box) : null;
      const svg = landscapeFigure(objective, box, style, report);
      writeAtomic(options.out, encodeFigure(svg, format));
      process.stdout.write(`wrote ${options.out}\n`);
      // The figure says so too, in a note; a script reading only the exit code and stderr should not miss it.
      const undrawn = undrawnOf(svg);
      if (undrawn) {
        const { skipped, total } = undrawn;
        process.stderr.write(`warning: ${options.out}: ${skipped} of ${total} sampled values of ${expression} are `
          + 'undefined or infinite on this box and were not drawn\n');
      }
    });
}
