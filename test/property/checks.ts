// The properties, as plain functions from one generated input to an outcome, so the vitest suite and
// scripts/fuzz.mjs judge inputs the same way. An outcome is 'pass', 'skip' (the input says nothing: a point
// where f is not finite, a stencil that straddles a pole) or a violation of one of four kinds:
// crash (an exception other than saddle's own errors), hang (over the time budget), nan (a NaN reported as a
// number or a NaN bound) and wrong (any other broken promise).
import { SaddleError, hessian, grad, tensor } from '../../src/core/index.js';
import {
  DomainError,
  ParseError,
  compile,
  differentiate,
  evaluateInterval,
  format,
  parse,
  type Expr,
} from '../../src/expr/index.js';
import { derive } from '../../src/landscape/index.js';
import { at, corners, type EnclosureCase, type PointCase, type Printed, type Range } from './arbitraries.js';
import { absoluteGradient, reference, shapeOfExpr, shapeOfTree, sizeOf } from './reference.js';

export type Violation = 'crash' | 'hang' | 'nan' | 'wrong';
export type Outcome = { kind: 'pass' | 'skip' } | { kind: Violation; message: string };
export const PASS: Outcome = { kind: 'pass' };
export const SKIP: Outcome = { kind: 'skip' };
const fail = (kind: Violation, message: string): Outcome => ({ kind, message });

/** Milliseconds one parse may take: inputs are at most 12,000 characters, a linear-time parser needs ~1 ms. */
export const PARSE_BUDGET_MS = 250;
/** Milliseconds one enclosure or one derivative check may take (small trees, a few evaluations). */
export const EVALUATION_BUDGET_MS = 2000;

const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
/** An exception a user can act on (a SaddleError) is an answer; anything else is a crash. */
const unexpected = (err: unknown): boolean => !(err instanceof SaddleError);

