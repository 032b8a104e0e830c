// Experiment 13: per-layer gradient norms of deep networks at initialisation, for each activation
// and initialiser; and symmetric initialisation (all weights equal), which gradient descent never
// breaks: the hidden units of a layer stay identical.
import { grad, mul, slice, sub, abs, max, sum, square, tensor, treeMap, type Tensor } from '../core/index.js';
import {
  classificationLoss,
  forward,
  loadIris,
  mlp,
  fitStandardizer,
  type Activation,
  type Initializer,
  type MlpParams,
} from '../models/index.js';
import { minOf } from '../linalg/vectors.js';
import { minimize, sgd } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { normal, Rng } from '../random/index.js';
import { Conditions, param, type Control, type Experiment } from './types.js';

const COMBOS: { activation: Activation; init: Initializer; scale?: number }[] = [
  { activation: 'sigmoid', init: 'uniform' },
  { activation: 'sigmoid', init: 'xavier-uniform' },
  { activation: 'sigmoid', init: 'he-normal' },
  { activation: 'tanh', init: 'uniform' },
  { activation: 'tanh', init: 'xavier-uniform' },
  { activation: 'tanh', init: 'he-normal' },
  { activation: 'relu', init: 'uniform' },
  { activation: 'relu', init: 'xavier-uniform' },
  { activation: 'relu', init: 'he-normal' },
  { activation: 'relu', init: 'he-normal', scale: 2 },
];

type Row = { activation: Activation; init: string; norms: number[]; firstOverLast: number };
type Numbers = {
  depth: number;
  rows: Row[];
  symmetry: { init: string; steps: number; maxUnitDifference: number; lossDrop: number }[];
  zeroInit: { weightGradientNorm: number };
};

const label = (r: { activation: string; init: string }) => `${r.activation} / ${r.init}`;

const DEPTH = {
  name: 'depth',
  label: 'hidden layers (0: 10 quick, 20 full)',
  kind: 'number',
  min: 0,
  max: 40,
  step: 1,
  default: 0,
} as const satisfies Control;
const ACTIVATION = {
  name: 'activation',
  label: 'activation to highlight',
  kind: 'choice',
  options: ['sigmoid', 'tanh', 'relu'],
  default: 'relu',
} as const satisfies Control;
const INIT = {
  name: 'init',
  label: 'initialiser to highlight',
  kind: 'choice',
  options: ['uniform', 'xavier-uniform', 'xavier-normal', 'he-uniform', 'he-normal'],
  default: 'he-normal',
} as const satisfies Control;

