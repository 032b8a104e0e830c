// Experiment 9: Newton's method goes to the nearest stationary point of its quadratic model,
// whatever its kind, so it is attracted to saddles; saddle-free Newton, perturbed gradient descent
// and noisy (stochastic) gradient descent escape. A basin map: each start coloured by where each
// method ends, on f = x⁴/4 − x²/2 + y²/2 (minima at (±1, 0), a saddle at the origin).
import { linspace, tensor, type Tensor } from '../core/index.js';
import { compile } from '../expr/index.js';
import {
  addNoise,
  chain,
  minimize,
  newton,
  perturbedGradientDescent,
  saddleFreeNewton,
  sgd,
  type GradientTransformation,
} from '../optim/index.js';
import { heatmapPlot } from '../plot/index.js';
import { Conditions, param, type Control, type Experiment, type Figure } from './types.js';

const OBJECTIVE = 'x^4/4 - x^2/2 + y^2/2';
const ENDS = { minimum: '#1b9e77', saddle: '#d95f02', elsewhere: '#bbbbbb' } as const;
type End = keyof typeof ENDS;

type Numbers = { grid: number; methods: { name: string; steps: number; fractions: Record<End, number> }[] };

const NEWTON_LR = {
  name: 'newtonLr',
  label: 'step size of Newton and saddle-free Newton (1: full steps; < 1: damped)',
  kind: 'number',
  min: 0.05,
  max: 1,
  step: 0.05,
  default: 1,
} as const satisfies Control;
const GD_LR = {
  name: 'lr',
  label: 'learning rate of the gradient methods',
  kind: 'number',
  min: 0.01,
  max: 0.5,
  step: 0.01,
  default: 0.1,
} as const satisfies Control;

