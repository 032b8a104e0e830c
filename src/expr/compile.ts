// Compiles an expression's AST to core ops. Evaluation is elementwise over tensors of any shape
// (a whole plotting grid at once), and, since it is made of core ops, differentiable to any order.
// Constants become scalars of the evaluation's dtype, so float32 evaluation rounds as float32 would.
import { SaddleError, ShapeError, formatShape } from '../core/errors.js';
import {
  abs, add, cos, div, exp, log, log1p, maximum, minimum, mul, neg, pow, relu, reshape, scalar, sigmoid, sin, slice,
  softplus, sqrt, sub, tan, tanh, Tensor, type DType,
} from '../core/index.js';
import { CONSTANTS, format, variablesOf, type Expr, type FunctionName } from './ast.js';
import { parse } from './parse.js';

const UNARY_FUNCTIONS: Record<Exclude<FunctionName, 'min' | 'max'>, (x: Tensor) => Tensor> = {
  sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, softplus, relu, log1p,
  sinh: (x) => div(sub(exp(x), exp(neg(x))), 2),
  cosh: (x) => div(add(exp(x), exp(neg(x))), 2),
};

export interface Objective {
  /** The expression as the user wrote it. */
  readonly text: string;
  readonly expr: Expr;
  /** Variable names, in the order of point vectors. */
  readonly variables: readonly string[];
  /** Whether this is the negative of the expression (maximisation as minimisation). */
  readonly maximize: boolean;
  /** Elementwise value over one tensor per variable (all of one dtype; shapes broadcast). */
  evaluate(values: readonly Tensor[]): Tensor;
  /** The value at a point vector of length variables.length: a scalar, differentiable. */
  at(point: Tensor): Tensor;
}

export interface CompileOptions {
  /** The variables' order; default: order of first appearance. May include unused names. */
  variables?: readonly string[];
  /** Minimise the negative instead (as the chapter turns maximisation into minimisation). */
  maximize?: boolean;
}

function evaluateExpr(expr: Expr, values: readonly Tensor[], index: ReadonlyMap<string, number>, dtype: DType): Tensor {
  const visit = (e: Expr): Tensor => {
    switch (e.kind) {
      case 'number':
        return scalar(e.value, dtype);
      case 'constant':
        return scalar(CONSTANTS[e.name], dtype);
      case 'variable':
        return values[index.get(e.name) as number];
      case 'unary':
        return e.op === '-' ? neg(visit(e.arg)) : visit(e.arg);
      case 'binary': {
        const l = visit(e.left);
        const r = visit(e.right);
        switch (e.op) {
          case '+': return add(l, r);
          case '-': return sub(l, r);
          case '*': return mul(l, r);
          case '/': return div(l, r);
          case '^': return pow(l, r);
        }
        break;
      }
      case 'call': {
        const args = e.args.map(visit);
        if (e.name === 'min') return minimum(args[0], args[1]);
        if (e.name === 'max') return maximum(args[0], args[1]);
        return UNARY_FUNCTIONS[e.name](args[0]);
      }
    }
    throw new Error('unreachable');
  };
  return visit(expr);
}

/** Parses (if given text) and compiles an expression into an objective. */
export function compile(source: string | Expr, options: CompileOptions = {}): Objective {
  const expr = typeof source === 'string' ? parse(source) : source;
  const text = typeof source === 'string' ? source : format(source);
  const used = variablesOf(expr);
  const variables = options.variables ? [...options.variables] : used;
  for (const name of used) {
    if (!variables.includes(name)) {
      throw new SaddleError(`the expression uses '${name}', which is not among the variables ${variables.join(', ') || '(none)'}; give it a range`);
    }
  }
  const index = new Map(variables.map((v, i) => [v, i]));
  const maximize = options.maximize ?? false;
  const evaluate = (values: readonly Tensor[]): Tensor => {
    if (values.length !== variables.length) {
      throw new ShapeError(`evaluate: ${variables.length} variable${variables.length === 1 ? '' : 's'} (${variables.join(', ')}) but ${values.length} values`);
    }
    const dtype = values[0]?.dtype ?? 'float64';
    const value = evaluateExpr(expr, values, index, dtype);
    return maximize ? neg(value) : value;
  };
  const at = (point: Tensor): Tensor => {
    if (!(point instanceof Tensor) || point.rank !== 1 || point.shape[0] !== variables.length) {
      throw new ShapeError(`at: expected a point vector of length ${variables.length} (${variables.join(', ')}), got ${point instanceof Tensor ? formatShape(point.shape) : typeof point}`);
    }
    const values = variables.map((_, i) => reshape(slice(point, [i], [i + 1]), []));
    const value = evaluate(values);
    // A constant expression has no variables: keep it a scalar of the point's dtype.
    return value.dtype === point.dtype ? value : scalar(value.item(), point.dtype);
  };
  return { text, expr, variables, maximize, evaluate, at };
}
