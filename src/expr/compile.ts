// Compiles an expression's AST to core ops. Evaluation is elementwise over tensors of any shape
// (a whole plotting grid at once), and, since it is made of core ops, differentiable to any order.
// Constants become scalars of the evaluation's dtype, so float32 evaluation rounds as float32 would.
import { SaddleError, ShapeError, formatShape } from '../core/errors.js';
import {
  abs,
  add,
  cos,
  div,
  exp,
  less,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  reshape,
  scalar,
  sigmoid,
  sin,
  slice,
  softplus,
  sqrt,
  sub,
  tan,
  tanh,
  Tensor,
  where,
  type DType,
} from '../core/index.js';
import {
  CONSTANTS,
  childrenOf,
  format,
  isConstantExpr,
  memoWalker,
  variablesOf,
  type BinaryOp,
  type Expr,
  type FunctionName,
} from './ast.js';
import { parse } from './parse.js';

/**
 * e^x / 2 as (e^(x/2)/2)·e^(x/2): finite wherever e^x/2 is (up to x ≈ 710.5, where e^x alone overflows).
 * The two factors are separate nodes on purpose: one shared node would collect the cotangent e^(x/2)
 * and multiply it by e^(x/2) again, e^x in full, which overflows where the derivative e^x/2 does not.
 */
const halfExp = (x: Tensor): Tensor => mul(div(exp(div(x, 2)), 2), exp(div(x, 2)));

/**
 * sinh and cosh: for |x| < 1 from t = tanh(x/2), sinh = 2t/(1 − t²) and cosh = (1 + t²)/(1 − t²), where
 * no difference of nearly equal numbers occurs in the value or in any derivative (e^x/2 − e^−x/2 at
 * x = 1e-10 keeps 7 digits); beyond, e^x/2 ± e^−x/2. Each branch gets an input it is finite on, so the
 * branch not taken has a finite derivative and where() gives it weight 0 without a 0·∞ = NaN.
 */
const hyperbolic = (x: Tensor, name: 'sinh' | 'cosh'): Tensor => {
  const small = less(mul(x, x), 1);
  const t = tanh(div(where(small, x, 0), 2));
  const t2 = mul(t, t);
  const xl = where(small, 1, x);
  const near = name === 'cosh' ? div(add(1, t2), sub(1, t2)) : div(mul(t, 2), sub(1, t2));
  const far = name === 'cosh' ? add(halfExp(xl), halfExp(neg(xl))) : sub(halfExp(xl), halfExp(neg(xl)));
  return where(small, near, far);
};

const FUNCTIONS: { [F in FunctionName]: (args: readonly Tensor[]) => Tensor } = {
  sin: ([x]) => sin(x),
  cos: ([x]) => cos(x),
  tan: ([x]) => tan(x),
  exp: ([x]) => exp(x),
  log: ([x]) => log(x),
  sqrt: ([x]) => sqrt(x),
  abs: ([x]) => abs(x),
  tanh: ([x]) => tanh(x),
  sigmoid: ([x]) => sigmoid(x),
  softplus: ([x]) => softplus(x),
  relu: ([x]) => relu(x),
  log1p: ([x]) => log1p(x),
  sinh: ([x]) => hyperbolic(x, 'sinh'),
  cosh: ([x]) => hyperbolic(x, 'cosh'),
  min: ([a, b]) => minimum(a, b),
  max: ([a, b]) => maximum(a, b),
};

/**
 * The language's power (interval.ts encloses the same): an exponent without variables is Math.pow's
 * (an integer value gives the integer power of any base); an exponent that varies needs a base >= 0,
 * so a negative base gives NaN even where the exponent happens to be an integer.
 */
function power(l: Tensor, r: Tensor, exponent: Expr): Tensor {
  if (isConstantExpr(exponent)) {
    // IEEE pow(NaN, 0) is 1: adding l·0 (±0 for a number, NaN for NaN) keeps an undefined base undefined.
    return r.size === 1 && r.item() === 0 ? add(pow(l, r), mul(l, 0)) : pow(l, r);
  }
  return where(less(l, 0), NaN, pow(l, r));
}

const BINARY: { [Op in BinaryOp]: (l: Tensor, r: Tensor, e: Expr & { kind: 'binary' }) => Tensor } = {
  '+': add,
  '-': sub,
  '*': mul,
  '/': div,
  '^': (l, r, e) => power(l, r, e.right),
};

type NodeRule<K extends Expr['kind']> = (e: Expr & { kind: K }, visit: (child: Expr) => Tensor, env: Env) => Tensor;
interface Env {
  values: readonly Tensor[];
  index: ReadonlyMap<string, number>;
  dtype: DType;
}

