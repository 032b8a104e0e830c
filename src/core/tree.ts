// Parameter trees ("pytrees"): tensors nested in arrays and plain records, so models keep their
// natural structure and every transformation and optimiser still sees a flat list of tensors.
import { SaddleError, ShapeError, formatShape } from './errors.js';
import { concat, reshape, slice } from './ops.js';
import { Tensor } from './tensor.js';

export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** Replaces each tensor of a tree type by T. */
export type TreeOf<T> = Tensor | readonly TreeOf<T>[] | { readonly [key: string]: TreeOf<T> };

export interface Flattened {
  leaves: Tensor[];
  unflatten: (leaves: readonly Tensor[]) => Tree;
}

/** Leaves in a fixed order (record keys sorted, as JAX does) and the way back to the tree. */
export function treeFlatten(tree: Tree, where = 'tree'): Flattened {
  if (tree instanceof Tensor) return { leaves: [tree], unflatten: (l) => l[0] };
  const leaves: Tensor[] = [];
  const build = (node: Tree, path: string): ((l: readonly Tensor[], pos: { i: number }) => Tree) => {
    if (node instanceof Tensor) {
      leaves.push(node);
      return (l, pos) => l[pos.i++];
    }
    if (Array.isArray(node)) {
      const parts = node.map((child: Tree, i: number) => build(child, `${path}[${i}]`));
      return (l, pos) => parts.map((p) => p(l, pos));
    }
    if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      const keys = Object.keys(node).sort();
      const record = node as { readonly [key: string]: Tree };
      const parts = keys.map((k) => build(record[k], `${path}.${k}`));
      return (l, pos) => Object.fromEntries(keys.map((k, i) => [k, parts[i](l, pos)]));
    }
    throw new SaddleError(
      `${path}: expected a Tensor, an array or a plain object of tensors, got ${node === null ? 'null' : typeof node}`,
    );
  };
  const rebuild = build(tree, where);
  return { leaves, unflatten: (l) => rebuild(l, { i: 0 }) };
}

export function treeLeaves(tree: Tree): Tensor[] {
  return treeFlatten(tree).leaves;
}

/** Applies f to every leaf (with the matching leaves of `others`, which must have the same structure). */
export function treeMap<T extends Tree>(f: (...leaves: Tensor[]) => Tensor, tree: T, ...others: Tree[]): T {
  const { leaves, unflatten } = treeFlatten(tree);
  const rest = others.map((o) => treeFlatten(o).leaves);
  for (const r of rest) {
    if (r.length !== leaves.length)
      throw new ShapeError(`treeMap: trees have ${leaves.length} and ${r.length} leaves; they must match`);
  }
  return unflatten(leaves.map((leaf, i) => f(leaf, ...rest.map((r) => r[i])))) as T;
}

export interface Raveled {
  /** All leaves, flattened and concatenated into one vector. */
  flat: Tensor;
  /** The inverse: a vector of the same length back to a tree (differentiable). */
  unravel: (v: Tensor) => Tree;
}

/** One vector from a tree of tensors, e.g. for hessian() or Lanczos over model parameters. */
export function ravel(tree: Tree): Raveled {
  const { leaves, unflatten } = treeFlatten(tree);
  if (leaves.length === 0) throw new SaddleError('ravel: the tree has no tensors');
  const shapes = leaves.map((l) => l.shape);
  const sizes = leaves.map((l) => l.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const flat = concat(leaves.map((l) => reshape(l, [l.size])));
  const unravel = (v: Tensor): Tree => {
    if (v.rank !== 1 || v.shape[0] !== total) {
      throw new ShapeError(`unravel: expected a vector of length ${total}, got ${formatShape(v.shape)}`);
    }
    let offset = 0;
    return unflatten(
      shapes.map((shape, i) => {
        const part = reshape(slice(v, [offset], [offset + sizes[i]]), shape);
        offset += sizes[i];
        return part;
      }),
    );
  };
  return { flat, unravel };
}
