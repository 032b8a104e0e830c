// Small element builders: attributes as an object, children as nodes or strings (text, never HTML).
type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function build<E extends Element>(el: E, attrs: Attributes, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return build(document.createElement(tag), attrs, children);
}

/** h() for SVG: the element is made in the SVG namespace, or the browser would not draw it. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
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

/** The plot's frame (data-frame on the SVG): pixel extents px0 px1 py0 py1, then data extents x0 x1 y0 y1. */
function frameOf(svg: SVGSVGElement): number[] | null {
  const frame = svg.getAttribute('data-frame')?.split(' ').map(Number);
  return frame && frame.length === 8 ? frame : null;
}

/** Data coordinates of a pointer over a plot that records its frame. */
export function toData(svg: SVGSVGElement, event: MouseEvent): [number, number] | null {
  const frame = frameOf(svg);
  if (!frame) return null;
  const [px0, px1, py0, py1, x0, x1, y0, y1] = frame;
  const rect = svg.getBoundingClientRect();
  const vb = svg.viewBox.baseVal;
  const u = ((event.clientX - rect.left) / rect.width) * vb.width;
  const v = ((event.clientY - rect.top) / rect.height) * vb.height;
  const within = (w: number, a: number, b: number) => w >= Math.min(a, b) && w <= Math.max(a, b);
  if (!within(u, px0, px1) || !within(v, py0, py1)) return null;
  return [x0 + ((u - px0) / (px1 - px0)) * (x1 - x0), y0 + ((v - py0) / (py1 - py0)) * (y1 - y0)];
}

/** Pixel position (in the SVG's own units) of a data point, the inverse of toData. */
export function toPixel(svg: SVGSVGElement, x: number, y: number): [number, number] | null {
  const frame = frameOf(svg);
  if (!frame) return null;
  const [px0, px1, py0, py1, x0, x1, y0, y1] = frame;
  return [px0 + ((x - x0) / (x1 - x0)) * (px1 - px0), py0 + ((y - y0) / (y1 - y0)) * (py1 - py0)];
}

/** A number for people: `digits` significant digits, in exponent form when very small or large. */
export function fmt(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(digits)));
}
