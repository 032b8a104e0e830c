// Interval arithmetic over the expression AST (Moore, Kearfott & Cloud, Introduction to Interval
// Analysis, 2009): every operation returns an interval that contains every value the operation
// takes on its argument intervals. JavaScript has no directed rounding, so each computed bound is
// moved outward by one ulp (two for the transcendental functions, whose results may be off by
// just under one ulp), which keeps the enclosure rigorous. Overflow gives an infinite bound, never a
// dropped one; a function applied where it may be undefined raises DomainError (flagged, not guessed).
import { SaddleError } from '../core/errors.js';
import { CONSTANTS, format, memoWalker, type BinaryOp, type Expr, type FunctionName } from './ast.js';
import { constantValue } from './compile.js';
import { cosRange, sinRange } from './trig.js';

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
  constructor(
    readonly fn: string,
    readonly argument: string,
    readonly column: number,
    condition: string,
    readonly everywhere = false,
  ) {
    super(`${fn} is undefined for ${argument} ${condition}`);
    this.name = 'DomainError';
  }
}

const view = new Float64Array(1);
const words = new Uint32Array(view.buffer);
// Typed arrays use the platform's byte order: find which 32-bit word holds the low half of the mantissa.
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/** The next double above x (x itself for +∞ and NaN). Works on the bits: hot in every enclosure. */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view[0] = x;
  // The magnitude's bit pattern grows with the magnitude: one step up for x > 0, one down for x < 0.
  if (x > 0) {
    if (words[LOW] === 0xffffffff) {
      words[LOW] = 0;
      words[HIGH]++;
    } else words[LOW]++;
  } else if (words[LOW] === 0) {
    words[LOW] = 0xffffffff;
    words[HIGH]--;
  } else words[LOW]--;
  return view[0];
}

export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** x moved down (up) by `ulps` doubles: the outward rounding of a bound computed to within that many ulps. */
const down = (x: number, ulps = 1): number => {
  for (let i = 0; i < ulps; i++) x = nextDown(x);
  return x;
};
const up = (x: number, ulps = 1): number => {
  for (let i = 0; i < ulps; i++) x = nextUp(x);
  return x;
};

export function interval(lo: number, hi: number = lo): Interval {
  if (!(lo <= hi)) throw new SaddleError(`interval: lower bound ${lo} exceeds upper bound ${hi}`);
  return { lo, hi };
}

/** An exact point (no rounding happened yet). */
export const point = (x: number): Interval => ({ lo: x, hi: x });
const ENTIRE: Interval = { lo: -Infinity, hi: Infinity };

export function contains(x: Interval, v: number): boolean {
  return x.lo <= v && v <= x.hi;
}

export function width(x: Interval): number {
  return x.hi - x.lo;
}

/**
 * The rounding error of s = fl(a + b), exactly (Knuth's TwoSum; Boldo, Graillat & Muller 2017 show it
 * overflows only where s does). NaN or ±∞ when s is not finite: then nothing is known.
 */
function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** A lower bound of the real a + b: fl(a + b) itself when it rounded down or was exact, else one ulp below. */
function sumLo(a: number, b: number): number {
  const s = a + b;
  const e = sumError(a, b, s);
  return Number.isFinite(e) && e >= 0 ? s : down(s);
}

function sumHi(a: number, b: number): number {
  const s = a + b;
  const e = sumError(a, b, s);
  return Number.isFinite(e) && e <= 0 ? s : up(s);
}

// An exact float sum stays exact (0 + 0 is 0, not ±5e-324): flat pieces of an objective must enclose as flat.
export function add(a: Interval, b: Interval): Interval {
  return { lo: sumLo(a.lo, b.lo), hi: sumHi(a.hi, b.hi) };
}

export function sub(a: Interval, b: Interval): Interval {
  return { lo: sumLo(a.lo, -b.hi), hi: sumHi(a.hi, -b.lo) };
}

export function neg(a: Interval): Interval {
  return { lo: -a.hi, hi: -a.lo };
}

