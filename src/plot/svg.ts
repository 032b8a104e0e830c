// Minimal SVG writing: escaped text, numbers rounded to 2 decimals (stable snapshots), a document.

export const r2 = (v: number): string => {
  // Figures skip undefined values before they get here; one that slips through is a bug to report, not to draw.
  if (!Number.isFinite(v)) throw new Error(`figure: ${v} cannot be written as an SVG number`);
  // v·100 overflows past 1e306; from 2^53 on, v has no decimals to round anyway.
  if (Math.abs(v) >= 2 ** 53) return String(v);
  const x = Math.round(v * 100) / 100;
  return Object.is(x, -0) ? '0' : String(x);
};

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The data-to-pixel frame of a plot, recorded on the SVG element (data-frame = "px0 px1 py0 py1 x0
 * x1 y0 y1") so that an interactive page can map a pointer position back to data coordinates.
 */
export type Frame = { px: [number, number]; py: [number, number]; x: [number, number]; y: [number, number] };

export function frameOf(
  sx: { (v: number): number },
  sy: { (v: number): number },
  x: [number, number],
  y: [number, number],
): Frame {
  return { px: [sx(x[0]), sx(x[1])], py: [sy(y[0]), sy(y[1])], x, y };
}

/** Values of a figure's data that could not be drawn (NaN, ±Infinity): how many, of how many, of what. */
export type Undrawn = { skipped: number; total: number; unit: 'cells' | 'points' };

/** Data extents for the frame: 10 digits, or all 17 when 10 would make the two ends equal (a one-ulp box). */
function frameDigits(pair: [number, number]): string[] {
  // 10 digits of ±MAX_VALUE round to ±Infinity: such an end keeps all its digits.
  const short = pair.map((v) => {
    const ten = Number(v.toPrecision(10));
    return String(Number.isFinite(ten) ? ten : v);
  });
  return short[0] === short[1] && pair[0] !== pair[1] ? pair.map(String) : short;
}

export function document(
  width: number,
  height: number,
  body: string[],
  title?: string,
  frame?: Frame,
  undrawn?: Undrawn,
): string {
  const numbers = frame ? [...frame.px, ...frame.py].map(r2).concat(frameDigits(frame.x), frameDigits(frame.y)) : [];
  const data = frame ? ` data-frame="${numbers.join(' ')}"` : '';
  const skipped = undrawn && undrawn.skipped > 0 ? undrawn : undefined;
  // Machine-readable as well as visible, so the CLI can warn without redrawing the figure.
  const mark = skipped ? ` data-undrawn="${skipped.skipped} ${skipped.total}"` : '';
  const note = skipped ? [text(4, height - 4, undrawnNote(skipped), 'font-size="10" fill="#b2182b"')] : [];
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
        `font-family="sans-serif" font-size="12"${data}${mark}>`,
      title ? `<title>${escapeXml(title)}</title>` : '',
      `<rect width="${width}" height="${height}" fill="white"/>`,
      ...body,
      ...note,
      '</svg>',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n'
  );
}

/** "3 of 900 cells undefined or infinite, not drawn". */
export function undrawnNote(u: Undrawn): string {
  return `${u.skipped} of ${u.total} ${u.unit} undefined or infinite, not drawn`;
}

/** What a figure left out (its data-undrawn mark), or null when it drew everything. */
export function undrawnOf(svg: string): { skipped: number; total: number } | null {
  const m = /^<svg [^>]*\sdata-undrawn="(\d+) (\d+)"/.exec(svg);
  return m ? { skipped: Number(m[1]), total: Number(m[2]) } : null;
}

/** Runs of consecutive drawable points: a path is broken where it is undefined, never joined across. */
export function finiteRuns(points: readonly [number, number][]): [number, number][][] {
  const runs: [number, number][][] = [[]];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) runs[runs.length - 1].push(p);
    else if (runs[runs.length - 1].length > 0) runs.push([]);
  }
  return runs.filter((r) => r.length > 0);
}

export function polyline(points: readonly [number, number][], attrs: string): string {
  return `<polyline fill="none" ${attrs} points="${points.map(([x, y]) => `${r2(x)},${r2(y)}`).join(' ')}"/>`;
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${r2(x)}" y="${r2(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;
}

/** Colours by kind of stationary point (readable on white, distinguishable in grey). */
export const KIND_COLOURS: Record<string, string> = {
  minimum: '#1b7837',
  maximum: '#b2182b',
  saddle: '#2166ac',
  degenerate: '#762a83',
};
