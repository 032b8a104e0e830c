// Experiment 12: the cliff of a one-unit recurrent network (Pascanu, Mikolov & Bengio 2013):
// x_t = w·σ(x_{t−1}) + b for 50 steps from x₀ = 0.5, loss (x₅₀ − 0.7)². Across a saddle-node
// bifurcation the final state jumps between two fixed points, so the loss has a wall whose
// gradient is enormous; a gradient step taken there throws the parameters far away, and clipping
// the gradient's norm (g ← τg/‖g‖ when ‖g‖ > τ) keeps the step as long as usual.
import { add, mul, sigmoid, slice, square, sub, sum, tensor, valueAndGrad, type Tensor } from '../core/index.js';
import { hypot, maxOf } from '../linalg/vectors.js';
import { chain, clipByGlobalNorm, minimize, sgd, type GradientTransformation } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { Conditions, type Experiment } from './types.js';

const T = 50;
const W = 6;
const LR = 0.01;
const TAU = 20;

function loss(p: Tensor): Tensor {
  const w = slice(p, [0], [1]);
  const b = slice(p, [1], [2]);
  let x = tensor([0.5]);
  for (let t = 0; t < T; t++) x = add(mul(w, sigmoid(x)), b);
  return sum(square(sub(x, 0.7)));
}

type Numbers = {
  cliff: number;
  jump: number;
  typicalGradient: number;
  wall: { distance: number; gradientNorm: number }[];
  step: {
    from: number[];
    gradientNorm: number;
    unclipped: number;
    clipped: number;
    lossBefore: number;
    lossAfterUnclipped: number;
    lossAfterClipped: number;
  };
  runs: { name: string; longestStep: number; finalLoss: number }[];
};