/**
 * An enclosure of the real product of two bounds. 0·∞ is taken as 0 (the product of the sets, where ∞ is
 * a bound, not a value); a product with an exactly zero factor is exactly 0. Any other product is widened by
 * an ulp, but never across 0: the sign of a product of non-zero factors is known even when it underflows,
 * so an underflowed positive product is [0, 5e-324] and a negative one [-5e-324, 0].
 */
function boundProduct(x: number, y: number): Interval {
  if (x === 0 || y === 0) return { lo: 0, hi: 0 };
  const v = x * y;
  return x > 0 === y > 0 ? { lo: Math.max(0, down(v)), hi: up(v) } : { lo: down(v), hi: Math.min(0, up(v)) };
}

export function mul(a: Interval, b: Interval): Interval {
  // The bounds of a product of intervals are products of their bounds: each corner is enclosed, then joined.
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of [a.lo, a.hi]) {
    for (const y of [b.lo, b.hi]) {
      const p = boundProduct(x, y);
      if (p.lo < lo) lo = p.lo;
      if (p.hi > hi) hi = p.hi;
    }
  }
  return { lo, hi };
}

/** 1/b for b within [0, ∞): a bound 0 of b gives +∞ (1/[0, 0] is [MAX_VALUE, ∞]), an underflow stays >= 0. */
function reciprocalOfNonNegative(b: Interval): Interval {
  return { lo: Math.max(0, down(1 / b.hi)), hi: b.lo === 0 ? Infinity : up(1 / b.lo) };
}

/**
 * a / b. A divisor reaching 0 from one side still bounds the quotient of a numerator of one sign on one
 * side: 1/[0, 2] is [0.5, +∞). A numerator that contains 0 over such a divisor (0/0 at a kink) or a divisor
 * straddling 0 give the whole line. b = [0, 0] leaves no point where a/b is defined, so any interval encloses
 * it; the side of its zero's sign is taken (1/+0 = +∞ and 1/-0 = -∞, as point evaluation computes).
 */
export function div(a: Interval, b: Interval): Interval {
  if (b.lo > 0 || b.hi < 0) return b.lo > 0 ? mul(a, reciprocalOfNonNegative(b)) : neg(div(a, neg(b)));
  if (!(a.lo > 0 || a.hi < 0)) return ENTIRE;
  // A bound of -0 is a point where a/x is a/-0 = ∓∞ (and +0 one where it is ±∞), as point evaluation gives.
  const positive = Object.is(b.lo, 0);
  const negative = Object.is(b.hi, -0);
  if (positive) return mul(a, reciprocalOfNonNegative({ lo: 0, hi: b.hi }));
  if (negative) return neg(mul(a, reciprocalOfNonNegative({ lo: 0, hi: -b.lo })));
  return ENTIRE;
}

export { down, up, ENTIRE };

const increasing = (f: (x: number) => number, a: Interval): Interval => ({ lo: down(f(a.lo), 2), hi: up(f(a.hi), 2) });

/** base^y for base ≥ 0 (0^y = 0 for y > 0 at the lower end): exp(y·log base), rounded outward. */
function realPow(base: Interval, y: Interval): Interval {
  const logBase = base.lo === 0 ? { lo: -Infinity, hi: up(Math.log(base.hi), 2) } : increasing(Math.log, base);
  const p = mul(y, logBase);
  return { lo: Math.max(0, down(Math.exp(p.lo), 2)), hi: up(Math.exp(p.hi), 2) };
}

/** The largest |n| whose x^n comes from Math.pow directly (its error is then within the two ulps). */
const DIRECT_POWER = 1024;

/**
 * |v|^n for an integer n > 0: exactly 0 at 0, else a positive number whose enclosure never reaches below 0
 * (a power that underflows is [0, 1e-323], not a negative bound).
 */
function magnitudePower(v: number, n: number): Interval {
  const m = Math.abs(v);
  if (m === 0) return point(0);
  if (n > DIRECT_POWER) return realPow(point(m), point(n));
  const p = Math.pow(m, n);
  return { lo: Math.max(0, down(p, 2)), hi: up(p, 2) };
}

