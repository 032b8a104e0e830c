// Hash-consed construction of derived expressions. A builder hands out one node per structure (same
// kind, operator and child nodes), so derivatives that mention a sub-expression many times, as
// d max(a, b) mentions a, b, da and db twice each, share it: their DAG grows linearly with the
// expression, where the tree would grow as 2^depth. The node count is bounded, so an expression
// whose derivatives are too large to handle gets a clear error instead of running out of memory.
import { SaddleError } from '../core/errors.js';
import type { BinaryOp, Expr, FunctionName } from './ast.js';

/**
 * The most distinct nodes one builder makes (gradients and Hessians of one objective): about 400 MB
 * with the memo tables (measured: 574k nodes, the full Hessian of a product of 151 variables, take 227 MB).
 */
export const MAX_DERIVED_NODES = 1_000_000;

/** The derivatives of an expression need more nodes than the builder allows. */
export class ExpressionTooLargeError extends SaddleError {
  constructor(readonly limit: number) {
    super(
      `the derivatives of this expression need more than ${limit} distinct sub-expressions; ` +
        'simplify it (fewer nested or repeated terms) or use fewer variables',
    );
    this.name = 'ExpressionTooLargeError';
  }
}

const NOWHERE = { start: 0, end: 0 };

/** 2^27 + 1: Dekker's splitting constant for doubles. */
const SPLIT = 134217729;

/**
 * a op b when the double result is exact, else null: a folded constant must be the real number
 * the expression denotes, or interval enclosures of derivatives would start from a rounded value.
 * Sums by Knuth's TwoSum, products by Dekker's TwoProduct (Dekker 1971): exact iff the error term is 0.
 */
function exactly(op: '+' | '-' | '*', a: number, b: number): number | null {
  if (op === '-') return exactly('+', a, -b);
  if (op === '+') {
    const s = a + b;
    if (!Number.isFinite(s)) return null;
    const bb = s - a;
    return a - (s - bb) + (b - bb) === 0 ? s : null;
  }
  if (a === 0 || b === 0) return a * b;
  const p = a * b;
  // Near overflow or underflow the splitting below is not exact itself: do not fold there.
  if (!Number.isFinite(p) || Math.abs(p) < 2 ** -960 || Math.abs(a) > 2 ** 995 || Math.abs(b) > 2 ** 995) return null;
  const split = (x: number): [number, number] => {
    const c = SPLIT * x;
    const hi = c - (c - x);
    return [hi, x - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return err === 0 ? p : null;
}

export class ExprBuilder {
  /** One table per node shape ('n' numbers, 'neg' negations, an operator, a function), keyed by child ids. */
  private readonly tables = new Map<string, Map<number, Expr>>();
  private readonly ids = new Map<Expr, number>();
  private nextId = 0;
  private count = 0;
  /** d node / d variable, per variable: shared by every derivative this builder takes. */
  readonly derivatives = new Map<string, Map<Expr, Expr>>();
  constructor(readonly limit = MAX_DERIVED_NODES) {}

  /** Distinct nodes made so far. */
  get size(): number {
    return this.count;
  }

  private id(e: Expr): number {
    let id = this.ids.get(e);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(e, id);
    }
    return id;
  }

  /** Two ids as one exact number key (ids stay below 2^26: the node limit is far lower). */
  private pair(a: Expr, b: Expr): number {
    return this.id(a) * 2 ** 26 + this.id(b);
  }

  private intern(shape: string, key: number, make: () => Expr): Expr {
    let table = this.tables.get(shape);
    if (!table) this.tables.set(shape, (table = new Map()));
    const known = table.get(key);
    if (known) return known;
    if (this.count >= this.limit) throw new ExpressionTooLargeError(this.limit);
    const e = make();
    table.set(key, e);
    this.count++;
    return e;
  }

  num(value: number): Expr {
    // -0 has its own table: it is a different number to 1/x (1/-0 is -Infinity), equal to 0 as a key.
    return this.intern(Object.is(value, -0) ? 'n-0' : 'n', value, () => ({ kind: 'number', value, ...NOWHERE }));
  }

  neg(a: Expr): Expr {
    if (a.kind === 'number') return this.num(-a.value);
    if (a.kind === 'unary' && a.op === '-') return a.arg;
    // Not '-': that is the binary operator's table, whose key pair(1, a) equals id(a) when the number 1 has id 0.
    return this.intern('neg', this.id(a), () => ({ kind: 'unary', op: '-', arg: a, ...NOWHERE }));
  }

  /** l op r, with the simplifications that keep derivatives small (0·x = 0, 1·x = x, x + 0 = x, x^1 = x, folding). */
  binary(op: BinaryOp, l: Expr, r: Expr): Expr {
    if (l.kind === 'number' && r.kind === 'number' && op !== '^' && op !== '/') {
      const folded = exactly(op, l.value, r.value);
      if (folded !== null) return this.num(folded);
    }
    const is = (e: Expr, v: number): boolean => e.kind === 'number' && e.value === v;
    switch (op) {
      case '+':
        if (is(l, 0)) return r;
        if (is(r, 0)) return l;
        break;
      case '-':
        if (is(r, 0)) return l;
        if (is(l, 0)) return this.neg(r);
        break;
      case '*':
        if (is(l, 0) || is(r, 0)) return this.num(0);
        if (is(l, 1)) return r;
        if (is(r, 1)) return l;
        if (is(l, -1)) return this.neg(r);
        if (is(r, -1)) return this.neg(l);
        break;
      case '/':
        if (is(l, 0)) return this.num(0);
        if (is(r, 1)) return l;
        break;
      case '^':
        if (is(r, 1)) return l;
        if (is(r, 0)) return this.num(1);
        break;
    }
    return this.intern(op, this.pair(l, r), () => ({ kind: 'binary', op, left: l, right: r, ...NOWHERE }));
  }

  call(name: FunctionName, ...args: Expr[]): Expr {
    const key = args.length === 1 ? this.id(args[0]) : this.pair(args[0], args[1]);
    return this.intern(`${name}/${args.length}`, key, () => ({ kind: 'call', name, args, ...NOWHERE }));
  }
}