export const cliffs: Experiment<Numbers> = {
  id: 'cliffs',
  title: 'Cliffs in recurrent networks, and gradient clipping',
  claim:
    'The objective of a recurrent network can have cliffs: regions where the gradient is enormous, so that a ' +
    'gradient step throws the parameters far away. Clipping the norm of the gradient keeps the step bounded.',
  source:
    'd2l.ai, §9.5 (gradient clipping) and Optimization and Deep Learning §12.1.2.3; Pascanu, Mikolov & Bengio, ' +
    'arXiv 1211.5063 (2013), §3 and fig. 6',
  run: (config) => {
    const vg = valueAndGrad(loss);
    const at = (b: number, w = W) => {
      const [v, g] = vg(tensor([w, b]));
      return { value: v.item(), grad: hypot(g.data) };
    };
    // The loss along b at w = 6.
    const bs = Array.from({ length: config.quick ? 201 : 801 }, (_, i) => -5 + (4 * i) / (config.quick ? 200 : 800));
    const slice1 = bs.map((b) => at(b));
    const grads = slice1.map((s) => s.grad).sort((a, b) => a - b);
    const typicalGradient = grads[Math.floor(grads.length / 2)];
    // The largest jump between neighbouring grid points brackets the cliff.
    let k = 0;
    for (let i = 1; i + 1 < bs.length; i++)
      if (Math.abs(slice1[i + 1].value - slice1[i].value) > Math.abs(slice1[k + 1].value - slice1[k].value)) k = i;
    // The cliff's position, by bisection on which side of the jump the loss is.
    let [lo, hi] = [bs[k], bs[k + 1]];
    const left = slice1[k].value;
    const right = slice1[k + 1].value;
    for (let i = 0; i < 80 && hi - lo > 0; i++) {
      const m = (lo + hi) / 2;
      if (m === lo || m === hi) break;
      const v = loss(tensor([W, m])).item();
      if (Math.abs(v - left) < Math.abs(v - right)) lo = m;
      else hi = m;
    }
    const wall = [1e-2, 1e-4, 1e-6, 1e-8].map((d) => ({
      distance: d,
      gradientNorm: Math.max(at(lo - d).grad, at(hi + d).grad),
    }));
    // One step from the wall (on the low side, 1e-8 from the cliff).
    const from = [W, hi + 1e-8];
    const [v0, g0] = vg(tensor(from));
    const gn = hypot(g0.data);
    const stepTo = (scale: number) => from.map((p, i) => p - LR * scale * g0.data[i]);
    const unclippedTo = stepTo(1);
    const clippedTo = stepTo(Math.min(1, TAU / gn));
    const dist = (a: number[]) => Math.hypot(a[0] - from[0], a[1] - from[1]);
    // Gradient descent towards the cliff from the low side, with and without clipping.
    const runs = (
      [
        ['without clipping', sgd(LR)],
        [`clipped at ‖g‖ ≤ ${TAU}`, chain(clipByGlobalNorm(TAU), sgd(LR))],
      ] as [string, GradientTransformation<unknown>][]
    ).map(([name, opt]) => {
      const r = minimize(loss, tensor([W, -2.5]), opt, {
        steps: config.quick ? 200 : 1000,
        tol: -1,
        recordPoints: true,
        divergenceFactor: Infinity,
      });
      let longest = 0;
      for (let i = 1; i < r.trajectory.length; i++) {
        const [a, b] = [r.trajectory[i - 1].point, r.trajectory[i].point];
        longest = Math.max(longest, Math.hypot(a[0] - b[0], a[1] - b[1]));
      }
      return { name, longestStep: longest, finalLoss: r.trajectory.at(-1)!.value };
    });
    return {
      numbers: {
        cliff: (lo + hi) / 2,
        jump: Math.abs(right - left),
        typicalGradient,
        wall,
        step: {
          from,
          gradientNorm: gn,
          unclipped: dist(unclippedTo),
          clipped: dist(clippedTo),
          lossBefore: v0.item(),
          lossAfterUnclipped: loss(tensor(unclippedTo)).item(),
          lossAfterClipped: loss(tensor(clippedTo)).item(),
        },
        runs,
      },
      settings: {
        network: 'x_t = w·σ(x_{t−1}) + b, x₀ = 0.5, 50 steps, loss (x₅₀ − 0.7)²',
        w: W,
        lr: LR,
        clipNorm: TAU,
      },
      figures: [
        {
          name: 'cliff',
          caption:
            `The loss along b at w = ${W}: a wall at b = ${((lo + hi) / 2).toFixed(6)}; log10 of the ` +
            `gradient norm in the second curve`,
          svg: linePlot({
            x: bs,
            y: slice1.map((s) => s.value),
            label: 'loss',
            traces: [
              { x: bs, y: slice1.map((s) => Math.log10(s.grad)), label: 'log10 ‖∇L‖ (on the grid)', markers: false },
            ],
            annotations: [{ x: (lo + hi) / 2, y: (left + right) / 2, label: 'cliff', kind: 'saddle' }],
            yRange: 'all',
            title: 'A cliff in a one-unit recurrent network',
            xLabel: 'b',
            yLabel: 'loss',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const steepest = maxOf(n.wall.map((w) => w.gradientNorm));
    c.expect(n.jump > 1, `the loss jumps by ${n.jump.toFixed(2)} across b = ${n.cliff.toFixed(8)}`);
    c.expect(
      steepest > 1e4 * n.typicalGradient,
      `on the wall the gradient norm reaches ${steepest.toExponential(2)}, against a typical ` +
        `${n.typicalGradient.toFixed(2)} elsewhere on the slice`,
    );
    c.expect(
      n.step.unclipped > 1000 * n.step.clipped,
      `a gradient step from the wall (η = ${LR}) moves the parameters ${n.step.unclipped.toExponential(2)}; ` +
        `clipped at ${TAU} it moves ${n.step.clipped.toFixed(3)}`,
    );
    c.expect(n.step.clipped <= LR * TAU * (1 + 1e-12), 'the clipped step is bounded by η·τ');
    for (const r of n.runs)
      c.note(
        `gradient descent from (6, −2.5) ${r.name}: longest step ${r.longestStep.toExponential(2)}, final loss ` +
          `${r.finalLoss.toFixed(4)}`,
      );
    return c.verdict([
      `the wall is only about ${n.wall
        .filter((w) => w.gradientNorm > 1e3 * n.typicalGradient)
        .map((w) => w.distance)
        .reduce((a, b) => Math.max(a, b), 0)
        .toExponential(
          0,
        )} wide: a step of finite length usually jumps over it (and lands on the other side's loss) rather than on it`,
    ]);
  },
};
