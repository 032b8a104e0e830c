// Experiment 8: finite precision limits how well a minimiser can be located. Near x*, f(x* + δ) −
// f(x*) ≈ ½f″δ², which drops below the rounding of f once δ < √(2ε|f(x*)|/f″): comparisons of
// values locate x* only to about √ε (2.4e-4 in float32, 1.1e-8 in float64). The gradient does not
// cancel that way, so a method that looks at the sign of f′ does better.
import { grad, linspace, tensor, type DType, type Tensor } from '../core/index.js';
import { compile } from '../expr/index.js';
import { linePlot } from '../plot/index.js';
import { Conditions, type Experiment } from './types.js';

const FUNCTIONS = [
  { f: '(x - 1)^2 + 1', xStar: 1, fStar: 1, f2: 2 },
  { f: 'cosh(x - 0.5)', xStar: 0.5, fStar: 1, f2: 1 },
  { f: 'x^4/4 - x + 1.75', xStar: 1, fStar: 1, f2: 3 },
  { f: 'exp(x) - 2*x', xStar: Math.LN2, fStar: 2 - 2 * Math.LN2, f2: 2 },
];
const UNIT_ROUNDOFF: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };

type Row = {
  objective: string;
  dtype: DType;
  valueError: number;
  gradientError: number;
  predicted: number;
  sqrtEps: number;
};
type Numbers = { rows: Row[]; finiteDifferences: { h: number; forward: number; central: number }[] };

/**
 * The farthest grid point from x* whose computed f ties the smallest computed value: what comparing values can resolve.
 */
function valueBasedError(source: string, xStar: number, dtype: DType, halfWidth: number): number {
  const f = compile(source);
  const xs = linspace(xStar - halfWidth, xStar + halfWidth, 8001, { dtype });
  const ys = f.evaluate([xs]).data;
  let best = Infinity;
  for (const y of ys) best = Math.min(best, y);
  let err = 0;
  xs.data.forEach((x, i) => {
    if (ys[i] === best) err = Math.max(err, Math.abs(x - xStar));
  });
  return err;
}

/** Bisection on the sign of f′ (exact autodiff, in dtype): how well the gradient locates x*. */
function gradientBasedError(source: string, xStar: number, dtype: DType): number {
  const f = compile(source);
  const g = grad((x: Tensor) => f.at(x));
  const sign = (x: number) => g(tensor([x], { dtype })).data[0];
  let [a, b] = [xStar - 0.25, xStar + 0.25];
  for (let k = 0; k < 200 && b - a > 0; k++) {
    const m = dtype === 'float32' ? Math.fround((a + b) / 2) : (a + b) / 2;
    if (m === a || m === b) break;
    if (sign(m) > 0) b = m;
    else a = m;
  }
  return Math.max(Math.abs(a - xStar), Math.abs(b - xStar));
}

