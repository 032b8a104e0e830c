// A categorical map over a grid: each cell coloured by its class (e.g. where an optimiser started
// from that cell ends: a minimum, a saddle, elsewhere), with a legend and optional marked points.
import { extent, linearScale } from './scale.js';
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

/** The span of cell centres widened by half a cell on each side (a single cell spans 1), never overflowing. */
function cellDomain(centres: readonly number[]): { domain: [number, number]; step: number } {
  const [lo, hi] = extent(centres);
  const n = centres.length;
  const first = centres[0];
  const last = centres[n - 1];
  let step = n > 1 ? (last - first) / (n - 1) : 1;
  // In halves when last − first overflows (±1e308); 1 when an end is undefined.
  if (!Number.isFinite(step) && n > 1) step = ((last / 2 - first / 2) / (n - 1)) * 2;
  if (!Number.isFinite(step)) step = 1;
  // As given (first to last, possibly descending) when both ends are defined; otherwise the finite extent.
  const [a, b] = Number.isFinite(first) && Number.isFinite(last) ? [first, last] : [lo, hi];
  const clamp = (v: number) => Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, v));
  return { domain: [clamp(a - step / 2), clamp(b + step / 2)], step };
}

export function heatmapPlot(options: HeatmapOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 400;
  const { x, y, cells } = options;
  const [bottom, right] = [height - M.bottom, width - M.right];
  const cx = cellDomain(x);
  const cy = cellDomain(y);
  const sx = linearScale(cx.domain, [M.left, right]);
  const sy = linearScale(cy.domain, [bottom, M.top]);
  const body: string[] = [];
  const w = Math.abs(sx(x[0] + cx.step) - sx(x[0]));
  const h = Math.abs(sy(y[0] + cy.step) - sy(y[0]));
  const size =
    Number.isFinite(w) && Number.isFinite(h)
      ? [w, h]
      : [(right - M.left) / Math.max(1, x.length), (bottom - M.top) / Math.max(1, y.length)];
  let skipped = 0;
  let total = 0;
  cells.forEach((row, j) =>
    row.forEach((c, i) => {
      total++;
      const [px, py] = [sx(x[i]) - size[0] / 2, sy(y[j]) - size[1] / 2];
      if (!Number.isFinite(px) || !Number.isFinite(py)) {
        skipped++;
        return;
      }
      body.push(
        `<rect x="${r2(px)}" y="${r2(py)}" width="${r2(size[0] + 0.3)}" height="${r2(size[1] + 0.3)}" ` +
          `fill="${options.colours[c] ?? '#ccc'}"/>`,
      );
    }),
  );
  body.push(
    `<g stroke="#444" fill="none"><rect x="${M.left}" y="${M.top}" width="${right - M.left}" ` +
      `height="${bottom - M.top}"/></g>`,
  );
  for (const t of sx.ticks) body.push(text(sx(t), bottom + 16, sx.format(t), 'text-anchor="middle" fill="#444"'));
  for (const t of sy.ticks) body.push(text(M.left - 6, sy(t) + 4, sy.format(t), 'text-anchor="end" fill="#444"'));
  if (options.xLabel) body.push(text((M.left + right) / 2, height - 6, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) {
    const mid = (M.top + bottom) / 2;
    body.push(text(14, mid, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${r2(mid)})"`));
  }
  Object.entries(options.colours).forEach(([name, colour], k) => {
    const ly = M.top + 10 + 18 * k;
    body.push(`<rect x="${right + 10}" y="${ly - 9}" width="12" height="12" fill="${colour}"/>`);
    body.push(text(right + 28, ly + 1, name));
  });
  for (const p of options.points ?? []) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const colour = KIND_COLOURS[p.kind ?? ''] ?? '#222';
    body.push(`<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="4" fill="${colour}" stroke="white"/>`);
    body.push(text(sx(p.x) + 6, sy(p.y) - 6, p.label, 'fill="#111"'));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  return document(width, height, body, options.title, undefined, { skipped, total, unit: 'cells' });
}