/**
 * x^n for an integer n, for any base. Even powers and powers of a base >= 0 have a lower bound >= 0
 * (powers of intervals straddling 0 start at exactly 0); x^-n is 1/x^n, so a positive power that
 * underflows gives [huge, +∞), not the whole line.
 */
function powInt(a: Interval, n: number): Interval {
  if (n === 0) return point(1);
  if (n < 0) return div(point(1), powInt(a, -n));
  const lo = magnitudePower(a.lo, n);
  const hi = magnitudePower(a.hi, n);
  if (n % 2 === 1) {
    // Odd powers increase: the sign of each end carries over.
    return { lo: a.lo < 0 ? -lo.hi : lo.lo, hi: a.hi < 0 ? -hi.lo : hi.hi };
  }
  if (a.lo >= 0) return { lo: lo.lo, hi: hi.hi };
  if (a.hi <= 0) return { lo: hi.lo, hi: lo.hi };
  return { lo: 0, hi: Math.max(lo.hi, hi.hi) };
}

export type Box = readonly Interval[];

/** How enclosures report a function applied where it may be undefined. */
interface Context {
  domain(fn: string, arg: Expr, condition: string, everywhere?: boolean): never;
  /** The float64 value of an expression without variables (as point evaluation computes it), else null. */
  constant(e: Expr): number | null;
}

type CallNode = Expr & { kind: 'call' };
type FunctionRule = (args: readonly Interval[], e: CallNode, ctx: Context) => Interval;

const FUNCTION_RULES: { [F in FunctionName]: FunctionRule } = {
  exp: ([a]) => ({ lo: Math.max(0, down(Math.exp(a.lo), 2)), hi: up(Math.exp(a.hi), 2) }),
  log: ([a], e, ctx) => {
    if (a.lo <= 0) ctx.domain('log', e.args[0], '<= 0', a.hi <= 0);
    return increasing(Math.log, a);
  },
  log1p: ([a], e, ctx) => {
    if (a.lo <= -1) ctx.domain('log1p', e.args[0], '<= -1', a.hi <= -1);
    return increasing(Math.log1p, a);
  },
  sqrt: ([a], e, ctx) => {
    if (a.lo < 0) ctx.domain('sqrt', e.args[0], '< 0', a.hi < 0);
    return { lo: Math.max(0, down(Math.sqrt(a.lo))), hi: up(Math.sqrt(a.hi)) };
  },
  sin: ([a]) => sinRange(a),
  cos: ([a]) => cosRange(a),
  tan: ([a], e, ctx) => {
    const c = cosRange(a);
    if (c.lo <= 0 && c.hi >= 0) ctx.domain('tan', e.args[0], 'at odd multiples of pi/2');
    return div(sinRange(a), c);
  },
  abs: ([a]) => (a.lo >= 0 ? a : a.hi <= 0 ? neg(a) : { lo: 0, hi: Math.max(-a.lo, a.hi) }),
  tanh: ([a]) => ({ lo: Math.max(-1, down(Math.tanh(a.lo), 2)), hi: Math.min(1, up(Math.tanh(a.hi), 2)) }),
  // Composed of three or four rounded operations: four ulps cover their errors together.
  sigmoid: ([a]) => ({ lo: Math.max(0, down(sigmoid(a.lo), 4)), hi: Math.min(1, up(sigmoid(a.hi), 4)) }),
  softplus: ([a]) => ({ lo: Math.max(0, down(softplus(a.lo), 4)), hi: up(softplus(a.hi), 4) }),
  relu: ([a]) => ({ lo: Math.max(0, a.lo), hi: Math.max(0, a.hi) }),
  // Four ulps: they enclose the true values and the composed ones point evaluation computes (compile.ts).
  sinh: ([a]) => ({ lo: down(Math.sinh(a.lo), 4), hi: up(Math.sinh(a.hi), 4) }),
  cosh: ([a]) => {
    const m = Math.max(Math.cosh(a.lo), Math.cosh(a.hi));
    const lo = a.lo <= 0 && a.hi >= 0 ? 1 : Math.min(Math.cosh(a.lo), Math.cosh(a.hi));
    return { lo: Math.max(1, down(lo, 4)), hi: up(m, 4) };
  },
  min: ([a, b]) => ({ lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }),
  max: ([a, b]) => ({ lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }),
};

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