export const newtonSaddles: Experiment<Numbers> = {
  controls: [NEWTON_LR, GD_LR],
  id: 'newton-saddles',
  title: "Newton's method is attracted to saddles; noise and curvature-aware steps escape",
  claim:
    "Newton's method can go badly wrong for nonconvex functions: where the Hessian has negative eigenvalues it " +
    'moves towards a maximum or a saddle instead of a minimum. Gradient descent with noise (stochastic ' +
    'gradients) or perturbations, and saddle-free Newton (which uses |H|), escape saddle points.',
  source:
    "d2l.ai, Optimization and Deep Learning §12.3.3 (Newton's method) and §12.1.2.2; Dauphin et al., arXiv " +
    '1406.2572 (2014); Jin et al., arXiv 1703.00887 (2017)',
  run: (config, rng) => {
    const f = compile(OBJECTIVE);
    const n = config.quick ? 15 : 41; // odd: the grid includes x = 0, the saddle's stable manifold
    const xs = Array.from(linspace(-1.5, 1.5, n).data);
    const seed = rng.int(1_000_000);
    const eta: number = param(config, NEWTON_LR);
    const lr: number = param(config, GD_LR);
    const methods: { name: string; steps: number; make: () => GradientTransformation<unknown> }[] = [
      { name: 'Newton', steps: 50, make: () => newton(eta) as GradientTransformation<unknown> },
      { name: 'saddle-free Newton', steps: 50, make: () => saddleFreeNewton(eta) as GradientTransformation<unknown> },
      { name: 'gradient descent', steps: 300, make: () => sgd(lr) as GradientTransformation<unknown> },
      {
        name: 'perturbed gradient descent',
        steps: 300,
        make: () => perturbedGradientDescent(lr, { seed }) as GradientTransformation<unknown>,
      },
      {
        name: 'noisy gradient descent (SGD)',
        steps: 300,
        make: () => chain(addNoise(0.1, seed), sgd(lr)) as GradientTransformation<unknown>,
      },
    ];
    const classify = (p: ArrayLike<number>): End => {
      if (Math.hypot(p[0], p[1]) < 0.1) return 'saddle';
      if (Math.hypot(Math.abs(p[0]) - 1, p[1]) < 0.1) return 'minimum';
      return 'elsewhere';
    };
    const figures: Figure[] = [];
    const results = methods.map((m, k) => {
      const cells = xs.map((y, j) =>
        xs.map((x, i) => {
          config.onProgress?.((k + (j * n + i) / (n * n)) / methods.length, m.name);
          try {
            // tol −1: never stop early, not even at (0, 0) itself, where the gradient is exactly zero.
            const r = minimize((p: Tensor) => f.at(p), tensor([x, y]), m.make(), { steps: m.steps, tol: -1 });
            return r.stopped === 'diverged' ? 'elsewhere' : classify(r.params.data);
          } catch {
            return 'elsewhere' as End; // a singular Hessian stops Newton: it reached no stationary point
          }
        }),
      );
      const count = (e: End) => cells.flat().filter((c) => c === e).length / (n * n);
      figures.push({
        name: m.name
          .replace(/[^a-z]+/gi, '-')
          .replace(/-+$/, '')
          .toLowerCase(),
        caption: `${m.name}: where each start ends (${m.steps} steps)`,
        svg: heatmapPlot({
          x: xs,
          y: xs,
          cells,
          colours: ENDS,
          title: `${m.name} on ${OBJECTIVE}`,
          xLabel: 'x',
          yLabel: 'y',
          points: [
            { x: 0, y: 0, label: 'saddle', kind: 'saddle' },
            { x: -1, y: 0, label: 'min', kind: 'minimum' },
            { x: 1, y: 0, label: 'min', kind: 'minimum' },
          ],
        }),
      });
      return {
        name: m.name,
        steps: m.steps,
        fractions: { minimum: count('minimum'), saddle: count('saddle'), elsewhere: count('elsewhere') },
      };
    });
    return {
      numbers: { grid: n, methods: results },
      settings: { objective: OBJECTIVE, grid: `${n}×${n} on [-1.5, 1.5]²`, newtonStep: eta, lr, noiseStd: 0.1, seed },
      figures,
    };
  },
  check: (n) => {
    const c = new Conditions();
    const m = (name: string) => n.methods.find((x) => x.name === name)!;
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    c.expect(
      m('Newton').fractions.saddle > 0.2,
      `Newton ends at the saddle from ${pct(m('Newton').fractions.saddle)} of the starts`,
    );
    const column = 1 / n.grid + 1e-12;
    const sfn = m('saddle-free Newton').fractions;
    c.expect(
      sfn.saddle <= column && sfn.saddle < m('Newton').fractions.saddle / 3,
      `saddle-free Newton reaches a minimum from ${pct(sfn.minimum)}; it ends at the saddle only from x = 0 ` +
        `exactly (${pct(sfn.saddle)}), where the gradient has no x-component to follow`,
    );
    c.expect(
      m('perturbed gradient descent').fractions.saddle === 0,
      `perturbed gradient descent never ends at the saddle; minimum ` +
        `from ${pct(m('perturbed gradient descent').fractions.minimum)}`,
    );
    c.expect(
      m('noisy gradient descent (SGD)').fractions.saddle === 0,
      `noisy gradient descent never ends at the saddle; minimum ` +
        `from ${pct(m('noisy gradient descent (SGD)').fractions.minimum)}`,
    );
    const gd = m('gradient descent').fractions.saddle;
    c.expect(
      gd <= column,
      `plain gradient descent ends at the saddle only from starts on its stable manifold x = 0 (${pct(gd)} = one ` +
        `grid column of ${n.grid})`,
    );
    return c.verdict([
      `deterministic methods that follow the gradient (gradient descent, saddle-free Newton) still end at the ` +
        `saddle from its stable manifold, a set of measure zero (Lee et al. 2016): here the ${pct(gd)} of starts ` +
        `with x = 0 exactly; only noise or perturbations leave it`,
    ]);
  },
};
