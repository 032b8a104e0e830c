// A categorical map over a grid: each cell coloured by its class (e.g. where an optimiser started
// from that cell ends: a minimum, a saddle, elsewhere), with a legend and optional marked points.
import { linearScale } from './scale.js';
import { document, KIND_COLOURS, r2, text } from './svg.js';
import type { MarkedPoint } from './contour.js';

export type HeatmapOptions = {
  /** Cell centres: cells[j][i] is the class at (x[i], y[j]). */
  x: readonly number[];
  y: readonly number[];
  cells: readonly (readonly string[])[];
  /** Colour of each class, in legend order. */
  colours: Readonly<Record<string, string>>;
  points?: readonly MarkedPoint[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
};

const M = { top: 30, right: 130, bottom: 40, left: 50 };

export function heatmapPlot(options: HeatmapOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 400;
  const { x, y, cells } = options;
  const dx = x.length > 1 ? (x[x.length - 1] - x[0]) / (x.length - 1) : 1;
  const dy = y.length > 1 ? (y[y.length - 1] - y[0]) / (y.length - 1) : 1;
  const sx = linearScale([x[0] - dx / 2, x[x.length - 1] + dx / 2], [M.left, width - M.right]);
  const sy = linearScale([y[0] - dy / 2, y[y.length - 1] + dy / 2], [height - M.bottom, M.top]);
  const body: string[] = [];
  const w = Math.abs(sx(dx) - sx(0));
  const h = Math.abs(sy(dy) - sy(0));
  cells.forEach((row, j) => row.forEach((c, i) => {
    body.push(`<rect x="${r2(sx(x[i]) - w / 2)}" y="${r2(sy(y[j]) - h / 2)}" width="${r2(w + 0.3)}" height="${r2(h + 0.3)}" fill="${options.colours[c] ?? '#ccc'}"/>`);
  }));
  body.push(`<g stroke="#444" fill="none"><rect x="${M.left}" y="${M.top}" width="${width - M.left - M.right}" height="${height - M.top - M.bottom}"/></g>`);
  for (const t of sx.ticks) body.push(text(sx(t), height - M.bottom + 16, r2(t), 'text-anchor="middle" fill="#444"'));
  for (const t of sy.ticks) body.push(text(M.left - 6, sy(t) + 4, r2(t), 'text-anchor="end" fill="#444"'));
  if (options.xLabel) body.push(text((M.left + width - M.right) / 2, height - 6, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) body.push(text(14, (M.top + height - M.bottom) / 2, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${r2((M.top + height - M.bottom) / 2)})"`));
  Object.entries(options.colours).forEach(([name, colour], k) => {
    const ly = M.top + 10 + 18 * k;
    body.push(`<rect x="${width - M.right + 10}" y="${ly - 9}" width="12" height="12" fill="${colour}"/>`);
    body.push(text(width - M.right + 28, ly + 1, name));
  });
  for (const p of options.points ?? []) {
    body.push(`<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="4" fill="${KIND_COLOURS[p.kind ?? ''] ?? '#222'}" stroke="white"/>`);
    body.push(text(sx(p.x) + 6, sy(p.y) - 6, p.label, 'fill="#111"'));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  return document(width, height, body, options.title);
}
