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
  sin: 1,
  cos: 1,
  tan: 1,
  exp: 1,
  log: 1,
  sqrt: 1,
  abs: 1,
  tanh: 1,
  sigmoid: 1,
  softplus: 1,
  relu: 1,
  sinh: 1,
  cosh: 1,
  log1p: 1,
  min: 2,
  max: 2,
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export function isFunctionName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

export function isConstantName(name: string): name is ConstantName {
  return Object.prototype.hasOwnProperty.call(CONSTANTS, name);
}

/** The direct sub-expressions of a node, in order. */
export function childrenOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'unary':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.args;
    default:
      return [];
  }
}

/**
 * The node with its children replaced by f(child), or the node itself when no child changed, so
 * rebuilding walkers keep sharing what they do not touch. The one place that knows how nodes are rebuilt.
 */
export function mapChildren(e: Expr, f: (child: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unary': {
      const arg = f(e.arg);
      return arg === e.arg ? e : { ...e, arg };
    }
    case 'binary': {
      const left = f(e.left);
      const right = f(e.right);
      return left === e.left && right === e.right ? e : { ...e, left, right };
    }
    case 'call': {
      const args = e.args.map(f);
      return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    }
    default:
      return e;
  }
}

type Visit<T> = (e: Expr, recurse: (child: Expr) => T) => T;

/**
 * A walker memoised by node identity (in the given memo, to share it between walks): visit sees each
 * distinct node once, so the work is linear in the size of the expression DAG (derivatives share
 * sub-expressions; walking them as trees is exponential). Recursion is the fast path; past a depth of
 * RECURSION_LIMIT, children are visited first from an explicit stack, so a chain of 5000 additions
 * (a 10,000-character input) cannot overflow the call stack.
 */
export function memoWalker<T>(
  ...[memoOrVisit, maybeVisit]: [visit: Visit<T>] | [memo: Map<Expr, T>, visit: Visit<T>]
): (e: Expr) => T {
  const memo = maybeVisit === undefined ? new Map<Expr, T>() : (memoOrVisit as Map<Expr, T>);
  const visit = maybeVisit ?? (memoOrVisit as Visit<T>);
  let depth = 0;
  const lookup = (e: Expr): T => {
    const known = memo.get(e);
    if (known !== undefined || memo.has(e)) return known as T;
    if (depth >= RECURSION_LIMIT) return walk(e);
    depth++;
    try {
      const value = visit(e, lookup);
      memo.set(e, value);
      return value;
    } finally {
      depth--;
    }
  };
  const walk = (root: Expr): T => {
    const stack: Expr[] = [root];
    const expanded = new Set<Expr>();
    while (stack.length > 0) {
      const e = stack[stack.length - 1];
      if (memo.has(e)) {
        stack.pop();
      } else if (!expanded.has(e)) {
        expanded.add(e);
        // Pushed right to left, so children are visited left to right (variablesOf's first-appearance order).
        const children = childrenOf(e);
        for (let i = children.length - 1; i >= 0; i--) if (!memo.has(children[i])) stack.push(children[i]);
      } else {
        stack.pop();
        memo.set(e, visit(e, lookup));
      }
    }
    return memo.get(root) as T;
  };
  return lookup;
}

/** Nesting depth past which walkers switch from recursion to an explicit stack. */
const RECURSION_LIMIT = 400;

/** The number of distinct nodes of an expression DAG. */
export function dagSize(expr: Expr): number {
  const seen = new Set<Expr>();
  const stack = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (seen.has(e)) continue;
    seen.add(e);
    for (const c of childrenOf(e)) stack.push(c);
  }
  return seen.size;
}

/** The variables of an expression, in order of first appearance. */
export function variablesOf(expr: Expr): string[] {
  const seen = new Set<string>();
  const visit = memoWalker<null>((e, recurse) => {
    if (e.kind === 'variable') seen.add(e.name);
    for (const c of childrenOf(e)) recurse(c);
    return null;
  });
  visit(expr);
  return [...seen];
}

const constantness = new WeakMap<Expr, boolean>();

/** Whether the expression has no variables (memoised per node: walkers ask it of every power's exponent). */
export function isConstantExpr(expr: Expr): boolean {
  const stack = [expr];
  while (stack.length > 0) {
    const e = stack[stack.length - 1];
    if (constantness.has(e)) {
      stack.pop();
      continue;
    }
    const pending = childrenOf(e).filter((c) => !constantness.has(c));
    if (pending.length > 0) {
      for (const c of pending) stack.push(c);
    } else {
      stack.pop();
      constantness.set(e, e.kind !== 'variable' && childrenOf(e).every((c) => constantness.get(c)));
    }
  }
  return constantness.get(expr) as boolean;
}

const PRECEDENCE: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };
/** Unary minus binds tighter than * and looser than ^ (as math.js): -x^2 = -(x^2). */
const UNARY_PRECEDENCE = 3;

/** Thrown inside format when the text passes its length budget. */
class TooLong extends Error {}

/**
 * Canonical text of an expression, with parentheses only where precedence needs them: around a
 * child that binds more loosely than its parent, or equally on the non-associative side (the right
 * of + - * /, the left of the right-associative ^). A derivative DAG can have a text exponentially
 * longer than itself, so text past maxLength characters is cut and ends in '…'.
 */
export function format(expr: Expr, maxLength = Infinity): string {
  const out: string[] = [];
  let length = 0;
  const emit = (text: string): void => {
    out.push(text);
    length += text.length;
    if (length > maxLength) throw new TooLong();
  };
  const show = (e: Expr, parent: number, side: 'left' | 'right' | 'none'): void => {
    let p: number;
    switch (e.kind) {
      case 'number':
        return emit(String(e.value));
      case 'constant':
      case 'variable':
        return emit(e.name);
      case 'call':
        emit(`${e.name}(`);
        e.args.forEach((a, i) => {
          if (i > 0) emit(', ');
          show(a, 0, 'none');
        });
        return emit(')');
      case 'unary':
        p = UNARY_PRECEDENCE;
        break;
      case 'binary':
        p = PRECEDENCE[e.op];
        break;
    }
    const wrongSide = parent === PRECEDENCE['^'] ? side === 'left' : side === 'right';
    const wrap = p < parent || (p === parent && wrongSide);
    if (wrap) emit('(');
    if (e.kind === 'unary') {
      emit(e.op);
      show(e.arg, p, 'right');
    } else {
      show(e.left, p, 'left');
      emit(e.op === '^' ? '^' : ` ${e.op} `);
      show(e.right, p, 'right');
    }
    if (wrap) emit(')');
  };
  try {
    show(expr, 0, 'none');
    return out.join('');
  } catch (err) {
    if (!(err instanceof TooLong)) throw err;
    return `${out.join('').slice(0, Math.max(0, maxLength - 1))}…`;
  }
}

/** The expression with a variable replaced by a number (e.g. to restrict a function to a face of a box). */
export function substitute(expr: Expr, name: string, value: number): Expr {
  const visit = memoWalker<Expr>((e, recurse) =>
    e.kind === 'variable' && e.name === name
      ? { kind: 'number', value, start: e.start, end: e.end }
      : mapChildren(e, recurse),
  );
  return visit(expr);
}
