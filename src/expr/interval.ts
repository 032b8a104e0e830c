// Interval arithmetic over the expression AST (Moore, Kearfott & Cloud, Introduction to Interval
// Analysis, 2009): every operation returns an interval that contains every value the operation
// takes on its argument intervals. JavaScript has no directed rounding, so each computed bound is
// moved outward by one ulp (two for the transcendental functions, whose results may be off by
// just under one ulp), which keeps the enclosure rigorous.
import { SaddleError } from '../core/errors.js';
import { CONSTANTS, format, type Expr } from './ast.js';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** A function applied outside its domain somewhere in the box (e.g. log of an interval reaching 0). */
export class DomainError extends SaddleError {
  /**
   * @param everywhere the argument is outside the domain on the whole box (no point of it is
   *   defined), not just somewhere in it.
   */
  constructor(readonly fn: string, readonly argument: string, readonly column: number, condition: string, readonly everywhere = false) {
    super(`${fn} is undefined for ${argument} ${condition}`);
    this.name = 'DomainError';
  }
}

const view = new Float64Array(1);
const bits = new BigInt64Array(view.buffer);

/** The next double above x (x itself for +∞ and NaN). */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view[0] = x;
  bits[0] += x > 0 ? 1n : -1n;
  return view[0];
}

export function nextDown(x: number): number {
  return -nextUp(-x);
}

const down = (x: number, ulps = 1): number => (ulps === 1 ? nextDown(x) : nextDown(nextDown(x)));
const up = (x: number, ulps = 1): number => (ulps === 1 ? nextUp(x) : nextUp(nextUp(x)));

export function interval(lo: number, hi: number = lo): Interval {
  if (!(lo <= hi)) throw new SaddleError(`interval: lower bound ${lo} exceeds upper bound ${hi}`);
  return { lo, hi };
}

/** An exact point (no rounding happened yet). */
const point = (x: number): Interval => ({ lo: x, hi: x });
const ENTIRE: Interval = { lo: -Infinity, hi: Infinity };

export function contains(x: Interval, v: number): boolean {
  return x.lo <= v && v <= x.hi;
}

export function width(x: Interval): number {
  return x.hi - x.lo;
}

export function add(a: Interval, b: Interval): Interval {
  return { lo: down(a.lo + b.lo), hi: up(a.hi + b.hi) };
}

export function sub(a: Interval, b: Interval): Interval {
  return { lo: down(a.lo - b.hi), hi: up(a.hi - b.lo) };
}

export function neg(a: Interval): Interval {
  return { lo: -a.hi, hi: -a.lo };
}

/** 0·∞ is taken as 0 (the product of the sets, where ∞ is a bound, not a value). */
function times(x: number, y: number): number {
  return x === 0 || y === 0 ? 0 : x * y;
}

export function mul(a: Interval, b: Interval): Interval {
  // A product with an exactly zero factor is exactly zero: that bound needs no widening.
  let lo = Infinity;
  let hi = -Infinity;
  let loExact = false;
  let hiExact = false;
  for (const x of [a.lo, a.hi]) {
    for (const y of [b.lo, b.hi]) {
      const exact = x === 0 || y === 0;
      const v = times(x, y);
      if (v < lo || (v === lo && exact)) [lo, loExact] = [v, exact];
      if (v > hi || (v === hi && exact)) [hi, hiExact] = [v, exact];
    }
  }
  return { lo: loExact ? lo : down(lo), hi: hiExact ? hi : up(hi) };
}

export function div(a: Interval, b: Interval): Interval {
  if (b.lo <= 0 && b.hi >= 0) return ENTIRE;
  return mul(a, { lo: down(1 / b.hi), hi: up(1 / b.lo) });
}

/** x^n for an integer n (even powers of intervals straddling 0 start at 0). */
function powInt(a: Interval, n: number): Interval {
  if (n === 0) return point(1);
  if (n < 0) return div(point(1), powInt(a, -n));
  const lo = Math.pow(a.lo, n);
  const hi = Math.pow(a.hi, n);
  if (n % 2 === 1) return { lo: down(lo, 2), hi: up(hi, 2) };
  if (a.lo >= 0) return { lo: down(lo, 2), hi: up(hi, 2) };
  if (a.hi <= 0) return { lo: down(hi, 2), hi: up(lo, 2) };
  return { lo: 0, hi: up(Math.max(lo, hi), 2) };
}

/** A monotone increasing function's image, widened by two ulps. */
function increasing(f: (x: number) => number, a: Interval): Interval {
  return { lo: down(f(a.lo), 2), hi: up(f(a.hi), 2) };
}

/** sin over an interval: endpoint values, and ±1 where the interval contains a crest or trough. */
function sinInterval(a: Interval): Interval {
  if (!Number.isFinite(a.lo) || !Number.isFinite(a.hi) || a.hi - a.lo >= 2 * Math.PI) return { lo: -1, hi: 1 };
  const reaches = (phase: number) => {
    const k = Math.ceil((a.lo - phase) / (2 * Math.PI));
    return phase + 2 * Math.PI * k <= a.hi;
  };
  const s1 = Math.sin(a.lo);
  const s2 = Math.sin(a.hi);
  const lo = reaches(-Math.PI / 2) ? -1 : Math.max(-1, down(Math.min(s1, s2), 2));
  const hi = reaches(Math.PI / 2) ? 1 : Math.min(1, up(Math.max(s1, s2), 2));
  return { lo, hi };
}

