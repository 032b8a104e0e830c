// Symbolic differentiation of the AST, with the simplifications that keep derivative trees small
// (0·x = 0, 1·x = x, x + 0 = x, x^1 = x, constant folding). Gradient and Hessian expressions
// evaluated in interval arithmetic give the enclosures the Krawczyk test needs. Non-smooth
// functions get derivative expressions that are undefined (0/0) exactly at their kinks, so an
// interval containing a kink gets no finite derivative enclosure, which is the honest answer.
// Derivatives are built by one hash-consing builder per call and memoised by node identity, so
// their size and the work to build them stay linear in the DAG (see build.ts).
import { memoWalker, type BinaryOp, type Expr, type FunctionName } from './ast.js';
import { ExprBuilder } from './build.js';
import { constantValue } from './compile.js';

type CallNode = Expr & { kind: 'call' };

/**
 * d f(a, ...) from the node, its arguments and their derivatives: one entry per function of the
 * language, so a new function does not compile until it has a derivative.
 */
type CallRule = (b: ExprBuilder, e: CallNode, args: readonly Expr[], dargs: readonly Expr[]) => Expr;

/** f'(a)·da for a function of one argument, from f' as an expression of the node and its argument. */
const chain =
  (outer: (b: ExprBuilder, e: Expr, a: Expr) => Expr): CallRule =>
  (b, e, [a], [da]) =>
    da.kind === 'number' && da.value === 0 ? b.num(0) : b.binary('*', outer(b, e, a), da);

/** max(a, b) = (a + b)/2 + |a − b|/2 and min(a, b) = (a + b)/2 − |a − b|/2, differentiated. */
const extremum =
  (sign: '+' | '-'): CallRule =>
  (b, _e, [x, y], [dx, dy]) => {
    const diff = b.binary('-', x, y);
    const half = b.binary('/', b.binary('+', dx, dy), b.num(2));
    const kink = b.binary(
      '/',
      b.binary('*', diff, b.binary('-', dx, dy)),
      b.binary('*', b.num(2), b.call('abs', diff)),
    );
    return b.binary(sign, half, kink);
  };

const CALL_RULES: { [F in FunctionName]: CallRule } = {
  sin: chain((b, _e, a) => b.call('cos', a)),
  cos: chain((b, _e, a) => b.neg(b.call('sin', a))),
  tan: chain((b, _e, a) => b.binary('/', b.num(1), b.binary('^', b.call('cos', a), b.num(2)))),
  exp: chain((_b, e) => e),
  log: chain((b, _e, a) => b.binary('/', b.num(1), a)),
  log1p: chain((b, _e, a) => b.binary('/', b.num(1), b.binary('+', b.num(1), a))),
  sqrt: chain((b, e) => b.binary('/', b.num(1), b.binary('*', b.num(2), e))),
  abs: chain((b, e, a) => b.binary('/', a, e)),
  tanh: chain((b, e) => b.binary('-', b.num(1), b.binary('^', e, b.num(2)))),
  sigmoid: chain((b, e) => b.binary('*', e, b.binary('-', b.num(1), e))),
  softplus: chain((b, _e, a) => b.call('sigmoid', a)),
  relu: chain((b, e, a) => b.binary('/', e, a)),
  sinh: chain((b, _e, a) => b.call('cosh', a)),
  cosh: chain((b, _e, a) => b.call('sinh', a)),
  min: extremum('-'),
  max: extremum('+'),
};

type BinaryNode = Expr & { kind: 'binary' };
type BinaryRule = (b: ExprBuilder, e: BinaryNode, dl: Expr, dr: Expr) => Expr;

const BINARY_RULES: { [Op in BinaryOp]: BinaryRule } = {
  '+': (b, _e, dl, dr) => b.binary('+', dl, dr),
  '-': (b, _e, dl, dr) => b.binary('-', dl, dr),
  '*': (b, { left: l, right: r }, dl, dr) => b.binary('+', b.binary('*', dl, r), b.binary('*', l, dr)),
  '/': (b, { left: l, right: r }, dl, dr) =>
    b.binary('/', b.binary('-', b.binary('*', dl, r), b.binary('*', l, dr)), b.binary('^', r, b.num(2))),
  '^': (b, e, dl, dr) => {
    const { left: l, right: r } = e;
    if (dr.kind === 'number' && dr.value === 0) {
      // d(l^c) = c·l^(c-1)·dl for an exponent free of the variable (its derivative simplifies to 0 exactly
      // then, and this form needs no log of the base). A constant exponent means its float64 value (the
      // language's rule for ^), so x^sigmoid(100) = x^1 has the derivative 1, not sigmoid(100)·x^(sigmoid(100) − 1).
      const value = constantValue(r);
      const c = value !== null && Number.isFinite(value) ? b.num(value) : r;
      const c1 = b.binary('-', c, b.num(1)); // folded only when c − 1 is exact
      return b.binary('*', b.binary('*', c, b.binary('^', l, c1)), dl);
    }
    // d(l^r) = l^r · (dr·log l + r·dl / l)
    return b.binary('*', e, b.binary('+', b.binary('*', dr, b.call('log', l)), b.binary('/', b.binary('*', r, dl), l)));
  },
};

/** d expr / d variable, simplified; nodes come from the builder (a fresh one unless given). */
export function differentiate(expr: Expr, variable: string, builder = new ExprBuilder()): Expr {
  const b = builder;
  let memo = b.derivatives.get(variable);
  if (!memo) b.derivatives.set(variable, (memo = new Map()));
  const d = memoWalker<Expr>(memo, (e, recurse) => {
    switch (e.kind) {
      case 'number':
      case 'constant':
        return b.num(0);
      case 'variable':
        return b.num(e.name === variable ? 1 : 0);
      case 'unary':
        return e.op === '-' ? b.neg(recurse(e.arg)) : recurse(e.arg);
      case 'binary':
        return BINARY_RULES[e.op](b, e, recurse(e.left), recurse(e.right));
      case 'call':
        return CALL_RULES[e.name](b, e, e.args, e.args.map(recurse));
    }
  });
  return d(expr);
}

/** ∂f/∂v for every variable, in order (one builder, so the entries share their common parts). */
export function gradientExprs(expr: Expr, variables: readonly string[], builder = new ExprBuilder()): Expr[] {
  return variables.map((v) => differentiate(expr, v, builder));
}

/** ∂²f/∂u∂v, as a symmetric matrix of expressions (each entry computed once, all sharing one builder). */
export function hessianExprs(expr: Expr, variables: readonly string[], builder = new ExprBuilder()): Expr[][] {
  const grad = gradientExprs(expr, variables, builder);
  const n = variables.length;
  const H: Expr[][] = Array.from({ length: n }, () => new Array<Expr>(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      H[i][j] = differentiate(grad[i], variables[j], builder);
      H[j][i] = H[i][j];
    }
  }
  return H;
}
