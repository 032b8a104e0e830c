// Finds where an expression stops being finite at a point: the innermost sub-expression whose value
// is NaN or infinite while its arguments are finite (e.g. log(x) at x = -1), so errors can say which
// part of what the user wrote is undefined there, and at which column.
import { Tensor } from '../core/tensor.js';
import { format, type Expr } from './ast.js';
import { compile } from './compile.js';

export interface NonFinite {
  /** The sub-expression's text, as formatted. */
  text: string;
  column: number;
  value: number;
}

function children(e: Expr): Expr[] {
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

/** The innermost non-finite sub-expression at the point, or null when the value is finite. */
export function locateNonFinite(expr: Expr, variables: readonly string[], point: readonly number[]): NonFinite | null {
  const values = point.map((v) => new Tensor('float64', [], Float64Array.of(v)));
  const valueOf = (e: Expr): number => compile(e, { variables }).evaluate(values).item();
  const search = (e: Expr): NonFinite | null => {
    const v = valueOf(e);
    if (Number.isFinite(v)) return null;
    for (const child of children(e)) {
      const inner = search(child);
      if (inner !== null) return inner;
    }
    return { text: format(e), column: e.start, value: v };
  };
  return search(expr);
}
