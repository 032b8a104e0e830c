// The interpreter stack (as in Autodidax): every primitive is bound here. The tracer of the
// highest level among the inputs decides which transformation processes it; values of lower
// levels are constants to that transformation. Rules are written with public ops, so the work a
// transformation does is itself traced by the transformations below it: that is what lets
// grad(grad(f)) and jvp(grad(f)) compose to any order.
import { SaddleError } from './errors.js';
import { evaluate } from './evaluate.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { add } from './ops.js';
import { jvpRules, vjpRules } from './rules.js';
import { enterLibrary, exitLibrary, retain, type Scope } from './storage.js';
import { Tensor, type TapeNode, type Trace } from './tensor.js';
import type { Storage } from './storage.js';

const stack: Trace[] = [];

export function bind<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
  let top: Trace | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i].trace;
    if (t !== null && (top === null || t.level > top.level)) top = t;
  }
  if (top === null) return evaluate(p, inputs, params);
  if (!top.active) {
    throw new SaddleError(
      `${p}: a traced value escaped its transformation (it was kept from inside a grad/jvp call and used after ` +
        `it ended); ` +
        'return it from the function instead of storing it',
    );
  }
  // What a transformation computes for an operation (its primal, tangent or tape) is the library's own:
  // an internal scope owns and releases it (storage.ts).
  enterLibrary(top.scope);
  try {
    return top.process(p, inputs, params);
  } finally {
    exitLibrary();
  }
}

/** Forward mode: every tracer carries a tangent; null means a zero tangent. */
export class JvpTrace implements Trace {
  active = true;
  constructor(
    readonly level: number,
    readonly scope: Scope | null,
  ) {}

  process<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const tangents = new Array<Tensor | null>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if (t.trace === this) {
        primals[i] = t.primal as Tensor;
        tangents[i] = t.tangent;
      } else {
        primals[i] = t;
        tangents[i] = null;
      }
    }
    const out = bind(p, primals, params);
    const tangent = jvpRules[p](primals, tangents, out, params);
    return tangent === null ? out : this.tracer(out, tangent);
  }

  tracer(primal: Tensor, tangent: Tensor | null): Tensor {
    return new Tensor(primal.dtype, primal.shape, null, this, primal, tangent, null);
  }
}

/** Reverse mode: every tracer has a tape node; `backward` walks the tape in reverse. */
export class GradTrace implements Trace {
  active = true;
  readonly tape: TapeNode[] = [];
  constructor(
    readonly level: number,
    readonly scope: Scope | null,
  ) {}

  process<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const parents = new Array<TapeNode | null>(inputs.length);
    let traced = false;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if (t.trace === this) {
        primals[i] = t.primal as Tensor;
        parents[i] = t.node;
        traced = true;
      } else {
        primals[i] = t;
        parents[i] = null;
      }
      // The tape keeps this input until the backward pass: it must not be released sooner.
      if (primals[i].storage !== null) retain(primals[i].storage as Storage, this.scope);
    }
    const out = bind(p, primals, params);
    if (!traced || p === 'stopGradient' || p === 'compare') return out;
    const needs = new Array<boolean>(parents.length);
    for (let i = 0; i < parents.length; i++) needs[i] = parents[i] !== null;
    const node: TapeNode = { index: this.tape.length, primitive: p, inputs: primals, parents, needs, params, out };
    this.tape.push(node);
    return new Tensor(out.dtype, out.shape, null, this, out, null, node);
  }

  /** A new input of this trace: a tracer with a leaf node. */
  input(primal: Tensor): Tensor {
    const node: TapeNode = {
      index: this.tape.length,
      primitive: null,
      inputs: [],
      parents: [],
      needs: [],
      params: null,
      out: primal,
    };
    this.tape.push(node);
    return new Tensor(primal.dtype, primal.shape, null, this, primal, null, node);
  }

  /**
   * Cotangents of the leaves given cotangents of some outputs (tracers of this trace). Runs after
   * the trace is popped, so the rules' ops are traced by the transformations below this one.
   */
  backward(outputs: readonly Tensor[], cotangents: readonly Tensor[], leaves: readonly Tensor[]): (Tensor | null)[] {
    const cts = new Array<Tensor | null>(this.tape.length).fill(null);
    for (let k = 0; k < outputs.length; k++) {
      const output = outputs[k];
      if (output.trace !== this) continue;
      const index = (output.node as TapeNode).index;
      const prev = cts[index];
      cts[index] = prev === null ? cotangents[k] : add(prev, cotangents[k]);
    }
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const node = this.tape[i];
      const ct = cts[i];
      if (ct === null || node.primitive === null) continue;
      const inputCts = vjpRules[node.primitive](ct, node.inputs, node.out, node.params as never, node.needs);
      for (let j = 0; j < node.parents.length; j++) {
        const parent = node.parents[j];
        const c = inputCts[j];
        if (parent === null || c === null || c === undefined) continue;
        const prev = cts[parent.index];
        cts[parent.index] = prev === null ? c : add(prev, c);
      }
      cts[i] = null; // free memory as we go
    }
    return leaves.map((leaf) => (leaf.trace === this ? cts[(leaf.node as TapeNode).index] : null));
  }
}

export function pushTrace<T extends Trace>(make: (level: number) => T): T {
  const trace = make(stack.length + 1);
  stack.push(trace);
  return trace;
}

export function popTrace(trace: Trace): void {
  const top = stack.pop();
  trace.active = false;
  if (top !== trace) throw new Error('trace: transformations were exited out of order');
}
