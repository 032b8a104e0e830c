// A 1-D curve with annotated points, as the chapter's figures: x·cos(πx) with arrows to its
// "local minimum" and "global minimum", x³ with its "saddle point".
import { extent, linearScale } from './scale.js';
import { document, frameOf, KIND_COLOURS, polyline, r2, text } from './svg.js';

export interface Annotation {
  x: number;
  y: number;
  label: string;
  /** Colours the marker (minimum, maximum, saddle, degenerate). */
  kind?: string;
}

export interface LinePlotOptions {
  x: readonly number[];
  y: readonly number[];
  annotations?: readonly Annotation[];
  /** Iterates drawn over the curve (the chapter's show_trace): points joined in order. */
  traces?: readonly {
    x: readonly number[]; y: readonly number[]; label?: string;
    /** A dot at every point (default true). */ markers?: boolean;
    /** Join the points (default true); false draws a scatter. */ line?: boolean;
  }[];
  /** Label of the main curve, shown in the legend with the traces'. */
  label?: string;
  /** The axes span the main curve only (default: iterates that leave it are clipped) or all the traces too. */
  yRange?: 'curve' | 'all';
  xLabel?: string;
  yLabel?: string;
  title?: string;
  width?: number;
  height?: number;
}

const M = { top: 30, right: 20, bottom: 40, left: 55 };

export function linePlot(options: LinePlotOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 360;
  const annotations = options.annotations ?? [];
  // With no main curve (x empty), the traces set both axes: a scatter plot.
  const xs = options.x.length > 0 && options.yRange !== 'all' ? options.x : [...options.x, ...(options.traces ?? []).flatMap((t) => t.x)];
  const xDomain = extent(xs);
  const sx = linearScale(xDomain, [M.left, width - M.right]);
  const traceYs = options.yRange === 'all' ? (options.traces ?? []).flatMap((t) => t.y) : [];
  const [ylo, yhi] = extent([...options.y, ...annotations.map((a) => a.y), ...traceYs]);
  const pad = (yhi - ylo) * 0.15 || 1;
  const yDomain: [number, number] = [ylo - pad, yhi + pad];
  const sy = linearScale(yDomain, [height - M.bottom, M.top]);
  const body: string[] = [];
  // Axes with ticks.
  body.push(`<g stroke="#444" fill="none"><line x1="${M.left}" y1="${height - M.bottom}" x2="${width - M.right}" y2="${height - M.bottom}"/><line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${height - M.bottom}"/></g>`);
  for (const t of sx.ticks) body.push(text(sx(t), height - M.bottom + 16, r2(t), 'text-anchor="middle" fill="#444"'));
  for (const t of sy.ticks) {
    if (sy(t) < M.top - 1 || sy(t) > height - M.bottom + 1) continue;
    body.push(text(M.left - 6, sy(t) + 4, r2(t), 'text-anchor="end" fill="#444"'));
  }
  if (options.xLabel) body.push(text((M.left + width - M.right) / 2, height - 6, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) body.push(text(14, (M.top + height - M.bottom) / 2, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${r2((M.top + height - M.bottom) / 2)})"`));
  // The curve, broken where it is undefined.
  let run: [number, number][] = [];
  const flush = () => {
    if (run.length > 1) body.push(polyline(run, 'stroke="#1f77b4" stroke-width="2"'));
    run = [];
  };
  options.x.forEach((x, i) => (Number.isFinite(options.y[i]) ? run.push([sx(x), sy(options.y[i])]) : flush()));
  flush();
  const legendOffset = options.label ? 1 : 0;
  if (options.label) body.push(text(width - M.right - 4, M.top + 14, options.label, 'text-anchor="end" fill="#1f77b4"'));
  const TRACE_COLOURS = ['#d95f02', '#1b9e77', '#e7298a', '#66a61e', '#a6761d'];
  (options.traces ?? []).forEach((tr, k) => {
    const colour = TRACE_COLOURS[k % TRACE_COLOURS.length];
    const pts = tr.x.map((x, i) => [sx(x), sy(tr.y[i])] as [number, number]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (tr.line ?? true) body.push(polyline(pts, `stroke="${colour}" stroke-width="1"`));
    if (tr.markers ?? true) for (const [a, b] of pts) body.push(`<circle cx="${r2(a)}" cy="${r2(b)}" r="2.5" fill="${colour}"/>`);
    if (tr.label) body.push(text(width - M.right - 4, M.top + 14 + 14 * (k + legendOffset), tr.label, `text-anchor="end" fill="${colour}"`));
  });
  // Annotations: a marker, an arrow from the label down (or up) to the point.
  body.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#222"/></marker></defs>');
  for (const a of annotations) {
    const px = sx(a.x);
    const py = sy(a.y);
    const colour = KIND_COLOURS[a.kind ?? ''] ?? '#222';
    const above = py > (M.top + height - M.bottom) / 2;
    const ty = above ? py - 45 : py + 50;
    body.push(`<circle cx="${r2(px)}" cy="${r2(py)}" r="4" fill="${colour}"/>`);
    body.push(`<line x1="${r2(px)}" y1="${r2(above ? ty + 5 : ty - 14)}" x2="${r2(px)}" y2="${r2(above ? py - 7 : py + 7)}" stroke="#222" marker-end="url(#arrow)"/>`);
    body.push(text(px, ty, a.label, 'text-anchor="middle"'));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  return document(width, height, body, options.title, frameOf(sx, sy, xDomain, yDomain));
}