export const machinePrecision: Experiment<Numbers> = {
  id: 'machine-precision',
  title: 'Machine precision limits how well a minimum can be located',
  claim:
    'Numerical optimisation is subject to the limits of machine precision: near a minimum f changes only ' +
    'quadratically, so a minimiser can be located only to about the square root of the precision of f — about ' +
    '2.4e-4 in single and 1.1e-8 in double precision.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1 (numerical solutions); Nocedal & Wright, Numerical ' +
    'Optimization §8.1 (finite-difference step sizes); REFERENCES.md',
  run: () => {
    const rows: Row[] = [];
    for (const fn of FUNCTIONS) {
      for (const dtype of ['float32', 'float64'] as const) {
        const eps = UNIT_ROUNDOFF[dtype];
        const predicted = Math.sqrt((2 * eps * Math.abs(fn.fStar)) / fn.f2);
        rows.push({
          objective: fn.f,
          dtype,
          predicted,
          sqrtEps: Math.sqrt(eps),
          valueError: valueBasedError(fn.f, fn.xStar, dtype, 20 * predicted),
          gradientError: gradientBasedError(fn.f, fn.xStar, dtype),
        });
      }
    }
    // Finite differences of exp at 1 in float64: truncation error falls with h, rounding error rises as ε/h.
    const hs = Array.from({ length: 29 }, (_, i) => 10 ** (-1 - i * 0.5));
    const e1 = Math.E;
    const finiteDifferences = hs.map((h) => ({
      h,
      forward: Math.abs((Math.exp(1 + h) - Math.exp(1)) / h - e1),
      central: Math.abs((Math.exp(1 + h) - Math.exp(1 - h)) / (2 * h) - e1),
    }));
    const log = (v: number) => Math.log10(Math.max(v, 1e-17));
    return {
      numbers: { rows, finiteDifferences },
      settings: {
        valueBased: 'the farthest of 8001 grid points (within ±20 predictions of x*) whose computed f ties the minimum',
        gradientBased: 'bisection on the sign of the exact derivative, in the same dtype',
        finiteDifferences: 'd/dx exp at x = 1, float64',
      },
      figures: [
        {
          name: 'located',
          caption: 'How far from x* each method can locate the minimiser, per function, against √(2ε|f*|/f″) (lines)',
          svg: linePlot({
            x: [],
            y: [],
            yRange: 'all',
            xLabel: 'function (1–4)',
            yLabel: 'log10 |x − x*|',
            title: "Comparing values resolves √ε; the gradient's sign resolves more",
            traces: (['float32', 'float64'] as const).flatMap((d) => {
              const r = rows.filter((q) => q.dtype === d);
              const xs = r.map((_, i) => i + 1);
              return [
                { x: xs, y: r.map((q) => log(q.predicted)), label: `√(2ε|f*|/f″), ${d}`, markers: false },
                { x: xs, y: r.map((q) => log(q.valueError)), label: `comparing values, ${d}`, line: false },
                { x: xs, y: r.map((q) => log(q.gradientError)), label: `sign of f′, ${d}`, line: false },
              ];
            }),
          }),
        },
        {
          name: 'finite-differences',
          caption: 'Error of finite-difference derivatives of exp at 1 (float64) against the step h',
          svg: linePlot({
            x: finiteDifferences.map((q) => Math.log10(q.h)),
            y: finiteDifferences.map((q) => log(q.forward)),
            label: 'forward difference (best near √ε)',
            traces: [
              {
                x: finiteDifferences.map((q) => Math.log10(q.h)),
                y: finiteDifferences.map((q) => log(q.central)),
                label: 'central difference (best near ε^⅓)',
              },
            ],
            yRange: 'all',
            xLabel: 'log10 h',
            yLabel: 'log10 error',
            title: 'Truncation against rounding: the V of finite differences',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    for (const r of n.rows) {
      const ratio = r.valueError / r.predicted;
      c.expect(
        ratio > 0.2 && ratio < 5,
        `${r.objective}, ${r.dtype}: comparing values locates x* to ${r.valueError.toExponential(2)}; ` +
          `√(2ε|f*|/f″) = ${r.predicted.toExponential(2)} (√ε = ${r.sqrtEps.toExponential(2)})`,
      );
    }
    const fd = n.finiteDifferences;
    const best = (key: 'forward' | 'central') => fd.reduce((a, b) => (b[key] < a[key] ? b : a));
    const bf = best('forward');
    const bc = best('central');
    c.expect(
      bf.h >= 1e-10 && bf.h <= 1e-6,
      `forward differences are best at h = ${bf.h.toExponential(1)} (≈ √ε = 1.5e-8), ` +
        `error ${bf.forward.toExponential(1)}`,
    );
    c.expect(
      bc.h >= 1e-7 && bc.h <= 1e-3,
      `central differences are best at h = ${bc.h.toExponential(1)} (≈ ε^⅓ = 6e-6), ` +
        `error ${bc.central.toExponential(1)}`,
    );
    const better = n.rows.filter((r) => r.gradientError < r.valueError / 100);
    return c.verdict([
      `the limit is for methods that compare values: bisection on the sign of the exact gradient located x* far ` +
        `better in ${better.length} of ${n.rows.length} cases (e.g. ${n.rows[0].objective}, ` +
        `float32: ${n.rows[0].gradientError.toExponential(1)} against ${n.rows[0].valueError.toExponential(1)})`,
    ]);
  },
};
