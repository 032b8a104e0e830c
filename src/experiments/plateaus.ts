// Experiment 11: on a plateau the gradient is tiny, so gradient descent crawls; momentum
// accumulates the small, consistent gradients and adaptive methods rescale them, so both cross it.
// f(w) = (1 − σ(w))², started at w = −8 where f ≈ 1 and f′ ≈ −6.7e-4.
import { scalar, sigmoid, square, sub, sum, type Tensor } from '../core/index.js';
import { adam, minimize, rmsprop, sgd, type Optimizer } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Conditions, type Experiment } from './types.js';

const START = -8;
const TARGET = 0.01;
const f = (w: Tensor) => sum(square(sub(1, sigmoid(w))));

type Numbers = {
  start: number;
  target: number;
  budget: number;
  startGradient: number;
  methods: { name: string; steps: number | null }[];
};

export const plateaus: Experiment<Numbers> = {
  id: 'plateaus',
  title: 'Plateaus: momentum and adaptive learning rates cross flat regions',
  claim:
    'Flat regions (plateaus) slow gradient descent because the gradient is close to zero; momentum, which ' +
    'accumulates past gradients, and adaptive learning rates (RMSProp, Adam), which rescale small gradients, ' +
    'move through them much faster.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.3 (Vanishing Gradients), §12.6 (Momentum), §12.8 (RMSProp), ' +
    '§12.10 (Adam)',
  run: (config) => {
    const budget = 20000;
    const methods: [string, Optimizer<unknown>][] = [
      ['gradient descent (η = 1)', sgd(1) as Optimizer<unknown>],
      ['momentum (η = 1, β = 0.9)', sgd(1, { momentum: 0.9 }) as Optimizer<unknown>],
      ['RMSProp (η = 0.1)', rmsprop(0.1) as Optimizer<unknown>],
      ['Adam (η = 0.1)', adam(0.1) as Optimizer<unknown>],
    ];
    const curves: { name: string; x: number[]; y: number[] }[] = [];
    const results = methods.map(([name, opt], k) => {
      config.onProgress?.(k / methods.length, name);
      let reached = null as number | null;
      const x: number[] = [];
      const y: number[] = [];
      minimize(f, scalar(START), opt, {
        steps: budget,
        tol: -1,
        callback: (p) => {
          x.push(Math.log10(p.step + 1));
          y.push(p.value);
          if (p.value < TARGET) {
            reached = p.step;
            return false;
          }
          return true;
        },
      });
      curves.push({ name, x, y });
      return { name, steps: reached };
    });
    return {
      numbers: {
        start: START,
        target: TARGET,
        budget,
        startGradient:
          2 * (1 / (1 + Math.exp(-START)) - 1) * (1 / (1 + Math.exp(-START))) * (1 / (1 + Math.exp(START))),
        methods: results,
      },
      settings: { objective: '(1 − σ(w))²', start: START, target: TARGET, budget },
      figures: [
        {
          name: 'plateau',
          caption: 'Loss against log10(step + 1) from w = −8 on (1 − σ(w))², until it falls below 0.01',
          svg: linePlot({
            x: curves[0].x,
            y: curves[0].y,
            label: curves[0].name,
            traces: curves.slice(1).map((c) => ({ x: c.x, y: c.y, label: c.name, markers: false })),
            yRange: 'all',
            title: 'Crossing a plateau',
            xLabel: 'log10(step + 1)',
            yLabel: 'loss',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const s = (prefix: string) => n.methods.find((m) => m.name.startsWith(prefix))!.steps;
    const gd = s('gradient descent');
    c.expect(
      gd !== null,
      `gradient descent crosses the plateau, slowly: ${gd} steps (the gradient at the start ` +
        `is ${n.startGradient.toExponential(2)})`,
    );
    for (const [prefix, factor] of [
      ['momentum', 5],
      ['RMSProp', 10],
      ['Adam', 10],
    ] as const) {
      const v = s(prefix);
      c.expect(
        v !== null && gd !== null && v * factor < gd,
        `${prefix} crosses it in ${v} steps: at least ${factor}× fewer than gradient descent ` +
          `(${gd !== null && v ? (gd / v).toFixed(1) : '—'}×)`,
      );
    }
    return c.verdict();
  },
};
