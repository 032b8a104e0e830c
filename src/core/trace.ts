// The interpreter stack (as in Autodidax): every primitive is bound here. The tracer of the
// highest level among the inputs decides which transformation processes it; values of lower
// levels are constants to that transformation. Rules are written with public ops, so the work a
// transformation does is itself traced by the transformations below it: that is what lets
// grad(grad(f)) and jvp(grad(f)) compose to any order.
import { SaddleError } from './errors.js';
import { evaluate } from './evaluate.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { enterLibrary, exitLibrary } from './storage.js';
import type { Tensor, Trace } from './tensor.js';

const stack: Trace[] = [];

export function bind<P extends Primitive>(p: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
  let top: Trace | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i].trace;
    if (t !== null && (top === null || t.level > top.level)) top = t;
  }
  if (top === null) return evaluate(p, inputs, params);
  if (!top.active) throw escaped(p);
  // What a transformation computes for an operation (its primal, tangent or tape) is the library's own:
  // the transformation's scope owns and releases it (storage.ts). No finally: if process throws, the
  // transformation's scope, or asUser around the user's function, restores the context.
  const saved = enterLibrary(top.scope);
  const out = top.process(p, inputs, params);
  exitLibrary(saved);
  return out;
}

function escaped(p: Primitive): SaddleError {
  return new SaddleError(
    `${p}: a traced value escaped its transformation (it was kept from inside a grad/jvp call and used after ` +
      'it ended); return it from the function instead of storing it',
  );
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
