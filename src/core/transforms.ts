// The public transformations, JAX-shaped: grad, valueAndGrad, vjp, jvp, hvp, jacfwd, jacrev,
// jacobian, hessian. Each pushes a trace, runs the function on tracers, and pops it; because
// derivative rules use public ops, any transformation can be applied to another's result.
import { SaddleError, ShapeError, formatShape } from './errors.js';
import { reshape, stack } from './ops.js';
import { asUser, closeScope, currentScope, enterUser, exitUser, internalScope, openScope } from './storage.js';
import { Tensor, ones, zeros } from './tensor.js';
import { JvpTrace } from './jvp.js';
import { popTrace, pushTrace } from './trace.js';
import { GradTrace } from './vjp.js';
import { treeFlatten, type Tree } from './tree.js';

function lowerFrom(trace: GradTrace | JvpTrace, t: Tensor): Tensor {
  return t.trace === trace ? (t.primal as Tensor) : t;
}

function checkScalarOutput(name: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) {
    throw new SaddleError(`${name}: the function must return a Tensor, got ${out === null ? 'null' : typeof out}`);
  }
  if (out.size !== 1) {
    throw new ShapeError(
      `${name}: the function must return a scalar, got shape ${formatShape(out.shape)}; reduce it (sum, mean) or ` +
        `use vjp/jacobian`,
    );
  }
  return out;
}

function zerosFor(t: Tensor): Tensor {
  return zeros(t.shape, { dtype: t.dtype });
}

function valueAndGradImpl<A extends Tree, R extends unknown[]>(
  name: string,
  f: (x: A, ...rest: R) => Tensor,
  x: A,
  rest: R,
): [Tensor, A] {
  // The tape, cotangents and intermediate values live in this call's scope; only the result leaves it.
  // (Opened and closed by hand, without closures: this runs once per gradient, often on tiny problems.)
  const sc = openScope(true);
  let result: [Tensor, A];
  try {
    const { leaves, unflatten } = treeFlatten(x, `${name} argument`);
    const trace = pushTrace((level) => new GradTrace(level, sc));
    let out: Tensor;
    const inputs = leaves.map((leaf) => trace.input(leaf));
    const saved = enterUser();
    try {
      out = checkScalarOutput(name, f(unflatten(inputs) as A, ...rest));
    } finally {
      exitUser(saved);
      popTrace(trace);
    }
    const seed = ones(out.shape, { dtype: out.dtype });
    const cts = trace.backward([out], [seed], inputs);
    const grads = cts.map((c, i) => (c === null ? zerosFor(leaves[i]) : c));
    result = [lowerFrom(trace, out), unflatten(grads) as A];
  } catch (err) {
    closeScope(sc, undefined);
    throw err;
  }
  closeScope(sc, result);
  return result;
}

/**
 * The gradient of a scalar function with respect to its first argument (a tensor or a tree of
 * tensors); the result has the argument's structure. Compose freely: grad(grad(f)).
 */
export function grad<A extends Tree, R extends unknown[]>(f: (x: A, ...rest: R) => Tensor): (x: A, ...rest: R) => A {
  return (x, ...rest) => valueAndGradImpl('grad', f, x, rest)[1];
}

/** [f(x), ∇f(x)] in one pass. */
export function valueAndGrad<A extends Tree, R extends unknown[]>(
  f: (x: A, ...rest: R) => Tensor,
): (x: A, ...rest: R) => [Tensor, A] {
  return (x, ...rest) => valueAndGradImpl('valueAndGrad', f, x, rest);
}

/**
 * Reverse mode: [f(...primals), pullback] where pullback(ct) returns the cotangent of each
 * primal, u ↦ uᵀ J, for a cotangent ct with the output's structure.
 */
export function vjp<P extends Tree[], O extends Tree>(
  f: (...primals: P) => O,
  ...primals: P
): [O, (cotangent: O) => P] {
  const flats = primals.map((p, i) => treeFlatten(p, `vjp primal ${i}`));
  // The tape must outlive this call (the pullback runs later): it belongs to the caller's context.
  const trace = pushTrace((level) => new GradTrace(level, currentScope()));
  const inputs = flats.map((fl) => fl.leaves.map((leaf) => trace.input(leaf)));
  let out: O;
  try {
    out = asUser(() => f(...(flats.map((fl, i) => fl.unflatten(inputs[i])) as P)));
  } finally {
    popTrace(trace);
  }
  const outFlat = treeFlatten(out, 'vjp output');
  const value = outFlat.unflatten(outFlat.leaves.map((t) => lowerFrom(trace, t))) as O;
  const allInputs = inputs.flat();
  const pullback = (cotangent: O): P => {
    const ctLeaves = treeFlatten(cotangent, 'vjp cotangent').leaves;
    if (ctLeaves.length !== outFlat.leaves.length) {
      throw new ShapeError(
        `vjp: the cotangent has ${ctLeaves.length} tensors but the output has ${outFlat.leaves.length}`,
      );
    }
    ctLeaves.forEach((c, i) => {
      const o = outFlat.leaves[i];
      if (c.dtype !== o.dtype || c.shape.length !== o.shape.length || c.shape.some((d, j) => d !== o.shape[j])) {
        throw new ShapeError(
          `vjp: cotangent ${i} is ${c.dtype} ${formatShape(c.shape)} but the output ` +
            `is ${o.dtype} ${formatShape(o.shape)}`,
        );
      }
    });
    // The backward pass's cotangents live in the pullback call's scope; only the result leaves it.
    return internalScope(() => {
      const cts = trace.backward(outFlat.leaves, ctLeaves, allInputs);
      let k = 0;
      return flats.map((fl) => fl.unflatten(fl.leaves.map((leaf) => cts[k++] ?? zerosFor(leaf)))) as P;
    });
  };
  return [value, pullback];
}

