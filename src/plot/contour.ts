// Contour maps by marching squares (Lorensen & Cline's 2-D case) at quantile levels of the grid's
// values, so a function with a huge range (Rosenbrock) still shows its valley. Stationary points are
// marked by kind; optional paths draw optimiser trajectories over the map.
import { extent, linearScale } from './scale.js';
import { document, finiteRuns, frameOf, KIND_COLOURS, polyline, r2, text } from './svg.js';

export interface MarkedPoint {
  x: number;
  y: number;
  label: string;
  kind?: string;
}

export interface ContourPlotOptions {
  /** Grid coordinates: z[j][i] is the value at (x[i], y[j]). */
  x: readonly number[];
  y: readonly number[];
  z: readonly (readonly number[])[];
  levels?: number;
  points?: readonly MarkedPoint[];
  paths?: readonly { x: readonly number[]; y: readonly number[]; label?: string }[];
  xLabel?: string;
  yLabel?: string;
  title?: string;
  width?: number;
  height?: number;
}

const M = { top: 30, right: 20, bottom: 40, left: 50 };
const PATH_COLOURS = ['#d95f02', '#1b9e77', '#e7298a', '#66a61e', '#a6761d'];

type Segment = [number, number, number, number];

/** Where the level crosses between a (value za) and b (value zb): in halves when differences overflow (±1e308). */
function crossing(a: number, b: number, za: number, zb: number, level: number): number {
  let t = (level - za) / (zb - za);
  if (!Number.isFinite(t)) t = (level / 2 - za / 2) / (zb / 2 - za / 2);
  const at = a + t * (b - a);
  return Number.isFinite(at) ? at : a * (1 - t) + b * t;
}

/** Segments of the level set z = level over the grid (in grid coordinates); cells with an undefined corner skipped. */
export function isoSegments(
  x: readonly number[],
  y: readonly number[],
  z: readonly (readonly number[])[],
  level: number,
): Segment[] {
  const out: Segment[] = [];
  if (!Number.isFinite(level)) return out;
  const lerp = (a: number, b: number, za: number, zb: number) => crossing(a, b, za, zb, level);
  for (let j = 0; j + 1 < y.length; j++) {
    if (!Number.isFinite(y[j]) || !Number.isFinite(y[j + 1])) continue;
    for (let i = 0; i + 1 < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(x[i + 1])) continue;
      const z00 = z[j][i],
        z10 = z[j][i + 1],
        z11 = z[j + 1][i + 1],
        z01 = z[j + 1][i];
      if (![z00, z10, z11, z01].every(Number.isFinite)) continue;
      // Crossing points on the four edges (bottom, right, top, left).
      const e: ([number, number] | null)[] = [
        z00 < level !== z10 < level ? [lerp(x[i], x[i + 1], z00, z10), y[j]] : null,
        z10 < level !== z11 < level ? [x[i + 1], lerp(y[j], y[j + 1], z10, z11)] : null,
        z01 < level !== z11 < level ? [lerp(x[i], x[i + 1], z01, z11), y[j + 1]] : null,
        z00 < level !== z01 < level ? [x[i], lerp(y[j], y[j + 1], z00, z01)] : null,
      ];
      const hits = e.filter((p): p is [number, number] => p !== null);
      if (hits.length === 2) out.push([...hits[0], ...hits[1]]);
      else if (hits.length === 4) {
        // A saddle cell: pair the crossings by the value at the centre (in quarters if the sum overflows).
        const sum = z00 + z10 + z11 + z01;
        const centre = (Number.isFinite(sum) ? sum / 4 : z00 / 4 + z10 / 4 + z11 / 4 + z01 / 4) < level;
        const [b, r, t, l] = e as [number, number][];
        if (centre === z00 < level) out.push([...b, ...r], [...t, ...l]);
        else out.push([...b, ...l], [...t, ...r]);
      }
    }
  }
  return out;
}

/** How many grid values are NaN or infinite (a row shorter than x counts its missing values). */
export function countUndefined(x: readonly number[], y: readonly number[], z: readonly (readonly number[])[]) {
  let skipped = 0;
  for (let j = 0; j < y.length; j++) {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(z[j]?.[i]) || !Number.isFinite(x[i]) || !Number.isFinite(y[j])) skipped++;
    }
  }
  return { skipped, total: x.length * y.length, unit: 'cells' as const };
}

export function contourPlot(options: ContourPlotOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 460;
  const xDomain = extent(options.x);
  const yDomain = extent(options.y);
  const sx = linearScale(xDomain, [M.left, width - M.right]);
  const sy = linearScale(yDomain, [height - M.bottom, M.top]);
  const values = options.z
    .flat()
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const count = values.length > 0 ? (options.levels ?? 14) : 0;
  const quantile = (k: number) => values[Math.floor(((k + 0.5) / count) * (values.length - 1))];
  const levels = [...new Set(Array.from({ length: count }, (_, k) => quantile(k)))];
  const body: string[] = [];
  const [bottom, right] = [height - M.bottom, width - M.right];
  body.push(
    `<rect x="${M.left}" y="${M.top}" width="${right - M.left}" height="${bottom - M.top}" ` +
      'fill="none" stroke="#444"/>',
  );
  for (const t of sx.ticks) body.push(text(sx(t), bottom + 16, sx.format(t), 'text-anchor="middle" fill="#444"'));
  for (const t of sy.ticks) body.push(text(M.left - 6, sy(t) + 4, sy.format(t), 'text-anchor="end" fill="#444"'));
  levels.forEach((level, k) => {
    const segments = isoSegments(options.x, options.y, options.z, level);
    if (segments.length === 0) return;
    const shade = Math.round(40 + (160 * k) / Math.max(1, levels.length - 1));
    const d = segments.map(([x0, y0, x1, y1]) => `M${r2(sx(x0))} ${r2(sy(y0))}L${r2(sx(x1))} ${r2(sy(y1))}`).join('');
    body.push(
      `<path d="${d}" fill="none" stroke="rgb(${shade},${shade},${255 - shade / 2})" stroke-opacity="0.55" ` +
        `stroke-width="1"><title>f = ${r2(level)}</title></path>`,
    );
  });
  (options.paths ?? []).forEach((p, k) => {
    const colour = PATH_COLOURS[k % PATH_COLOURS.length];
    const runs = finiteRuns(p.x.map((x, i) => [sx(x), sy(p.y[i])]));
    for (const run of runs) body.push(polyline(run, `stroke="${colour}" stroke-width="2"`));
    if (p.label) body.push(text(right - 4, M.top + 14 + 14 * k, p.label, `text-anchor="end" fill="${colour}"`));
  });
  for (const p of options.points ?? []) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const colour = KIND_COLOURS[p.kind ?? ''] ?? '#222';
    body.push(`<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="5" fill="${colour}" stroke="white"/>`);
    const nearRight = sx(p.x) > M.left + 0.7 * (right - M.left);
    const anchor = nearRight ? ' text-anchor="end"' : '';
    body.push(text(sx(p.x) + (nearRight ? -8 : 8), sy(p.y) - 8, p.label, `fill="${colour}"${anchor}`));
  }
  if (options.xLabel) body.push(text((M.left + right) / 2, height - 6, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) {
    const mid = (M.top + bottom) / 2;
    body.push(text(14, mid, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${r2(mid)})"`));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  const undrawn = countUndefined(options.x, options.y, options.z);
  return document(width, height, body, options.title, frameOf(sx, sy, sx.domain, sy.domain), undrawn);
}
