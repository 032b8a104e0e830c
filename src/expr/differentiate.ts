// Symbolic differentiation of the AST, with the simplifications that keep derivative trees small
// (0·x = 0, 1·x = x, x + 0 = x, x^1 = x, constant folding). Gradient and Hessian expressions
// evaluated in interval arithmetic give the enclosures the Krawczyk test needs. Non-smooth
// functions get derivative expressions that are undefined (0/0) exactly at their kinks, so an
// interval containing a kink gets no finite derivative enclosure, which is the honest answer.
import { variablesOf, type BinaryOp, type Expr, type FunctionName } from './ast.js';

const at = { start: 0, end: 0 };
const num = (value: number): Expr => ({ kind: 'number', value, ...at });
const isNum = (e: Expr, v?: number): boolean => e.kind === 'number' && (v === undefined || e.value === v);

function unaryMinus(a: Expr): Expr {
  if (a.kind === 'number') return num(-a.value);
  if (a.kind === 'unary' && a.op === '-') return a.arg;
  return { kind: 'unary', op: '-', arg: a, ...at };
}

function binary(op: BinaryOp, l: Expr, r: Expr): Expr {
  if (l.kind === 'number' && r.kind === 'number' && op !== '^' && op !== '/') {
    const v = op === '+' ? l.value + r.value : op === '-' ? l.value - r.value : l.value * r.value;
    return num(v);
  }
  switch (op) {
    case '+':
      if (isNum(l, 0)) return r;
      if (isNum(r, 0)) return l;
      break;
    case '-':
      if (isNum(r, 0)) return l;
      if (isNum(l, 0)) return unaryMinus(r);
      break;
    case '*':
      if (isNum(l, 0) || isNum(r, 0)) return num(0);
      if (isNum(l, 1)) return r;
      if (isNum(r, 1)) return l;
      if (isNum(l, -1)) return unaryMinus(r);
      if (isNum(r, -1)) return unaryMinus(l);
      break;
    case '/':
      if (isNum(l, 0)) return num(0);
      if (isNum(r, 1)) return l;
      break;
    case '^':
      if (isNum(r, 1)) return l;
      if (isNum(r, 0)) return num(1);
      break;
  }
  return { kind: 'binary', op, left: l, right: r, ...at };
}

const call = (name: FunctionName, ...args: Expr[]): Expr => ({ kind: 'call', name, args, ...at });

/** d expr / d variable, simplified. */
export function differentiate(expr: Expr, variable: string): Expr {
  const d = (e: Expr): Expr => {
    switch (e.kind) {
      case 'number':
      case 'constant':
        return num(0);
      case 'variable':
        return num(e.name === variable ? 1 : 0);
      case 'unary':
        return e.op === '-' ? unaryMinus(d(e.arg)) : d(e.arg);
      case 'binary': {
        const { left: l, right: r } = e;
        const dl = d(l);
        const dr = d(r);
        switch (e.op) {
          case '+': return binary('+', dl, dr);
          case '-': return binary('-', dl, dr);
          case '*': return binary('+', binary('*', dl, r), binary('*', l, dr));
          case '/': return binary('/', binary('-', binary('*', dl, r), binary('*', l, dr)), binary('^', r, num(2)));
          case '^':
            if (!variablesOf(r).includes(variable)) {
              // d(l^c) = c·l^(c-1)·dl for an exponent free of the variable.
              const c1 = r.kind === 'number' ? num(r.value - 1) : binary('-', r, num(1));
              return binary('*', binary('*', r, binary('^', l, c1)), dl);
            }
            // d(l^r) = l^r · (dr·log l + r·dl / l)
            return binary('*', e, binary('+', binary('*', dr, call('log', l)), binary('/', binary('*', r, dl), l)));
        }
        break;
      }
      case 'call': {
        const a = e.args[0];
        const da = d(a);
        if (e.name === 'min' || e.name === 'max') {
          // max(a, b) = (a + b)/2 + |a − b|/2, min(a, b) = (a + b)/2 − |a − b|/2.
          const b = e.args[1];
          const db = d(b);
          const diff = binary('-', a, b);
          const half = binary('/', binary('+', da, db), num(2));
          const kink = binary('/', binary('*', diff, binary('-', da, db)), binary('*', num(2), call('abs', diff)));
          return e.name === 'max' ? binary('+', half, kink) : binary('-', half, kink);
        }
        if (isNum(da, 0)) return num(0);
        let outer: Expr;
        switch (e.name) {
          case 'sin': outer = call('cos', a); break;
          case 'cos': outer = unaryMinus(call('sin', a)); break;
          case 'tan': outer = binary('/', num(1), binary('^', call('cos', a), num(2))); break;
          case 'exp': outer = e; break;
          case 'log': outer = binary('/', num(1), a); break;
          case 'log1p': outer = binary('/', num(1), binary('+', num(1), a)); break;
          case 'sqrt': outer = binary('/', num(1), binary('*', num(2), e)); break;
          case 'abs': outer = binary('/', a, e); break;
          case 'tanh': outer = binary('-', num(1), binary('^', e, num(2))); break;
          case 'sigmoid': outer = binary('*', e, binary('-', num(1), e)); break;
          case 'softplus': outer = call('sigmoid', a); break;
          case 'relu': outer = binary('/', e, a); break;
          case 'sinh': outer = call('cosh', a); break;
          case 'cosh': outer = call('sinh', a); break;
        }
        return binary('*', outer, da);
      }
    }
    throw new Error('unreachable');
  };
  return d(expr);
}

/** ∂f/∂v for every variable, in order. */
export function gradientExprs(expr: Expr, variables: readonly string[]): Expr[] {
  return variables.map((v) => differentiate(expr, v));
}

/** ∂²f/∂u∂v, as a symmetric matrix of expressions (each entry computed once). */
export function hessianExprs(expr: Expr, variables: readonly string[]): Expr[][] {
  const grad = gradientExprs(expr, variables);
  const n = variables.length;
  const H: Expr[][] = Array.from({ length: n }, () => new Array<Expr>(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      H[i][j] = differentiate(grad[i], variables[j]);
      H[j][i] = H[i][j];
    }
  }
  return H;
}