/**
 * Forward mode: [f(primals), J·tangents], the directional derivative, at the cost of about one
 * evaluation. `primals` and `tangents` are arrays with one entry per argument of f.
 */
export function jvp<P extends Tree[], O extends Tree>(f: (...primals: P) => O, primals: P, tangents: P): [O, O] {
  return jvpImpl(f, primals, tangents, true);
}

/** jvp; without `values` the primal outputs are not computed where they were deferred (hvp discards them). */
function jvpImpl<P extends Tree[], O extends Tree>(
  f: (...primals: P) => O,
  primals: P,
  tangents: P,
  values: boolean,
): [O, O] {
  if (primals.length !== tangents.length) {
    throw new SaddleError(
      `jvp: ${primals.length} primals but ${tangents.length} tangents; give one tangent per argument`,
    );
  }
  return internalScope((sc) => {
    const trace = pushTrace((level) => new JvpTrace(level, sc));
    let out: O;
    try {
      const args = primals.map((p, i) => {
        const pf = treeFlatten(p, `jvp primal ${i}`);
        const tf = treeFlatten(tangents[i], `jvp tangent ${i}`);
        if (pf.leaves.length !== tf.leaves.length)
          throw new ShapeError(`jvp: primal ${i} and its tangent have different structures`);
        return pf.unflatten(
          pf.leaves.map((leaf, j) => {
            const t = tf.leaves[j];
            if (
              t.dtype !== leaf.dtype ||
              t.shape.length !== leaf.shape.length ||
              t.shape.some((d, q) => d !== leaf.shape[q])
            ) {
              throw new ShapeError(
                `jvp: tangent is ${t.dtype} ${formatShape(t.shape)} but its primal ` +
                  `is ${leaf.dtype} ${formatShape(leaf.shape)}`,
              );
            }
            return trace.tracer(leaf, t);
          }),
        );
      });
      out = asUser(() => f(...(args as P)));
    } finally {
      popTrace(trace);
    }
    const of = treeFlatten(out, 'jvp output');
    const outs = of.leaves.map((t) => lowerFrom(trace, t));
    // The primal outputs' numbers must exist before this scope releases what computing them reads.
    if (values) for (const t of outs) if (t.pending !== null) t.pending();
    const tans = of.leaves.map((t, i) => (t.trace === trace && t.tangent !== null ? t.tangent : zerosFor(outs[i])));
    return [values ? (of.unflatten(outs) as O) : (null as unknown as O), of.unflatten(tans) as O] as [O, O];
  });
}

/**
 * Hessian-vector product H(x)·v = jvp(grad f, x, v): forward over reverse, never forming H.
 * Costs a small multiple (about 2–3) of one gradient.
 */
export function hvp<A extends Tree>(f: (x: A) => Tensor, x: A, v: A): A {
  // The gradient itself (jvp's primal output) is not wanted: its last matrix products are never computed.
  return jvpImpl((y: A) => grad(f)(y), [x], [v], false)[1];
}

function basis(x: Tensor, i: number): Tensor {
  const e = zeros(x.shape, { dtype: x.dtype });
  e.data[i] = 1;
  return e;
}

function checkTensorArg(name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new SaddleError(`${name}: the argument must be a Tensor; for a tree of parameters use ravel(tree) first`);
  }
  return x;
}

/** Jacobian by forward mode: one jvp per input element; shape out.shape ++ x.shape. */
export function jacfwd(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    checkTensorArg('jacfwd', x);
    const columns: Tensor[] = [];
    let outShape: readonly number[] = [];
    for (let i = 0; i < x.size; i++) {
      const [y, t] = jvp(f, [x], [basis(x, i)]);
      outShape = y.shape;
      columns.push(t);
    }
    if (columns.length === 0) return zeros([...outShape, ...x.shape], { dtype: x.dtype });
    return reshape(stack(columns, -1), [...outShape, ...x.shape]);
  };
}

/** Jacobian by reverse mode: one forward pass, one pullback per output element. */
export function jacrev(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    checkTensorArg('jacrev', x);
    const [y, pullback] = vjp(f, x);
    if (!(y instanceof Tensor)) throw new SaddleError('jacrev: the function must return a Tensor');
    const rows: Tensor[] = [];
    for (let i = 0; i < y.size; i++) rows.push(pullback(basis(y, i))[0]);
    if (rows.length === 0) return zeros([...y.shape, ...x.shape], { dtype: x.dtype });
    return reshape(stack(rows, 0), [...y.shape, ...x.shape]);
  };
}

/** The Jacobian (reverse mode, as jax.jacobian). */
export const jacobian = jacrev;

/** The Hessian of a scalar function: jacfwd(grad(f)), n jvps of the gradient. Shape x.shape ++ x.shape. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacfwd(grad(f));
}
