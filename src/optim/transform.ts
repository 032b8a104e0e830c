// The optimiser abstraction of optax: a gradient transformation is a pure pair
// {init(params) -> state, update(updates, state, params, extras) -> [updates, state]}; optimisers are
// chains of small transformations, and the final updates are added to the parameters.
import { add, treeMap, type Tensor, type Tree } from '../core/index.js';

/** What second-order and line-search methods may need beyond the gradient. */
export interface Extras {
  /** The objective at the current parameters. */
  value?: number;
  /** The objective as a function of parameters (for line searches, Hessians, HVPs). */
  objective?: (params: Tree) => Tensor;
}

export interface GradientTransformation<S = unknown> {
  init(params: Tree): S;
  update(updates: Tree, state: S, params: Tree, extras?: Extras): [Tree, S];
}

/** Applies transformations in order, each to the previous one's output (optax.chain). */
export function chain(...transforms: GradientTransformation<unknown>[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (updates, state, params, extras) => {
      const next: unknown[] = [];
      let u = updates;
      transforms.forEach((t, i) => {
        const [out, s] = t.update(u, state[i], params, extras);
        u = out;
        next.push(s);
      });
      return [u, next];
    },
  };
}

/** params + updates, leaf by leaf. */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  return treeMap((p, u) => add(p, u), params, updates);
}

/** A stateless transformation from a function of (update, param) leaves. */
export function stateless(f: (update: Tensor, param: Tensor) => Tensor): GradientTransformation<null> {
  return {
    init: () => null,
    update: (updates, state, params) => [treeMap(f, updates, params), state],
  };
}
