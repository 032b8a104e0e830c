import { ShapeError, formatShape } from './errors.js';

export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a contiguous array of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting: align trailing axes; an axis of length 1 stretches. */
export function broadcastShapes(op: string, ...shapes: Shape[]): readonly number[] {
  if (shapes.length === 2) {
    // Fast paths (the common cases of every elementwise op): equal shapes, or a scalar.
    const [a, b] = shapes;
    if (b.length === 0 || a === b) return a;
    if (a.length === 0) return b;
    if (shapesEqual(a, b)) return a;
  }
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const offset = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i];
      const o = out[offset + i];
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
            `(axis ${offset + i - rank} has lengths ${o} and ${d}); make the lengths equal or 1`,
        );
      }
    }
  }
  return out;
}

/** Strides for reading an array of `shape` as if broadcast to `target` (0 on stretched axes). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Normalises possibly negative axes to sorted, unique, in-range non-negative axes. */
const ALL_AXES: number[][] = [];

export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): readonly number[] {
  if (axes === undefined) return (ALL_AXES[rank] ??= Array.from({ length: rank }, (_, i) => i));
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new ShapeError(
        `${op}: axis ${a} is out of range for a tensor of rank ${rank}; use an axis in [${-rank}, ${rank - 1}]`,
      );
    }
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${formatShape(shape)}; every length must be a non-negative integer`);
    }
  }
}
