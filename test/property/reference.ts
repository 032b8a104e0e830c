// Oracles for the property suite: the structure of a parse without its spans, and a float64 reference
// evaluation of the AST with Math, with a running error bound (Higham, Accuracy and Stability of Numerical
// Algorithms, 2nd ed., §3.3) and the absolute path sum of the gradient that size the tolerances of the
// finite-difference checks.
import { CONSTANTS, type Expr, type FunctionName } from '../../src/expr/index.js';
import type { Tree } from './arbitraries.js';

/** Structure without source spans, to compare a parse with the tree it came from. */
export type Shape = [string, ...unknown[]];
export function shapeOfTree(t: Tree): Shape {
  switch (t.kind) {
    case 'number':
      return ['number', t.value];
    case 'constant':
    case 'variable':
      return [t.kind, t.name];
    case 'unary':
      return ['unary', t.op, shapeOfTree(t.arg)];
    case 'binary':
      return ['binary', t.op, shapeOfTree(t.left), shapeOfTree(t.right)];
    case 'call':
      return ['call', t.name, ...t.args.map(shapeOfTree)];
  }
}
export function shapeOfExpr(e: Expr): Shape {
  switch (e.kind) {
    case 'number':
      return ['number', e.value];
    case 'constant':
    case 'variable':
      return [e.kind, e.name];
    case 'unary':
      return ['unary', e.op, shapeOfExpr(e.arg)];
    case 'binary':
      return ['binary', e.op, shapeOfExpr(e.left), shapeOfExpr(e.right)];
    case 'call':
      return ['call', e.name, ...e.args.map(shapeOfExpr)];
  }
}

const EPS = Number.EPSILON / 2; // unit roundoff of float64
const UNDERFLOW = Number.MIN_VALUE;
/** |p|·e, where an exact operand (e = 0) adds no error even through an infinite partial. */
const times = (p: number, e: number): number => (e === 0 ? 0 : Math.abs(p) * e);
/** Value, derivative and error constant (ulps of a correctly rounded result) of each function. */
const REFERENCE: Record<
  Exclude<FunctionName, 'min' | 'max'>,
  [(a: number) => number, (a: number) => number, number]
> = {
  sin: [Math.sin, Math.cos, 2],
  cos: [Math.cos, (a) => -Math.sin(a), 2],
  tan: [Math.tan, (a) => 1 / Math.cos(a) ** 2, 2],
  exp: [Math.exp, Math.exp, 2],
  log: [Math.log, (a) => 1 / a, 2],
  sqrt: [Math.sqrt, (a) => 0.5 / Math.sqrt(a), 1],
  abs: [Math.abs, () => 1, 0],
  tanh: [Math.tanh, (a) => 1 - Math.tanh(a) ** 2, 4],
  sigmoid: [(a) => 1 / (1 + Math.exp(-a)), (a) => Math.exp(-a) / (1 + Math.exp(-a)) ** 2, 4],
  softplus: [(a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))), (a) => 1 / (1 + Math.exp(-a)), 4],
  // max(a, 0) with NaN propagated: the semantics the issue asks for (relu(NaN) is NaN, not 0).
  relu: [(a) => (a !== a ? NaN : a > 0 ? a : 0), () => 1, 0],
  sinh: [Math.sinh, Math.cosh, 4],
  cosh: [Math.cosh, Math.sinh, 4],
  log1p: [Math.log1p, (a) => 1 / (1 + a), 2],
};
const nanMin = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.min(a, b));
const nanMax = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.max(a, b));

export interface Reference {
  value: number;
  /** First-order bound on the rounding error of a float64 evaluation in this order. */
  error: number;
  /** Whether some sub-expression is NaN at the point. */
  nanInside: boolean;
}

