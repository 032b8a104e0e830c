// Experiment 2: x³ has zero gradient at 0, which is neither a minimum nor a maximum.
import { compile } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from './figures.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  x: number;
  derivative: number;
  secondDerivative: number;
  kind: string;
  test: string;
  left: number;
  right: number;
  value: number;
};

export const saddle1d: Experiment<Numbers> = {
  id: 'saddle-1d',
  title: 'A saddle point in one dimension: x³',
  claim:
    'A saddle point is any location where all gradients of a function vanish but which is neither a global nor a ' +
    'local minimum. Consider f(x) = x³: its first and second derivative vanish for x = 0; optimisation might ' +
    'stall at this point, even though it is not a minimum.',
  source: 'd2l.ai, Optimization and Deep Learning §12.1.2.2 (Saddle Points), figure of x³ on [−2, 2]',
  run: () => {
    const f = compile('x^3');
    const box = [{ lo: -2, hi: 2 }];
    const report = analyze(f, box);
    const p = report.stationaryPoints[0];
    const h = 1e-3;
    const at = (x: number) => x ** 3;
    return {
      numbers: {
        x: p.point.x,
        derivative: p.gradientNorm,
        secondDerivative: p.eigenvalues[0],
        kind: p.kind,
        test: p.test,
        value: p.value,
        left: at(p.point.x - h),
        right: at(p.point.x + h),
      },
      settings: { objective: f.text, box: '[-2, 2]', probe: h },
      figures: [
        {
          name: 'saddle',
          caption:
            'x³: the stationary point at 0 is a saddle (an inflection), found and classified by higher derivatives',
          svg: landscapeFigure(f, box, 'line', report),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    c.expect(Math.abs(n.x) < 1e-8, `the only stationary point is at x = ${n.x.toExponential(2)} ≈ 0`);
    c.expect(
      Math.abs(n.derivative) < 1e-12 && Math.abs(n.secondDerivative) < 1e-12,
      `f′ and f″ vanish there (${n.derivative.toExponential(1)}, ${n.secondDerivative.toExponential(1)})`,
    );
    c.expect(
      n.left < n.value && n.value < n.right,
      'f is lower on the left and higher on the right: neither a minimum nor a maximum',
    );
    c.expect(
      n.kind === 'saddle',
      `classified as ${n.kind} by the ${n.test} test (the Hessian test alone is inconclusive)`,
    );
    return c.verdict();
  },
};