function timed(budget: number, what: string, run: () => Outcome): Outcome {
  const start = performance.now();
  let outcome: Outcome;
  try {
    outcome = run();
  } catch (err) {
    outcome = unexpected(err) ? fail('crash', `${what}: ${describeError(err)}`) : PASS;
  }
  const ms = performance.now() - start;
  return ms > budget && (outcome.kind === 'pass' || outcome.kind === 'skip')
    ? fail('hang', `${what} took ${ms.toFixed(0)} ms (budget ${budget})`)
    : outcome;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** parse throws only ParseError, with a column inside the input (or just past its end), within the budget. */
export function checkParse(text: string): Outcome {
  return timed(PARSE_BUDGET_MS, `parse(${JSON.stringify(text.slice(0, 60))})`, () => {
    try {
      parse(text);
    } catch (err) {
      if (!(err instanceof ParseError)) return fail('crash', `parse threw ${describeError(err)}`);
      if (!Number.isInteger(err.column) || err.column < 1 || err.column > text.length + 1) {
        return fail('wrong', `ParseError column ${err.column} outside 1..${text.length + 1}: ${err.message}`);
      }
    }
    return PASS;
  });
}

/** A printed tree parses to that tree, and format(ast) parses back to the same AST. */
export function checkRoundTrip(p: Printed): Outcome {
  let ast: Expr;
  try {
    ast = parse(p.text);
  } catch (err) {
    return fail(
      unexpected(err) ? 'crash' : 'wrong',
      `valid text ${JSON.stringify(p.text)} refused: ${describeError(err)}`,
    );
  }
  if (!same(shapeOfExpr(ast), shapeOfTree(p.tree))) {
    return fail(
      'wrong',
      `${JSON.stringify(p.text)} parsed as ${format(ast)}, not as ${JSON.stringify(shapeOfTree(p.tree))}`,
    );
  }
  return checkReformat(p.text);
}

/** Whatever text parses, its canonical form (format) parses back to the same AST. */
export function checkReformat(text: string): Outcome {
  let ast: Expr;
  try {
    ast = parse(text);
  } catch {
    return SKIP;
  }
  const canonical = format(ast);
  try {
    const again = parse(canonical);
    if (!same(shapeOfExpr(again), shapeOfExpr(ast))) {
      return fail(
        'wrong',
        `format(parse(${JSON.stringify(text)})) = ${JSON.stringify(canonical)} parses to another AST`,
      );
    }
  } catch (err) {
    return fail(
      'wrong',
      `format(parse(${JSON.stringify(text)})) = ${JSON.stringify(canonical)} does not parse: ${describeError(err)}`,
    );
  }
  return PASS;
}

type Enclosure = { lo: number; hi: number } | 'refused';

function enclose(expr: Expr, variables: readonly string[], box: readonly Range[]): Enclosure {
  try {
    return evaluateInterval(expr, variables, box);
  } catch (err) {
    if (err instanceof DomainError) return 'refused';
    throw err;
  }
}

function pointValue(expr: Expr, variables: readonly string[], point: readonly number[]): number {
  return compile(expr, { variables })
    .at(tensor([...point]))
    .item();
}

/**
 * Over a box: the enclosure has no NaN bound and lo <= hi; every finite point value at the corners and at the
 * sampled points lies in it; the enclosure of a sub-box lies inside it, and a sub-box is not refused where the box
 * was accepted (an accepted box claims definedness on all of it).
 */
export function checkEnclosure(c: EnclosureCase): Outcome {
  return timed(EVALUATION_BUDGET_MS, `enclosure of ${c.text}`, () => {
    const expr = parse(c.text);
    const whole = enclose(expr, c.variables, c.box);
    if (whole === 'refused') return SKIP;
    const boxText = c.box.map((r, i) => `${c.variables[i]}=${r.lo}:${r.hi}`).join(',');
    if (Number.isNaN(whole.lo) || Number.isNaN(whole.hi))
      return fail('nan', `${c.text} on ${boxText}: enclosure [${whole.lo}, ${whole.hi}]`);
    if (!(whole.lo <= whole.hi))
      return fail('wrong', `${c.text} on ${boxText}: inverted enclosure [${whole.lo}, ${whole.hi}]`);
    const points = [...corners(c.box), ...c.fractions.map((f) => c.box.map((r, i) => at(r, f[i % f.length])))];
    for (const point of points) {
      const v = pointValue(expr, c.variables, point);
      if (Number.isFinite(v) && !(whole.lo <= v && v <= whole.hi)) {
        return fail(
          'wrong',
          `${c.text} on ${boxText}: f(${point.join(', ')}) = ${v} outside [${whole.lo}, ${whole.hi}]`,
        );
      }
    }
    const sub = c.box.map((r, i) => {
      const [s, t] = c.sub[i % c.sub.length];
      return { lo: at(r, Math.min(s, t)), hi: at(r, Math.max(s, t)) };
    });
    const part = enclose(expr, c.variables, sub);
    const subText = sub.map((r, i) => `${c.variables[i]}=${r.lo}:${r.hi}`).join(',');
    if (part === 'refused')
      return fail('wrong', `${c.text}: accepted on ${boxText} but refused on its sub-box ${subText}`);
    if (!(whole.lo <= part.lo && part.hi <= whole.hi)) {
      return fail(
        'wrong',
        `${c.text}: sub-box ${subText} gives [${part.lo}, ${part.hi}] outside [${whole.lo}, ${whole.hi}] on ${boxText}`,
      );
    }
    return PASS;
  });
}

const CBRT_EPS = Math.cbrt(Number.EPSILON);
const EPS = Number.EPSILON / 2;

/**
 * The gradient (reverse mode, and the symbolic derivative compiled) against central differences with
 * h = cbrt(eps)·max(1, |x_i|). D(h) = g + c·h² + O(h⁴) + rounding, so T = |D(2h) − D(h)|/3 estimates the
 * truncation error c·h² (Richardson); the rounding error of D(h) is at most (E(x+h) + E(x−h))/2h with E the
 * running error bound of f's evaluation. The gradient's own rounding: E of the symbolic derivative's expression
 * for differentiate, and size(f)·eps·Σ|path partials| for reverse mode (see absoluteGradient).
 * Tolerance: 2T (the estimate's own O(h⁴) and rounding) + that rounding bound + 4 eps |D(h)| (the quotient)
 * + the gradient's own rounding.
 * Skipped: a stencil point where f is not finite; |f| > 1e8 or E > 1e-8·max(1, |f|) (the evaluation itself is
 * too inexact to difference); T > 1e-4·max(1, |D(h)|) (the third derivative explodes on the stencil: a pole
 * or a branch point nearby); forward and backward differences apart by more than 1e-2·max(1, |D(h)|) (the
 * second derivative explodes, or a kink hidden in a smooth-looking composition, sqrt(y*y), lies in the stencil);
 * a non-finite gradient (that kink exactly at the point).
 */
export function checkGradient(c: PointCase): Outcome {
  return timed(EVALUATION_BUDGET_MS, `gradient of ${c.text}`, () => {
    const expr = parse(c.text);
    const f = compile(expr, { variables: c.variables });
    const value = (p: readonly number[]) => f.at(tensor([...p])).item();
    const fx = value(c.point);
    const E = (p: readonly number[]) => reference(expr, c.variables, p).error;
    if (!Number.isFinite(fx) || Math.abs(fx) > 1e8 || E(c.point) > 1e-8 * Math.max(1, Math.abs(fx))) return SKIP;
    const autodiff = grad(f.at)(tensor([...c.point])).data;
    const absolute = absoluteGradient(expr, c.variables, c.point);
    for (let i = 0; i < c.variables.length; i++) {
      const xi = c.point[i];
      const h = CBRT_EPS * Math.max(1, Math.abs(xi));
      // Differences over the stencil points as stored (x ± h rounds), so the spacing is exact.
      const shifted = (d: number) => c.point.map((v, j) => (j === i ? v + d : v));
      const [p1, m1, p2, m2] = [shifted(h), shifted(-h), shifted(2 * h), shifted(-2 * h)];
      const values = [p1, m1, p2, m2].map(value);
      if (!values.every(Number.isFinite)) return SKIP;
      const D1 = (values[0] - values[1]) / (p1[i] - m1[i]);
      const D2 = (values[2] - values[3]) / (p2[i] - m2[i]);
      const T = Math.abs(D2 - D1) / 3;
      // Derivative scale of f itself, so the rules hold for c·f with any c (tiny functions are not exempt).
      const scale = Math.max(Math.abs(fx), ...values.map(Math.abs)) / Math.max(1, Math.abs(xi));
      if (T > 1e-4 * Math.max(Math.abs(D1), scale)) return SKIP;
      // One-sided differences differ by about |f''|·h: more than 1e-2·max(1, |D(h)|) is a second derivative
      // past ~1e3 (relative), or a kink inside the stencil that central differences hide (sqrt(y*y) at y ≈ 0).
      const forward = (values[0] - fx) / (p1[i] - xi);
      const backward = (fx - values[1]) / (xi - m1[i]);
      if (Math.abs(forward - backward) > 1e-2 * Math.max(Math.abs(D1), scale)) return SKIP;
      const gExpr = differentiate(expr, c.variables[i]);
      const symbolic = pointValue(gExpr, c.variables, c.point);
      if (!Number.isFinite(autodiff[i]) || !Number.isFinite(symbolic)) return SKIP;
      // The quotient's own rounding (a subtraction and a division) is 2 eps relative; 4 eps covers it.
      const tol = 2 * T + (E(p1) + E(m1)) / (p1[i] - m1[i]) + 4 * EPS * Math.abs(D1);
      const symbolicTol = tol + reference(gExpr, c.variables, c.point).error;
      const autodiffTol = tol + sizeOf(expr) * EPS * absolute[i];
      const where = `${c.text} at (${c.point.join(', ')}), d/d${c.variables[i]}`;
      // A NaN bound (∞ − ∞ among the error terms) says nothing about the input: skip it.
      if (Number.isNaN(symbolicTol) || Number.isNaN(autodiffTol)) return SKIP;
      if (!(Math.abs(autodiff[i] - D1) <= autodiffTol)) {
        return fail('wrong', `${where}: grad ${autodiff[i]}, central difference ${D1} (tol ${autodiffTol})`);
      }
      if (!(Math.abs(symbolic - D1) <= symbolicTol)) {
        return fail('wrong', `${where}: differentiate ${symbolic}, central difference ${D1} (tol ${symbolicTol})`);
      }
    }
    return PASS;
  });
}

/**
 * |H_ij − H_ji| <= 1e-12·max|H| + E_ij + E_ji, for hessian() and for the symbolic d/dx_j(d/dx_i f), wherever
 * finite. E_ij is the running error bound of evaluating d/dx_j(d/dx_i f) in float64: "to rounding" means what
 * the two orders of evaluation can lose, which a fixed tiny term cannot say where a mixed partial that is
 * exactly 0 is computed as a difference of 1e154-sized terms (at x = 1e-170) or underflows in one order only.
 * The same bound stands for reverse-over-forward mode, which evaluates the same chain rule terms.
 */
export function checkHessianSymmetry(c: PointCase): Outcome {
  return timed(EVALUATION_BUDGET_MS, `Hessian of ${c.text}`, () => {
    const expr = parse(c.text);
    const n = c.variables.length;
    const f = compile(expr, { variables: c.variables });
    const H = hessian(f.at)(tensor([...c.point])).data;
    const second = (k: number) =>
      differentiate(differentiate(expr, c.variables[Math.floor(k / n)]), c.variables[k % n]);
    const exprs = Array.from({ length: n * n }, (_, k) => second(k));
    const S = exprs.map((e) => pointValue(e, c.variables, c.point));
    const E = exprs.map((e) => reference(e, c.variables, c.point).error);
    for (const [name, M] of [
      ['hessian', H],
      ['differentiate', S],
    ] as const) {
      if (!Array.from(M).every(Number.isFinite)) continue;
      const scale = Math.max(...Array.from(M, Math.abs));
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const gap = Math.abs(M[i * n + j] - M[j * n + i]);
          const bound = 1e-12 * scale + E[i * n + j] + E[j * n + i];
          // A NaN or infinite bound comes from a mixed partial that is itself undefined or infinite at the point
          // (∂²/∂x∂y of (-y)^x at y = 0): symmetry to rounding means nothing there, so the pair is skipped.
          if (Number.isFinite(bound) && gap > bound) {
            const pair = `H[${i}][${j}] = ${M[i * n + j]}, H[${j}][${i}] = ${M[j * n + i]}`;
            return fail('wrong', `${c.text} at (${c.point.join(', ')}): ${name} ${pair}`);
          }
        }
      }
    }
    return PASS;
  });
}

