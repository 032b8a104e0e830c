// A 3-D wireframe of z = f(x, y) seen from a fixed camera (azimuth −60°, elevation 30°, as
// matplotlib's default view in the chapter's figure of x² − y²), with points marked and labelled.
import { extent } from './scale.js';
import { document, finiteRuns, KIND_COLOURS, polyline, r2, text } from './svg.js';
import { countUndefined, type MarkedPoint } from './contour.js';

export interface WireframeOptions {
  x: readonly number[];
  y: readonly number[];
  z: readonly (readonly number[])[];
  points?: readonly (MarkedPoint & { z: number })[];
  /** Camera azimuth and elevation in degrees (default −60 and 30, matplotlib's view). */
  azimuth?: number;
  elevation?: number;
  title?: string;
  width?: number;
  height?: number;
}

/** v on [lo, hi] mapped to [−1, 1] (0 for a flat range), in halves when hi − lo overflows (±1e308). */
function normalise(v: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 0;
  const t = Number.isFinite(hi - lo) ? (2 * (v - lo)) / (hi - lo) - 1 : ((v / 2 - lo / 2) / (hi / 2 - lo / 2)) * 2 - 1;
  return Number.isFinite(t) ? t : NaN;
}

export function wireframePlot(options: WireframeOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 440;
  const [x0, x1] = extent(options.x);
  const [y0, y1] = extent(options.y);
  const [z0, z1] = extent(options.z.flat());
  const az = ((options.azimuth ?? -60) * Math.PI) / 180;
  const el = ((options.elevation ?? 30) * Math.PI) / 180;
  const project = (x: number, y: number, z: number): [number, number] => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return [NaN, NaN];
    const X = normalise(x, x0, x1);
    const Y = normalise(y, y0, y1);
    const Z = normalise(z, z0, z1) * 0.8;
    const u = X * Math.cos(az) - Y * Math.sin(az);
    const depth = X * Math.sin(az) + Y * Math.cos(az);
    const v = Z * Math.cos(el) + depth * Math.sin(el);
    return [width / 2 + u * width * 0.32, height / 2 - v * height * 0.36];
  };
  const body: string[] = [];
  const { x, y, z } = options;
  const line = (points: [number, number][]) => {
    // Broken where the surface is undefined, so no line is drawn through a hole.
    for (const run of finiteRuns(points)) body.push(polyline(run, 'stroke="#1f77b4" stroke-width="0.8"'));
  };
  for (let j = 0; j < y.length; j++) line(x.map((xi, i) => project(xi, y[j], z[j]?.[i])));
  for (let i = 0; i < x.length; i++) line(y.map((yj, j) => project(x[i], yj, z[j]?.[i])));
  for (const p of options.points ?? []) {
    const [px, py] = project(p.x, p.y, p.z);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const colour = KIND_COLOURS[p.kind ?? ''] ?? '#222';
    body.push(`<circle cx="${r2(px)}" cy="${r2(py)}" r="5" fill="${colour}" stroke="white"/>`);
    body.push(text(px + 8, py - 8, p.label, `fill="${colour}"`));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  return document(width, height, body, options.title, undefined, countUndefined(x, y, z));
}