export const vanishingExploding: Experiment<Numbers> = {
  controls: [DEPTH, ACTIVATION, INIT],
  id: 'vanishing-exploding',
  title: 'Vanishing and exploding gradients, and symmetric initialisation',
  claim:
    "Vanishing gradients can cause optimisation to stall: the sigmoid's gradient is small everywhere but near " +
    'zero, so through many layers the gradient of early layers vanishes. A good choice of activation (ReLU) and ' +
    'of initialisation (Xavier, He) keeps gradients of similar size across layers; initialising all weights to ' +
    'the same value leaves the symmetry between hidden units unbroken by gradient descent.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.3 (Vanishing Gradients) and §5.4 (Numerical Stability and ' +
    'Initialization); Glorot & Bengio 2010; He et al., arXiv 1502.01852 (2015)',
  run: async (config, rng) => {
    const depth = param<number>(config, DEPTH) || (config.quick ? 10 : 20);
    const chosen = {
      activation: param<string>(config, ACTIVATION) as Activation,
      init: param<string>(config, INIT) as Initializer,
    };
    const width = 64;
    const x = normal(rng, [256, width]);
    const y = tensor(Array.from({ length: 256 }, (_, i) => i % 10));
    const initSeed = rng.int(1_000_000);
    const combos: typeof COMBOS = COMBOS.some(
      (c) => c.activation === chosen.activation && c.init === chosen.init && !c.scale,
    )
      ? COMBOS
      : [...COMBOS, chosen];
    const rows: Row[] = combos.map((c, k) => {
      config.onProgress?.(k / combos.length, label(c));
      let params = mlp([width, ...new Array<number>(depth).fill(width), 10], { init: c.init, rng: new Rng(initSeed) });
      if (c.scale) params = treeMap((t) => mul(t, c.scale!), params);
      const g = grad((p: MlpParams) => classificationLoss(forward(p, x, c.activation), y))(params);
      const norms = g.layers.map((l) => Math.sqrt(sum(square(l.w)).item()));
      return {
        activation: c.activation,
        init: c.scale ? `${c.init} ×${c.scale}` : c.init,
        norms,
        firstOverLast: norms[0] / norms[norms.length - 1],
      };
    });
    // Symmetry: a 4-8-8-3 tanh network on Iris, all weights 0.1, trained by gradient descent.
    const iris = await loadIris();
    const xi = fitStandardizer(iris.x).apply(iris.x);
    const f = (p: MlpParams) => classificationLoss(forward(p, xi, 'tanh'), iris.y);
    const steps = config.quick ? 200 : 1000;
    const symmetry = (['constant', 'xavier-uniform'] as const).map((init) => {
      const p0 = mlp([4, 8, 8, 3], { init, rng: new Rng(initSeed) });
      const r = minimize(f, p0, sgd(0.1), { steps, recordPoints: false });
      // The largest difference between any hidden unit's incoming weights and unit 0's, over both hidden layers.
      const spread = (w: Tensor) => max(abs(sub(w, slice(w, [0, 0], [w.shape[0], 1])))).item();
      return {
        init,
        steps,
        maxUnitDifference: Math.max(spread(r.params.layers[0].w), spread(r.params.layers[1].w)),
        lossDrop: r.trajectory[0].value - r.trajectory.at(-1)!.value,
      };
    });
    const zero = mlp([4, 8, 8, 3], { init: 'zero', rng: new Rng(initSeed) });
    const gz = grad(f)(zero);
    const zeroInit = { weightGradientNorm: Math.sqrt(gz.layers.reduce((a, l) => a + sum(square(l.w)).item(), 0)) };
    const shown = rows.filter((r) =>
      [
        'sigmoid / uniform',
        'sigmoid / xavier-uniform',
        'tanh / xavier-uniform',
        'relu / he-normal',
        'relu / he-normal ×2',
        label(chosen),
      ].includes(label(r)),
    );
    const layersAxis = shown[0].norms.map((_, i) => i + 1);
    return {
      numbers: { depth, rows, symmetry, zeroInit },
      settings: { depth, width, batch: 256, symmetryNetwork: '4-8-8-3 tanh on Iris, gradient descent η = 0.1' },
      figures: [
        {
          name: 'gradient-norms',
          caption: `Per-layer gradient norms (log10) at initialisation, ${depth + 1} weight layers of width ${width}`,
          svg: linePlot({
            x: layersAxis,
            y: shown[0].norms.map(Math.log10),
            label: label(shown[0]),
            traces: shown.slice(1).map((r) => ({ x: layersAxis, y: r.norms.map(Math.log10), label: label(r) })),
            yRange: 'all',
            title: 'Gradient norm by layer: vanishing, level, exploding',
            xLabel: 'layer (1 = input side)',
            yLabel: 'log10 ‖∂L/∂W‖',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const r = (l: string) => n.rows.find((x) => label(x) === l)!;
    const fmt = (v: number) => v.toExponential(1);
    c.expect(
      r('sigmoid / uniform').firstOverLast < 1e-4,
      `sigmoid with uniform ±1/√n: first-layer gradient ${fmt(r('sigmoid / uniform').firstOverLast)} × the last's ` +
        `(vanishing)`,
    );
    for (const l of ['tanh / xavier-uniform', 'relu / he-normal']) {
      const v = r(l).firstOverLast;
      c.expect(v > 0.1 && v < 10, `${l}: first/last ${fmt(v)} (level)`);
    }
    // Doubling every weight scales the forward signal by 2 per layer and the backward one likewise: every
    // layer's gradient grows by about 2^depth (their ratio stays level, so compare with He itself).
    const blowUp = minOf(r('relu / he-normal ×2').norms.map((v, i) => v / r('relu / he-normal').norms[i]));
    c.expect(
      blowUp > 100,
      `relu with He weights doubled: every layer's gradient is at least ${fmt(blowUp)} × larger than with He ` +
        `(exploding; 2^${n.depth} = ${2 ** n.depth})`,
    );
    const sym = n.symmetry.find((s) => s.init === 'constant')!;
    const asym = n.symmetry.find((s) => s.init !== 'constant')!;
    c.expect(
      sym.maxUnitDifference === 0 && sym.lossDrop > 0,
      `all weights 0.1: after ${sym.steps} steps of gradient descent (loss fell by ${sym.lossDrop.toFixed(3)}) ` +
        `every hidden unit still has identical weights (largest difference ${sym.maxUnitDifference})`,
    );
    c.expect(
      asym.maxUnitDifference > 0.1,
      `with Xavier initialisation the units differ (largest difference ${asym.maxUnitDifference.toFixed(3)})`,
    );
    c.expect(
      n.zeroInit.weightGradientNorm === 0,
      'all weights zero: every weight gradient is exactly zero, so only the biases can learn',
    );
    const sx = r('sigmoid / xavier-uniform').firstOverLast;
    const sh = r('sigmoid / he-normal').firstOverLast;
    return c.verdict([
      `Xavier and He do not rescue the sigmoid: first/last is still ${fmt(sx)} (Xavier) and ${fmt(sh)} (He), since ` +
        `σ′ ≤ 1/4 at every layer; they are designed for tanh and ReLU`,
    ]);
  },
};