/**
 * Where a sub-expression is NaN at the point, the value is NaN and derive() reports the point undefined:
 * never a finite value (relu(log(x)) at x = -1 is not 0).
 */
export function checkNaNPropagation(c: PointCase): Outcome {
  return timed(EVALUATION_BUDGET_MS, `NaN through ${c.text}`, () => {
    const expr = parse(c.text);
    if (!reference(expr, c.variables, c.point).nanInside) return SKIP;
    const v = pointValue(expr, c.variables, c.point);
    const where = `${c.text} at (${c.point.join(', ')})`;
    if (!Number.isNaN(v)) return fail('nan', `${where}: a sub-expression is NaN but the value is ${v}`);
    try {
      // Reporting the point undefined is throwing a SaddleError, or (should derive learn to) a NaN value.
      const d = derive(compile(expr, { variables: c.variables }), c.point);
      if (!Number.isNaN(d.value)) {
        return fail(
          'nan',
          `${where}: derive reports value ${d.value}, gradient ${Object.values(d.gradient).join(', ')}`,
        );
      }
    } catch (err) {
      if (unexpected(err)) throw err;
    }
    return PASS;
  });
}

/** For fc.property: throws on a violation, so fast-check shrinks it and reports the counterexample. */
export function holds(o: Outcome): void {
  if ('message' in o) throw new Error(`${o.kind}: ${o.message}`);
}
