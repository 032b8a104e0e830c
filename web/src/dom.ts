// A small element builder: attributes as an object, children as nodes or strings (text, never HTML).
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A labelled control: the label wraps its input, so both are announced together. */
export function field(label: string, input: HTMLElement): HTMLLabelElement {
  return h('label', {}, label, input);
}

/** Inserts an SVG produced by src/plot (its text is escaped there) and returns its element. */
export function showSvg(container: HTMLElement, svg: string): SVGSVGElement {
  container.innerHTML = svg;
  const el = container.querySelector('svg') as SVGSVGElement;
  el.setAttribute('role', 'img');
  return el;
}

/** Data coordinates of a pointer over a plot that records its frame (data-frame on the SVG). */
export function toData(svg: SVGSVGElement, event: MouseEvent): [number, number] | null {
  const frame = svg.getAttribute('data-frame')?.split(' ').map(Number);
  if (!frame || frame.length !== 8) return null;
  const [px0, px1, py0, py1, x0, x1, y0, y1] = frame;
  const rect = svg.getBoundingClientRect();
  const vb = svg.viewBox.baseVal;
  const u = ((event.clientX - rect.left) / rect.width) * vb.width;
  const v = ((event.clientY - rect.top) / rect.height) * vb.height;
  if (u < Math.min(px0, px1) || u > Math.max(px0, px1) || v < Math.min(py0, py1) || v > Math.max(py0, py1)) return null;
  return [x0 + ((u - px0) / (px1 - px0)) * (x1 - x0), y0 + ((v - py0) / (py1 - py0)) * (y1 - y0)];
}

/** Pixel position (in the SVG's own units) of a data point, the inverse of toData. */
export function toPixel(svg: SVGSVGElement, x: number, y: number): [number, number] | null {
  const frame = svg.getAttribute('data-frame')?.split(' ').map(Number);
  if (!frame || frame.length !== 8) return null;
  const [px0, px1, py0, py1, x0, x1, y0, y1] = frame;
  return [px0 + ((x - x0) / (x1 - x0)) * (px1 - px0), py0 + ((y - y0) / (y1 - y0)) * (py1 - py0)];
}

export const fmt = (v: number, digits = 6): string => (Number.isFinite(v) ? (Math.abs(v) !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(digits)))) : String(v));