const NODES: { [K in Expr['kind']]: NodeRule<K> } = {
  number: (e, _v, env) => scalar(e.value, env.dtype),
  constant: (e, _v, env) => scalar(CONSTANTS[e.name], env.dtype),
  variable: (e, _v, env) => env.values[env.index.get(e.name) as number],
  unary: (e, visit) => (e.op === '-' ? neg(visit(e.arg)) : visit(e.arg)),
  binary: (e, visit) => BINARY[e.op](visit(e.left), visit(e.right), e),
  call: (e, visit) => FUNCTIONS[e.name](e.args.map(visit)),
};

/**
 * The value of every node of the expression (each distinct node once, so shared sub-expressions cost
 * nothing more), keyed by node; the root's value is the expression's.
 */
export function evaluateNodes(
  expr: Expr,
  values: readonly Tensor[],
  index: ReadonlyMap<string, number>,
  dtype: DType,
): Map<Expr, Tensor> {
  const memo = new Map<Expr, Tensor>();
  const env = { values, index, dtype };
  const visit = memoWalker<Tensor>(memo, (e, recurse) => (NODES[e.kind] as NodeRule<typeof e.kind>)(e, recurse, env));
  visit(expr);
  return memo;
}

/**
 * The expression's distinct nodes in an order where every child comes before its parents (the root last), made
 * once per compile: an evaluation is then one loop over it, without the memo walker's map and recursion per call.
 */
function evaluationOrder(expr: Expr): Expr[] {
  const order: Expr[] = [];
  memoWalker<true>((e, visit) => {
    for (const c of childrenOf(e)) visit(c);
    order.push(e);
    return true;
  })(expr);
  return order;
}

function evaluateInOrder(order: readonly Expr[], env: Env): Tensor {
  const value = new Map<Expr, Tensor>();
  const visit = (child: Expr): Tensor => value.get(child) as Tensor;
  let last: Tensor | undefined;
  for (const e of order) {
    last = (NODES[e.kind] as NodeRule<typeof e.kind>)(e, visit, env);
    value.set(e, last);
  }
  return last as Tensor;
}

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

/** Float64 values of variable-free sub-expressions, as point evaluation computes them (once per node). */
const constants = new WeakMap<Expr, number | null>();

/**
 * The float64 value of an expression without variables, or null if it has variables: the value the
 * language gives a constant exponent, which interval evaluation and symbolic derivatives use too.
 */
export function constantValue(e: Expr): number | null {
  let v = constants.get(e);
  if (v === undefined) {
    v = isConstantExpr(e)
      ? evaluateInOrder(evaluationOrder(e), { values: [], index: new Map(), dtype: 'float64' }).item()
      : null;
    constants.set(e, v);
  }
  return v;
}

/** Parses (if given text) and compiles an expression into an objective. */
export function compile(source: string | Expr, options: CompileOptions = {}): Objective {
  const expr = typeof source === 'string' ? parse(source) : source;
  // A derived expression's DAG can have an exponentially long text: show at most a screenful of it.
  const text = typeof source === 'string' ? source : format(source, 2000);
  const used = variablesOf(expr);
  const variables = options.variables ? [...options.variables] : used;
  for (const name of used) {
    if (!variables.includes(name)) {
      throw new SaddleError(
        `the expression uses '${name}', which is not among the variables ${variables.join(', ') || '(none)'}; ` +
          'give it a range',
      );
    }
  }
  const index = new Map(variables.map((v, i) => [v, i]));
  const order = evaluationOrder(expr);
  const maximize = options.maximize ?? false;
  const evaluate = (values: readonly Tensor[]): Tensor => {
    if (values.length !== variables.length) {
      const count = `${variables.length} variable${variables.length === 1 ? '' : 's'}`;
      throw new ShapeError(`evaluate: ${count} (${variables.join(', ')}) but ${values.length} values`);
    }
    const dtype = values[0]?.dtype ?? 'float64';
    const value = evaluateInOrder(order, { values, index, dtype });
    return maximize ? neg(value) : value;
  };
  const at = (point: Tensor): Tensor => {
    if (!(point instanceof Tensor) || point.rank !== 1 || point.shape[0] !== variables.length) {
      const got = point instanceof Tensor ? formatShape(point.shape) : typeof point;
      const wanted = `a point vector of length ${variables.length} (${variables.join(', ')})`;
      throw new ShapeError(`at: expected ${wanted}, got ${got}`);
    }
    const values = variables.map((_, i) => reshape(slice(point, [i], [i + 1]), []));
    const value = evaluate(values);
    // A constant expression has no variables: keep it a scalar of the point's dtype.
    return value.dtype === point.dtype ? value : scalar(value.item(), point.dtype);
  };
  return { text, expr, variables, maximize, evaluate, at };
}