/** Evaluates an AST in float64 with Math, tracking a running error bound. */
export function reference(expr: Expr, variables: readonly string[], point: readonly number[]): Reference {
  let nanInside = false;
  const visit = (e: Expr): [number, number] => {
    const r = ((): [number, number] => {
      switch (e.kind) {
        case 'number':
          return [e.value, 0];
        case 'constant':
          return [CONSTANTS[e.name], EPS * CONSTANTS[e.name]];
        case 'variable':
          return [point[variables.indexOf(e.name)], 0];
        case 'unary': {
          const [v, err] = visit(e.arg);
          return [e.op === '-' ? -v : v, err];
        }
        case 'binary': {
          const [a, ea] = visit(e.left);
          const [b, eb] = visit(e.right);
          switch (e.op) {
            case '+':
              return [a + b, ea + eb + EPS * Math.abs(a + b)];
            case '-':
              return [a - b, ea + eb + EPS * Math.abs(a - b)];
            case '*':
              return [a * b, times(b, ea) + times(a, eb) + EPS * Math.abs(a * b)];
            case '/':
              return [a / b, (ea + times(a / b, eb)) / Math.abs(b) + EPS * Math.abs(a / b)];
            case '^': {
              const v = a ** b;
              const da = b === 0 ? 0 : Math.abs(b * a ** (b - 1));
              const db = eb === 0 ? 0 : Math.abs(v * Math.log(Math.abs(a)));
              return [v, times(da, ea) + times(db, eb) + 2 * EPS * Math.abs(v)];
            }
          }
          break;
        }
        case 'call': {
          const [a, ea] = visit(e.args[0]);
          if (e.name === 'min' || e.name === 'max') {
            const [b, eb] = visit(e.args[1]);
            return [(e.name === 'min' ? nanMin : nanMax)(a, b), Math.max(ea, eb)];
          }
          const [f, df, ulps] = REFERENCE[e.name];
          const v = f(a);
          return [v, times(df(a), ea) + ulps * EPS * Math.abs(v)];
        }
      }
      throw new Error('unreachable');
    })();
    if (r[0] !== r[0]) nanInside = true;
    // Gradual underflow: each operation may also be off by up to the smallest subnormal (half of it, rounded
    // up), absolutely.
    return [r[0], r[1] + (e.kind === 'unary' || e.kind === 'variable' || e.kind === 'number' ? 0 : UNDERFLOW)];
  };
  const [value, error] = visit(expr);
  return { value, error, nanInside };
}

/**
 * Σ over the expression's chain-rule paths of |local partials|, per variable: forward mode with absolute values.
 * Reverse mode sums the same path products, each rounded, so eps times this (times the number of operations)
 * bounds its rounding error, even where the exact derivative is a small difference of huge terms
 * (d(y/y + y)/dy = 1e146 + 1 − 1e146 at y = 1e-146).
 */
export function absoluteGradient(expr: Expr, variables: readonly string[], point: readonly number[]): number[] {
  const n = variables.length;
  const zero = () => new Array<number>(n).fill(0);
  // A variable a sub-expression does not depend on contributes nothing, even through an infinite partial.
  const combine = (pa: number, ta: number[], pb = 0, tb = zero()) => ta.map((v, i) => times(pa, v) + times(pb, tb[i]));
  const visit = (e: Expr): [number, number[]] => {
    switch (e.kind) {
      case 'number':
        return [e.value, zero()];
      case 'constant':
        return [CONSTANTS[e.name], zero()];
      case 'variable': {
        const t = zero();
        t[variables.indexOf(e.name)] = 1;
        return [point[variables.indexOf(e.name)], t];
      }
      case 'unary': {
        const [v, t] = visit(e.arg);
        return [e.op === '-' ? -v : v, t];
      }
      case 'binary': {
        const [a, ta] = visit(e.left);
        const [b, tb] = visit(e.right);
        switch (e.op) {
          case '+':
            return [a + b, combine(1, ta, 1, tb)];
          case '-':
            return [a - b, combine(1, ta, 1, tb)];
          case '*':
            return [a * b, combine(b, ta, a, tb)];
          case '/':
            return [a / b, combine(1 / b, ta, a / (b * b), tb)];
          case '^':
            return [
              a ** b,
              combine(
                b === 0 ? 0 : b * a ** (b - 1),
                ta,
                tb.some((v) => v !== 0) ? a ** b * Math.log(Math.abs(a)) : 0,
                tb,
              ),
            ];
        }
        break;
      }
      case 'call': {
        const [a, ta] = visit(e.args[0]);
        if (e.name === 'min' || e.name === 'max') {
          const [b, tb] = visit(e.args[1]);
          return [(e.name === 'min' ? nanMin : nanMax)(a, b), ta.map((v, i) => Math.max(v, tb[i]))];
        }
        const [f, df] = REFERENCE[e.name];
        return [f(a), combine(df(a), ta)];
      }
    }
    throw new Error('unreachable');
  };
  return visit(expr)[1];
}

/** The number of nodes of an expression. */
export function sizeOf(e: Expr): number {
  return (
    1 +
    (e.kind === 'unary'
      ? sizeOf(e.arg)
      : e.kind === 'binary'
        ? sizeOf(e.left) + sizeOf(e.right)
        : e.kind === 'call'
          ? e.args.reduce((s, a) => s + sizeOf(a), 0)
          : 0)
  );
}
