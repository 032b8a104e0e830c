// Parameter blocks: every leaf of a parameter tree gets a dotted name (`layers.0.w`), and a
// selection of leaves (one layer, all weights, all biases) becomes the flat vector that a curvature
// operator acts on, so spectra and traces can be reported per layer (PyHessian #9, #10;
// hessian-eigenthings #19). Leaves that are not selected stay fixed at their values.
import { SaddleError } from '../core/errors.js';
import { allocate, type DType } from '../core/dtype.js';
import { fromData, Tensor, treeFlatten, type Tree } from '../core/index.js';

/** One selected tensor: where its numbers sit in the flat vector. */
export type Block = { name: string; shape: readonly number[]; offset: number; size: number };

/**
 * Which parameters to keep: 'all'; 'weights' (leaves of rank ≥ 2) or 'biases' (rank 1); names or
 * name prefixes at a dot ('layers.0' is both tensors of the first layer); or a predicate.
 */
export type Selection =
  'all' | 'weights' | 'biases' | string | readonly string[] | ((name: string, leaf: Tensor) => boolean);

/** Dotted names of a tree's leaves, in treeFlatten's order (record keys sorted, arrays in order). */
export function leafNames(tree: Tree): string[] {
  const names: string[] = [];
  const walk = (node: Tree, path: string) => {
    if (node instanceof Tensor) names.push(path === '' ? 'value' : path);
    else if (Array.isArray(node))
      node.forEach((child: Tree, i: number) => walk(child, path === '' ? `${i}` : `${path}.${i}`));
    else {
      const record = node as { readonly [key: string]: Tree };
      for (const k of Object.keys(record).sort()) walk(record[k], path === '' ? k : `${path}.${k}`);
    }
  };
  walk(tree, '');
  return names;
}

function matcher(select: Selection, names: string[]): (name: string, leaf: Tensor) => boolean {
  if (typeof select === 'function') return select;
  if (select === 'all') return () => true;
  if (select === 'weights') return (_, leaf) => leaf.rank >= 2;
  if (select === 'biases') return (_, leaf) => leaf.rank === 1;
  const wanted = typeof select === 'string' ? [select] : [...select];
  for (const w of wanted) {
    if (!names.some((n) => n === w || n.startsWith(`${w}.`))) {
      throw new SaddleError(
        `select: no parameter is named '${w}'; the parameters are ${names.join(', ')} (or use 'all', 'weights', ` +
          `'biases')`,
      );
    }
  }
  return (name) => wanted.some((w) => name === w || name.startsWith(`${w}.`));
}

/** The selected part of a parameter tree as one flat vector, and the way back. */
export interface BlockView<P extends Tree> {
  readonly blocks: readonly Block[];
  /** Number of selected parameters. */
  readonly size: number;
  readonly dtype: DType;
  /** The selected values, flattened (float64 copy). */
  readonly point: Float64Array;
  /** The selected leaves of `params` (in block order). */
  selected(params: P): Tensor[];
  /** The full tree with the selected leaves replaced by `leaves` (others as in the base tree). */
  merge(leaves: readonly Tensor[]): P;
  /** A flat vector as one tensor per block, in the view's dtype. */
  split(v: Float64Array): Tensor[];
  /** Adds `scale ×` the per-block tensors to the flat accumulator `out`. */
  accumulate(out: Float64Array, parts: readonly Tensor[], scale: number): void;
  /** A flat vector as a full-size tree (zeros outside the selection), e.g. to save an eigenvector. */
  toTree(v: Float64Array): P;
}

export function blockView<P extends Tree>(params: P, select: Selection = 'all'): BlockView<P> {
  const { leaves, unflatten } = treeFlatten(params, 'params');
  if (leaves.length === 0) throw new SaddleError('curvature: the parameter tree has no tensors');
  const dtype = leaves[0].dtype;
  const bad = leaves.find((l) => l.dtype !== dtype);
  if (bad) throw new SaddleError(`curvature: parameters mix ${dtype} and ${bad.dtype}; cast them to one dtype`);
  const names = leafNames(params);
  const keep = matcher(select, names);
  const chosen = leaves.map((leaf, i) => keep(names[i], leaf));
  const index = chosen.flatMap((c, i) => (c ? [i] : []));
  if (index.length === 0)
    throw new SaddleError(`select: the selection matches no parameter; the parameters are ${names.join(', ')}`);
  let offset = 0;
  const blocks = index.map((i) => {
    const b = { name: names[i], shape: leaves[i].shape, offset, size: leaves[i].size };
    offset += leaves[i].size;
    return b;
  });
  const size = offset;
  const point = new Float64Array(size);
  blocks.forEach((b, k) => point.set(leaves[index[k]].data, b.offset));
  const fixed = leaves.map((leaf) => fromData(leaf.data, leaf.shape));
  return {
    blocks,
    size,
    dtype,
    point,
    selected: (p) => {
      const l = treeFlatten(p, 'params').leaves;
      return index.map((i) => l[i]);
    },
    merge: (parts) => {
      const all = fixed.slice();
      index.forEach((i, k) => {
        all[i] = parts[k];
      });
      return unflatten(all) as P;
    },
    split: (v) =>
      blocks.map((b) => {
        const data = allocate(dtype, b.size);
        data.set(v.subarray(b.offset, b.offset + b.size));
        return fromData(data, b.shape);
      }),
    accumulate: (out, parts, scale) => {
      blocks.forEach((b, k) => {
        const d = parts[k].data;
        for (let i = 0; i < b.size; i++) out[b.offset + i] += scale * d[i];
      });
    },
    toTree: (v) => {
      const all = leaves.map((leaf) => fromData(allocate(dtype, leaf.size), leaf.shape));
      index.forEach((i, k) => {
        const b = blocks[k];
        (all[i].data as Float64Array | Float32Array).set(v.subarray(b.offset, b.offset + b.size));
      });
      return unflatten(all) as P;
    },
  };
}