type BinaryNode = Expr & { kind: 'binary' };
type BinaryRule = (l: Interval, r: Interval, e: BinaryNode, ctx: Context) => Interval;

/**
 * The language's power: an exponent without variables whose float64 value is an integer is an
 * integer power, for any base (x^2, x^-1, x^(4/2), x^sigmoid(100) where sigmoid(100) is 1 in floating
 * point); any other exponent needs a base >= 0, and > 0 when the exponent can be <= 0 (as the real
 * results of Math.pow). Point evaluation (compile.ts) follows the same rule.
 */
const power: BinaryRule = (l, r, e, ctx) => {
  const c = ctx.constant(e.right);
  if (c !== null && Number.isInteger(c)) return powInt(l, c);
  const varies = c === null;
  if (l.lo < 0) {
    const why = varies
      ? 'an exponent that varies needs a base >= 0'
      : `a negative base needs an integer exponent, not ${c}`;
    ctx.domain('^', e.left, `< 0 (${why})`, l.hi < 0);
  }
  if (l.lo === 0 && r.lo <= 0) ctx.domain('^', e.left, `= 0 with an exponent <= 0`, l.hi === 0 && r.hi <= 0);
  return realPow(l, r);
};

const BINARY_RULES: { [Op in BinaryOp]: BinaryRule } = {
  '+': (l, r) => add(l, r),
  '-': (l, r) => sub(l, r),
  '*': (l, r) => mul(l, r),
  '/': (l, r) => div(l, r),
  '^': power,
};

type NodeRule<K extends Expr['kind']> = (
  e: Expr & { kind: K },
  visit: (child: Expr) => Interval,
  ctx: Context,
  box: Box,
  index: ReadonlyMap<string, number>,
) => Interval;

const NODE_RULES: { [K in Expr['kind']]: NodeRule<K> } = {
  number: (e) => point(e.value),
  constant: (e) => {
    const v = CONSTANTS[e.name]; // the double nearest π or e: widen to contain the real constant
    return { lo: nextDown(v), hi: nextUp(v) };
  },
  variable: (e, _v, _c, box, index) => box[index.get(e.name) as number],
  unary: (e, visit) => (e.op === '-' ? neg(visit(e.arg)) : visit(e.arg)),
  binary: (e, visit, ctx) => BINARY_RULES[e.op](visit(e.left), visit(e.right), e, ctx),
  call: (e, visit, ctx) => FUNCTION_RULES[e.name](e.args.map(visit), e, ctx),
};

/**
 * Enclosures of several expressions over one box (one interval per variable, in `variables` order),
 * sharing the work on their common sub-expressions (gradient and Hessian entries share most of theirs).
 */
export function evaluateIntervals(exprs: readonly Expr[], variables: readonly string[], box: Box): Interval[] {
  const index = new Map(variables.map((v, i) => [v, i]));
  const ctx: Context = {
    domain: (fn, arg, condition, everywhere = false) => {
      throw new DomainError(fn, format(arg, 200), arg.start, condition, everywhere);
    },
    constant: constantValue,
  };
  const visit = memoWalker<Interval>((e, recurse) => {
    const r = (NODE_RULES[e.kind] as NodeRule<typeof e.kind>)(e, recurse, ctx, box, index);
    // A NaN bound can only come from ∞ − ∞ or ∞/∞ of bounds, where the set is unbounded that way.
    if (r.lo === r.lo && r.hi === r.hi) return r;
    return { lo: r.lo === r.lo ? r.lo : -Infinity, hi: r.hi === r.hi ? r.hi : Infinity };
  });
  return exprs.map(visit);
}

/** An enclosure of the expression's values over a box (one interval per variable, in `variables` order). */
export function evaluateInterval(expr: Expr, variables: readonly string[], box: Box): Interval {
  return evaluateIntervals([expr], variables, box)[0];
}
