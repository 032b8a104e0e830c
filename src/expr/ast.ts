// The expression language's abstract syntax tree. Every node keeps its source span (1-based
// columns), so errors can point at what the user wrote.

export interface Span {
  /** 1-based column of the first character. */
  start: number;
  /** 1-based column just past the last character. */
  end: number;
}

export type Expr =
  | ({ kind: 'number'; value: number } & Span)
  | ({ kind: 'constant'; name: ConstantName } & Span)
  | ({ kind: 'variable'; name: string } & Span)
  | ({ kind: 'unary'; op: '-' | '+'; arg: Expr } & Span)
  | ({ kind: 'binary'; op: BinaryOp; left: Expr; right: Expr } & Span)
  | ({ kind: 'call'; name: FunctionName; args: Expr[] } & Span);

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export const CONSTANTS = { pi: Math.PI, e: Math.E } as const;
export type ConstantName = keyof typeof CONSTANTS;

/** Functions of the language and their arity. */
export const FUNCTIONS = {
  sin: 1, cos: 1, tan: 1, exp: 1, log: 1, sqrt: 1, abs: 1, tanh: 1, sigmoid: 1, softplus: 1, relu: 1,
  sinh: 1, cosh: 1, log1p: 1, min: 2, max: 2,
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export function isFunctionName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

export function isConstantName(name: string): name is ConstantName {
  return Object.prototype.hasOwnProperty.call(CONSTANTS, name);
}

/** The variables of an expression, in order of first appearance. */
export function variablesOf(expr: Expr): string[] {
  const seen: string[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'variable':
        if (!seen.includes(e.name)) seen.push(e.name);
        return;
      case 'unary':
        return visit(e.arg);
      case 'binary':
        visit(e.left);
        return visit(e.right);
      case 'call':
        return e.args.forEach(visit);
      default:
    }
  };
  visit(expr);
  return seen;
}

const PRECEDENCE: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };
/** Unary minus binds tighter than * and looser than ^ (as math.js): -x^2 = -(x^2). */
const UNARY_PRECEDENCE = 3;

/**
 * Canonical text of an expression, with parentheses only where precedence needs them: around a
 * child that binds more loosely than its parent, or equally on the non-associative side (the right
 * of + - * /, the left of the right-associative ^).
 */
export function format(expr: Expr): string {
  const show = (e: Expr, parent: number, side: 'left' | 'right' | 'none'): string => {
    let p: number;
    let text: string;
    switch (e.kind) {
      case 'number':
        return String(e.value);
      case 'constant':
      case 'variable':
        return e.name;
      case 'call':
        return `${e.name}(${e.args.map((a) => show(a, 0, 'none')).join(', ')})`;
      case 'unary':
        p = UNARY_PRECEDENCE;
        text = `${e.op}${show(e.arg, p, 'right')}`;
        break;
      case 'binary':
        p = PRECEDENCE[e.op];
        text = `${show(e.left, p, 'left')}${e.op === '^' ? '^' : ` ${e.op} `}${show(e.right, p, 'right')}`;
        break;
    }
    const wrongSide = parent === PRECEDENCE['^'] ? side === 'left' : side === 'right';
    return p < parent || (p === parent && wrongSide) ? `(${text})` : text;
  };
  return show(expr, 0, 'none');
}

/** The expression with a variable replaced by a number (e.g. to restrict a function to a face of a box). */
export function substitute(expr: Expr, name: string, value: number): Expr {
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'variable':
        return e.name === name ? { kind: 'number', value, start: e.start, end: e.end } : e;
      case 'unary':
        return { ...e, arg: visit(e.arg) };
      case 'binary':
        return { ...e, left: visit(e.left), right: visit(e.right) };
      case 'call':
        return { ...e, args: e.args.map(visit) };
      default:
        return e;
    }
  };
  return visit(expr);
}
