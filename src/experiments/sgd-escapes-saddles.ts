// Experiment 10: how long each method takes to leave a strict saddle, across dimensions. On
// f(x) = ½Σᵢ<d xᵢ² − ½x_d² + ¼x_d⁴ (a saddle at 0, minima at x_d = ±1), starting on the saddle's
// stable manifold (x_d = 0): gradient descent never leaves; a tiny offset δ leaves after
// log(0.5/δ)/log(1 + η) steps; gradient noise (SGD) and perturbations leave in a time that grows
// only logarithmically with the dimension.
import { add, mul, slice, square, sub, sum, tensor, type Tensor } from '../core/index.js';
import {
  addNoise,
  chain,
  minimize,
  perturbedGradientDescent,
  sgd,
  type GradientTransformation,
} from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Conditions, type Experiment } from './types.js';

const LR = 0.1;
const OFFSET = 1e-12;

function objective(d: number) {
  return (x: Tensor) => {
    const rest = slice(x, [0], [d - 1]);
    const last = slice(x, [d - 1], [d]);
    return add(mul(0.5, sum(square(rest))), sum(sub(mul(0.25, square(square(last))), mul(0.5, square(last)))));
  };
}

type Numbers = {
  dims: number[];
  budget: number;
  seeds: number;
  methods: { name: string; escapeSteps: (number | null)[][] }[];
  predictedOffsetSteps: number;
};

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const sgdEscapesSaddles: Experiment<Numbers> = {
  id: 'sgd-escapes-saddles',
  title: 'Escaping a strict saddle: gradient descent, SGD and perturbed gradient descent across dimensions',
  claim:
    "The stochastic gradient's noise helps escape saddle points: gradient descent started on a saddle's " +
    'attracting directions stays there, while SGD and perturbed gradient descent leave it, in a number of steps ' +
    'that depends only weakly (logarithmically) on the dimension.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.2 and §12.4 (SGD); Jin et al., arXiv 1703.00887 (2017); Du ' +
    'et al., arXiv 1705.10412 (2017); Ge et al., arXiv 1503.02101 (2015)',
  run: (config, rng) => {
    const dims = config.quick ? [2, 10, 100] : [2, 10, 100, 1000];
    const seeds = config.quick ? 3 : 10;
    const budget = 2000;
    const methods: { name: string; make: (seed: number) => GradientTransformation<unknown>; offset: number }[] = [
      { name: 'gradient descent', make: () => sgd(LR) as GradientTransformation<unknown>, offset: 0 },
      {
        name: `gradient descent, offset ${OFFSET}`,
        make: () => sgd(LR) as GradientTransformation<unknown>,
        offset: OFFSET,
      },
      {
        name: 'SGD (gradient noise σ = 0.01)',
        make: (s) => chain(addNoise(0.01, s), sgd(LR)) as GradientTransformation<unknown>,
        offset: 0,
      },
      {
        name: 'perturbed gradient descent',
        make: (s) =>
          perturbedGradientDescent(LR, {
            seed: s,
            gradThreshold: 1e-3,
            radius: 1e-2,
          }) as GradientTransformation<unknown>,
        offset: 0,
      },
    ];
    const total = methods.length * dims.length * seeds;
    let done = 0;
    const results = methods.map((m) => ({
      name: m.name,
      escapeSteps: dims.map((d) =>
        Array.from({ length: seeds }, () => {
          config.onProgress?.(done++ / total, `${m.name}, d = ${d}`);
          const seed = rng.int(1_000_000_000);
          const x0 = tensor(Array.from({ length: d }, (_, i) => (i < d - 1 ? 1 : m.offset)));
          let escaped = null as number | null;
          minimize(objective(d), x0, m.make(seed), {
            steps: budget,
            tol: -1,
            recordPoints: true,
            callback: (p) => {
              if (Math.abs(p.point[d - 1]) > 0.5) {
                escaped = p.step;
                return false;
              }
              return true;
            },
          });
          return escaped;
        }),
      ),
    }));
    const predictedOffsetSteps = Math.log(0.5 / OFFSET) / Math.log(1 + LR);
    const med = (m: (typeof results)[number]) =>
      m.escapeSteps.map((row) => {
        const got = row.filter((v): v is number => v !== null);
        return got.length === row.length ? median(got) : NaN;
      });
    const logd = dims.map((d) => Math.log10(d));
    return {
      numbers: { dims, budget, seeds, methods: results, predictedOffsetSteps },
      settings: { lr: LR, budget, seeds, escape: '|x_d| > 0.5', start: 'x = (1, …, 1, 0): on the stable manifold' },
      figures: [
        {
          name: 'escape-time',
          caption:
            'Median steps to leave the saddle against the dimension (gradient descent from the stable manifold ' +
            'never leaves; not drawn)',
          svg: linePlot({
            x: logd,
            y: med(results[1]),
            label: results[1].name,
            traces: results.slice(2).map((m) => ({ x: logd, y: med(m), label: m.name })),
            yRange: 'all',
            title: 'Steps to escape a strict saddle',
            xLabel: 'log10 dimension',
            yLabel: 'steps (median over seeds)',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const m = (prefix: string) => n.methods.find((x) => x.name.startsWith(prefix))!;
    const all = (x: (number | null)[][]) => x.flat();
    c.expect(
      all(m('gradient descent').escapeSteps).every((v) => v === null),
      `gradient descent started on the stable manifold never escapes in ${n.budget} steps (any dimension)`,
    );
    const off = all(m('gradient descent, offset').escapeSteps);
    c.expect(
      off.every((v) => v !== null && Math.abs(v - n.predictedOffsetSteps) <= 5),
      `with an offset of 1e-12 it escapes after ${off[0]} steps in every dimension, as log(0.5/δ)/log(1 + η) ` +
        `= ${n.predictedOffsetSteps.toFixed(1)} predicts`,
    );
    for (const prefix of ['SGD', 'perturbed']) {
      const x = m(prefix);
      const meds = x.escapeSteps.map((row) => median(row.filter((v): v is number => v !== null)));
      c.expect(
        all(x.escapeSteps).every((v) => v !== null),
        `${x.name} escapes from every start, in every dimension (${n.dims.join(', ')})`,
      );
      c.expect(
        meds.at(-1)! / meds[0] < 3,
        `${x.name}: median escape ${meds.join(', ')} steps for d = ${n.dims.join(', ')}: grows at most logarithmically`,
      );
    }
    return c.verdict();
  },
};
