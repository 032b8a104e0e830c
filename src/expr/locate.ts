// Finds where an expression stops being finite at a point: the innermost sub-expression whose value
// is NaN or infinite while its arguments are finite (e.g. log(x) at x = -1), so errors can say which
// part of what the user wrote is undefined there, at which column, and why.
import { allFinite, grad, hessian, tensor } from '../core/index.js';
import { scalar, type Tensor } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';
import { childrenOf, format, isConstantExpr, type BinaryOp, type Expr, type FunctionName } from './ast.js';
import { compile, evaluateNodes } from './compile.js';

export interface NonFinite {
  /** The sub-expression's text, as formatted. */
  text: string;
  column: number;
  value: number;
  /** Why it is not finite, in words ("log of a negative number", "overflow"). */
  reason: string;
}

type Reason = (args: readonly number[], value: number, e: Expr) => string;

const overflow = (value: number): string =>
  value !== value ? 'undefined there' : 'overflow: the value is beyond the largest finite number of the dtype';

const logReason =
  (below: number, name: string): Reason =>
  ([a], v) =>
    a < below ? `${name} of a number below ${below}` : a === below ? `${name} of ${below}` : overflow(v);

const FUNCTION_REASONS: { [F in FunctionName]: Reason } = {
  log: ([a], v) => (a < 0 ? 'log of a negative number' : a === 0 ? 'log of 0' : overflow(v)),
  log1p: logReason(-1, 'log1p'),
  sqrt: ([a], v) => (a < 0 ? 'square root of a negative number' : overflow(v)),
  tan: (_, v) => (v !== v ? 'undefined there' : 'tan at an odd multiple of pi/2 overflows'),
  sin: (_, v) => overflow(v),
  cos: (_, v) => overflow(v),
  exp: (_, v) => overflow(v),
  abs: (_, v) => overflow(v),
  tanh: (_, v) => overflow(v),
  sigmoid: (_, v) => overflow(v),
  softplus: (_, v) => overflow(v),
  relu: (_, v) => overflow(v),
  sinh: (_, v) => overflow(v),
  cosh: (_, v) => overflow(v),
  min: (_, v) => overflow(v),
  max: (_, v) => overflow(v),
};

const BINARY_REASONS: { [Op in BinaryOp]: Reason } = {
  '+': (_, v) => overflow(v),
  '-': (_, v) => overflow(v),
  '*': (_, v) => overflow(v),
  '/': ([, b], v) => (b === 0 ? 'division by zero' : overflow(v)),
  '^': ([base, exponent], v, e) => {
    const varies = e.kind === 'binary' && !isConstantExpr(e.right);
    if (base < 0 && varies) return 'a negative base with an exponent that varies';
    if (base < 0 && !Number.isInteger(exponent)) return 'a negative base with a non-integer exponent';
    if (base === 0 && exponent < 0) return '0 to a negative power';
    return overflow(v);
  },
};

function reasonFor(e: Expr, args: readonly number[], value: number): string {
  if (e.kind === 'call') return FUNCTION_REASONS[e.name](args, value, e);
  if (e.kind === 'binary') return BINARY_REASONS[e.op](args, value, e);
  return overflow(value);
}

/** The innermost non-finite sub-expression at the point, or null when the value is finite. */
export function locateNonFinite(
  expr: Expr,
  variables: readonly string[],
  point: readonly number[],
  dtype: DType = 'float64',
): NonFinite | null {
  const values = point.map((v) => scalar(v, dtype));
  const nodes = evaluateNodes(expr, values, new Map(variables.map((v, i) => [v, i])), dtype);
  const valueOf = (e: Expr): number => (nodes.get(e) as Tensor).item();
  // Walk down through non-finite nodes until every child is finite (visiting each node once).
  const seen = new Set<Expr>();
  let e = expr;
  if (Number.isFinite(valueOf(e))) return null;
  for (;;) {
    seen.add(e);
    const bad = childrenOf(e).find((c) => !seen.has(c) && !Number.isFinite(valueOf(c)));
    if (bad === undefined) break;
    e = bad;
  }
  const value = valueOf(e);
  return { text: format(e, 200), column: e.start, value, reason: reasonFor(e, childrenOf(e).map(valueOf), value) };
}

/**
 * Where a finite expression stops being differentiable at a point: the innermost sub-expression whose
 * gradient or Hessian is not finite while its arguments' are (sqrt(x) at 0, abs(x)^0.5 at 0), or null.
 * Walks one path down from the root, so it costs a few derivatives per level of the expression.
 */
export function locateNonDifferentiable(
  expr: Expr,
  variables: readonly string[],
  point: readonly number[],
  dtype: DType = 'float64',
): NonFinite | null {
  const x = tensor([...point], { dtype });
  const firstBad = (t: Tensor): number | null =>
    allFinite(t) ? null : (Array.from(t.data).find((v) => !Number.isFinite(v)) ?? NaN);
  const check = (e: Expr): { value: number; order: string } | null => {
    const f = compile(e, { variables });
    const g = firstBad(grad(f.at)(x));
    if (g !== null) return { value: g, order: 'first' };
    const h = firstBad(hessian(f.at)(x));
    return h === null ? null : { value: h, order: 'second' };
  };
  let found = check(expr);
  if (found === null) return null;
  let e = expr;
  for (;;) {
    let next: Expr | null = null;
    for (const c of childrenOf(e)) {
      const bad = check(c);
      if (bad !== null) {
        [next, found] = [c, bad];
        break;
      }
    }
    if (next === null) break;
    e = next;
  }
  const { value, order } = found as { value: number; order: string };
  return { text: format(e, 200), column: e.start, value, reason: `a ${order} derivative of it is ${value} there` };
}
