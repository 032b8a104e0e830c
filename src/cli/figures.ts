// Figure files: the path flags, and PNG rendering (resvg) of the SVG figures that
// src/experiments/figures.ts and src/plot draw.
import { Resvg } from '@resvg/resvg-js';
import { UsageError } from './arguments.js';

/** Figures are SVG, or PNG rendered from the SVG by resvg; the file name says which. */
export function checkFigurePath(path: string): 'svg' | 'png' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.svg')) return 'svg';
  if (lower.endsWith('.png')) return 'png';
  throw new UsageError(`${path}: figures are written as SVG or PNG; give a file name ending in .svg or .png`);
}

/** The figure in the format its file name asks for. */
export function encodeFigure(svg: string, format: 'svg' | 'png'): string | Uint8Array {
  if (format === 'svg') return svg;
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: 2 },
  });
  return resvg.render().asPng();
}