function shift(a: Interval, by: number): Interval {
  return { lo: down(a.lo + by), hi: up(a.hi + by) };
}

export type Box = readonly Interval[];

/** An enclosure of the expression's values over a box (one interval per variable, in `variables` order). */
export function evaluateInterval(expr: Expr, variables: readonly string[], box: Box): Interval {
  const index = new Map(variables.map((v, i) => [v, i]));
  const domain = (fn: string, arg: Expr, condition: string, everywhere = false): never => {
    throw new DomainError(fn, format(arg), arg.start, condition, everywhere);
  };
  const visit = (e: Expr): Interval => {
    switch (e.kind) {
      case 'number':
        return point(e.value);
      case 'constant': {
        const v = CONSTANTS[e.name]; // the double nearest π or e: widen to contain the real constant
        return { lo: nextDown(v), hi: nextUp(v) };
      }
      case 'variable':
        return box[index.get(e.name) as number];
      case 'unary':
        return e.op === '-' ? neg(visit(e.arg)) : visit(e.arg);
      case 'binary': {
        const l = visit(e.left);
        switch (e.op) {
          case '+': return add(l, visit(e.right));
          case '-': return sub(l, visit(e.right));
          case '*': return mul(l, visit(e.right));
          case '/': return div(l, visit(e.right));
          case '^': {
            const r = visit(e.right);
            if (r.lo === r.hi && Number.isInteger(r.lo) && Math.abs(r.lo) <= 1024) return powInt(l, r.lo);
            if (l.lo < 0) domain('^', e.left, '< 0 (a negative base needs an integer exponent)', l.hi < 0);
            if (l.lo === 0 && r.lo <= 0) domain('^', e.left, '= 0 with an exponent <= 0');
            // x^y = exp(y·log x) for x > 0, with 0^y = 0 for y > 0 at the lower end.
            const logL = l.lo === 0 ? { lo: -Infinity, hi: up(Math.log(l.hi), 2) } : increasing(Math.log, l);
            const p = mul(r, logL);
            return { lo: Math.max(0, down(Math.exp(p.lo), 2)), hi: up(Math.exp(p.hi), 2) };
          }
        }
        break;
      }
      case 'call': {
        const a = visit(e.args[0]);
        const arg = e.args[0];
        switch (e.name) {
          case 'exp': return { lo: Math.max(0, down(Math.exp(a.lo), 2)), hi: up(Math.exp(a.hi), 2) };
          case 'log':
            if (a.lo <= 0) domain('log', arg, '<= 0', a.hi <= 0);
            return increasing(Math.log, a);
          case 'log1p':
            if (a.lo <= -1) domain('log1p', arg, '<= -1', a.hi <= -1);
            return increasing(Math.log1p, a);
          case 'sqrt':
            if (a.lo < 0) domain('sqrt', arg, '< 0', a.hi < 0);
            return { lo: Math.max(0, down(Math.sqrt(a.lo))), hi: up(Math.sqrt(a.hi)) };
          case 'sin': return sinInterval(a);
          case 'cos': return sinInterval(shift(a, Math.PI / 2)); // widened shift keeps it rigorous
          case 'tan': {
            const c = sinInterval(shift(a, Math.PI / 2));
            if (c.lo <= 0 && c.hi >= 0) domain('tan', arg, 'at odd multiples of pi/2');
            return div(sinInterval(a), c);
          }
          case 'abs':
            if (a.lo >= 0) return a;
            if (a.hi <= 0) return neg(a);
            return { lo: 0, hi: Math.max(-a.lo, a.hi) };
          case 'tanh': return { lo: Math.max(-1, down(Math.tanh(a.lo), 2)), hi: Math.min(1, up(Math.tanh(a.hi), 2)) };
          case 'sigmoid': return { lo: Math.max(0, down(1 / (1 + Math.exp(-a.lo)), 2)), hi: Math.min(1, up(1 / (1 + Math.exp(-a.hi)), 2)) };
          case 'softplus': {
            const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            return { lo: Math.max(0, down(sp(a.lo), 2)), hi: up(sp(a.hi), 2) };
          }
          case 'relu': return { lo: Math.max(0, a.lo), hi: Math.max(0, a.hi) };
          case 'sinh': return increasing(Math.sinh, a);
          case 'cosh': {
            const m = Math.max(Math.cosh(a.lo), Math.cosh(a.hi));
            const lo = a.lo <= 0 && a.hi >= 0 ? 1 : Math.min(Math.cosh(a.lo), Math.cosh(a.hi));
            return { lo: Math.max(1, down(lo, 2)), hi: up(m, 2) };
          }
          case 'min': {
            const b = visit(e.args[1]);
            return { lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
          }
          case 'max': {
            const b = visit(e.args[1]);
            return { lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
          }
        }
      }
    }
    throw new Error('unreachable');
  };
  return visit(expr);
}
