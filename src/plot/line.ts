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
    x: readonly number[];
    y: readonly number[];
    label?: string;
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
const TRACE_COLOURS = ['#d95f02', '#1b9e77', '#e7298a', '#66a61e', '#a6761d'];
const finite = (a: number, b: number) => Number.isFinite(a) && Number.isFinite(b);

/** The y axis: the values' extent with 15% to spare on each side, computed so that ±1e308 does not overflow. */
function paddedDomain(values: readonly number[]): [number, number] {
  const [ylo, yhi] = extent(values);
  const pad = (Number.isFinite(yhi - ylo) ? (yhi - ylo) * 0.15 : (yhi / 2 - ylo / 2) * 0.3) || 1;
  return [Math.max(-Number.MAX_VALUE, ylo - pad), Math.min(Number.MAX_VALUE, yhi + pad)];
}

export function linePlot(options: LinePlotOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 360;
  const traces = options.traces ?? [];
  // Annotations at undefined points have nowhere to go.
  const annotations = (options.annotations ?? []).filter((a) => finite(a.x, a.y));
  // With no main curve (x empty), the traces set both axes: a scatter plot.
  const curveOnly = options.x.length > 0 && options.yRange !== 'all';
  const xs = curveOnly ? options.x : [...options.x, ...traces.flatMap((t) => t.x)];
  const xDomain = extent(xs);
  const sx = linearScale(xDomain, [M.left, width - M.right]);
  const traceYs = options.yRange === 'all' ? traces.flatMap((t) => t.y) : [];
  const yDomain = paddedDomain([...options.y, ...annotations.map((a) => a.y), ...traceYs]);
  const sy = linearScale(yDomain, [height - M.bottom, M.top]);
  const body: string[] = [];
  // Axes with ticks.
  const [bottom, right] = [height - M.bottom, width - M.right];
  body.push(
    `<g stroke="#444" fill="none"><line x1="${M.left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>` +
      `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${bottom}"/></g>`,
  );
  for (const t of sx.ticks) body.push(text(sx(t), bottom + 16, sx.format(t), 'text-anchor="middle" fill="#444"'));
  for (const t of sy.ticks) {
    if (sy(t) < M.top - 1 || sy(t) > height - M.bottom + 1) continue;
    body.push(text(M.left - 6, sy(t) + 4, sy.format(t), 'text-anchor="end" fill="#444"'));
  }
  if (options.xLabel) body.push(text((M.left + right) / 2, height - 6, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) {
    const mid = (M.top + bottom) / 2;
    body.push(text(14, mid, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${r2(mid)})"`));
  }
  // The curve, broken where it is undefined.
  let run: [number, number][] = [];
  let skipped = 0;
  const flush = () => {
    if (run.length > 1) body.push(polyline(run, 'stroke="#1f77b4" stroke-width="2"'));
    run = [];
  };
  options.x.forEach((x, i) => {
    const y = options.y[i];
    if (finite(x, y)) run.push([sx(x), sy(y)]);
    else {
      skipped++;
      flush();
    }
  });
  flush();
  const legendOffset = options.label ? 1 : 0;
  if (options.label) {
    body.push(text(width - M.right - 4, M.top + 14, options.label, 'text-anchor="end" fill="#1f77b4"'));
  }
  traces.forEach((tr, k) => {
    const colour = TRACE_COLOURS[k % TRACE_COLOURS.length];
    const pts = tr.x.map((x, i) => [sx(x), sy(tr.y[i])] as [number, number]).filter(([a, b]) => finite(a, b));
    if (tr.line ?? true) body.push(polyline(pts, `stroke="${colour}" stroke-width="1"`));
    if (tr.markers ?? true) {
      for (const [a, b] of pts) body.push(`<circle cx="${r2(a)}" cy="${r2(b)}" r="2.5" fill="${colour}"/>`);
    }
    if (tr.label) {
      const ly = M.top + 14 + 14 * (k + legendOffset);
      body.push(text(width - M.right - 4, ly, tr.label, `text-anchor="end" fill="${colour}"`));
    }
  });
  // Annotations: a marker, an arrow from the label down (or up) to the point.
  body.push(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" ' +
      'orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#222"/></marker></defs>',
  );
  for (const a of annotations) {
    const px = sx(a.x);
    const py = sy(a.y);
    const colour = KIND_COLOURS[a.kind ?? ''] ?? '#222';
    const above = py > (M.top + height - M.bottom) / 2;
    const ty = above ? py - 45 : py + 50;
    body.push(`<circle cx="${r2(px)}" cy="${r2(py)}" r="4" fill="${colour}"/>`);
    body.push(
      `<line x1="${r2(px)}" y1="${r2(above ? ty + 5 : ty - 14)}" x2="${r2(px)}" ` +
        `y2="${r2(above ? py - 7 : py + 7)}" stroke="#222" marker-end="url(#arrow)"/>`,
    );
    body.push(text(px, ty, a.label, 'text-anchor="middle"'));
  }
  if (options.title) body.push(text(width / 2, 18, options.title, 'text-anchor="middle" font-weight="bold"'));
  const frame = frameOf(sx, sy, sx.domain, sy.domain);
  return document(width, height, body, options.title, frame, { skipped, total: options.x.length, unit: 'points' });
}
