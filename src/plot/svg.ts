// Minimal SVG writing: escaped text, numbers rounded to 2 decimals (stable snapshots), a document.

export const r2 = (v: number): string => {
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

export function frameOf(sx: { (v: number): number }, sy: { (v: number): number }, x: [number, number], y: [number, number]): Frame {
  return { px: [sx(x[0]), sx(x[1])], py: [sy(y[0]), sy(y[1])], x, y };
}

export function document(width: number, height: number, body: string[], title?: string, frame?: Frame): string {
  const data = frame ? ` data-frame="${[...frame.px, ...frame.py].map(r2).concat([...frame.x, ...frame.y].map((v) => String(Number(v.toPrecision(10))))).join(' ')}"` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12"${data}>`,
    title ? `<title>${escapeXml(title)}</title>` : '',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
  ].filter((l) => l !== '').join('\n') + '\n';
}

export function polyline(points: readonly [number, number][], attrs: string): string {
  return `<polyline fill="none" ${attrs} points="${points.map(([x, y]) => `${r2(x)},${r2(y)}`).join(' ')}"/>`;
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${r2(x)}" y="${r2(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;
}

/** Colours by kind of stationary point (readable on white, distinguishable in grey). */
export const KIND_COLOURS: Record<string, string> = {
  minimum: '#1b7837', maximum: '#b2182b', saddle: '#2166ac', degenerate: '#762a83',
};
