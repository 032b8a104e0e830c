// Experiment: full-batch gradient descent on a network trains at the edge of stability. On a quadratic,
// gradient descent at step η diverges exactly when λ_max > 2/η; on a tanh MLP with the squared loss the
// sharpness S = λ_max(∇²L) rises to 2/η (progressive sharpening) and then hovers just above it while
// the loss keeps falling, non-monotonically (Cohen, Kaur, Li, Kolter & Talwalkar 2021, Fig. 1).
import { grad, mean, mul, reshape, square, sub, sum, tensor, valueAndGrad, type Tensor } from '../core/index.js';
import { sharpnessTracker, squaredErrorLoss, type Batch } from '../curvature/index.js';
import { maxOf } from '../linalg/vectors.js';
import { loadMnist, mlp, splitDataset, type Dataset, type MlpParams } from '../models/index.js';
import { applyUpdates, sgd } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { sharpnessFigure } from './curvature-figures.js';
import { Conditions, param, type Control, type Experiment, type Figure } from './types.js';

const EXAMPLES = 1000;
const SIZES = [196, 32, 32, 10];
/** Steps between sharpness estimates, and Lanczos steps per estimate (Cohen et al.'s eig_freq and eigsh). */
const EVERY = 20;
const LANCZOS_STEPS = 20;
/** The quadratic's λ_max as multiples of 2/η: just below and just above the threshold. */
const QUADRATIC_RATIOS = [0.99, 1.01];
const QUADRATIC_STEPS = 1000;

const ETA = {
  name: 'eta',
  label: 'step size η (full runs also 2η/3, to 3 digits)',
  kind: 'number',
  min: 0.1,
  max: 1.5,
  step: 0.05,
  default: 0.6,
  scale: 'log',
} as const satisfies Control;
const STEPS = {
  name: 'steps',
  label: 'gradient descent steps (0: 300 quick, 1000 full)',
  kind: 'number',
  min: 0,
  max: 2000,
  step: 20,
  default: 0,
} as const satisfies Control;

type Run = {
  eta: number;
  twoOverEta: number;
  steps: number;
  K: number;
  sharpness: { step: number; value: number; residual: number }[];
  /** The training loss at every step 0…steps (fewer if it overflowed). */
  losses: number[];
  initialRatio: number;
  /** The first estimate at or above 2/η. */
  crossing: { step: number; value: number } | null;
  /** null when no estimate falls in the last 20% (the run overflowed). */
  tailMedianRatio: number | null;
  maxRatio: number;
  lossStart: number;
  lossAtCrossing: number | null;
  lossEnd: number;
  increasesBeforeCrossing: number;
  increasesAfterCrossing: number;
};
type Quadratic = {
  eta: number;
  steps: number;
  cases: { lambdaMax: number; ratio: number; finalOverInitial: number; diverged: boolean }[];
};
type Numbers = { lossNormalization: string; runs: Run[]; quadratic: Quadratic };

/**
 * 14×14 digits: each 2×2 block's mean, doubled (so ‖x‖² stays about that of the 28×28 digit), centred by
 * the training mean. Uncentred inputs start with S ≈ 8 along the mean direction, above 2/η: a catapult.
 */
function prepare(ds: Dataset): { x: Tensor; y: Tensor } {
  const n = ds.x.shape[0];
  const pooled = reshape(mul(mean(reshape(ds.x, [n, 14, 2, 14, 2]), [2, 4]), 2), [n, 196]);
  return { x: sub(pooled, mean(pooled, 0)), y: ds.y };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function gradientDescent(
  init: MlpParams,
  data: { x: Tensor; y: Tensor },
  eta: number,
  steps: number,
  seed: number,
  progress: (fraction: number) => void,
): Run {
  const loss = squaredErrorLoss({ activation: 'tanh', reduction: 'half-sum' });
  const batch: Batch = { ...data, index: 0, total: data.x.shape[0] };
  const step = valueAndGrad((p: MlpParams) => loss.value(p, batch));
  const tracker = sharpnessTracker({ loss, data, every: EVERY, seed, dtype: 'float32', steps: LANCZOS_STEPS });
  const opt = sgd(eta);
  let params = init;
  let state = opt.init(params);
  const losses: number[] = [];
  for (let t = 0; t <= steps; t++) {
    const [l, g] = step(params);
    losses.push(l.item());
    if (!Number.isFinite(losses[t])) break;
    tracker.onStep(t, params);
    if (t === steps) break;
    const [updates, next] = opt.update(g, state, params);
    params = applyUpdates(params, updates);
    state = next;
    if (t % 50 === 0) progress(t / steps);
  }
  const twoOverEta = 2 / eta;
  const sharpness = tracker.points.map((p) => ({ step: p.step, value: p.value, residual: p.residual }));
  const crossing = sharpness.find((p) => p.value >= twoOverEta) ?? null;
  const tail = sharpness.filter((p) => p.step >= 0.8 * steps).map((p) => p.value / twoOverEta);
  let increasesBeforeCrossing = 0;
  let increasesAfterCrossing = 0;
  for (let t = 1; t < losses.length; t++) {
    if (!(losses[t] > losses[t - 1])) continue;
    if (crossing !== null && t > crossing.step) increasesAfterCrossing++;
    else increasesBeforeCrossing++;
  }
  return {
    eta,
    twoOverEta,
    steps,
    K: EVERY,
    sharpness,
    losses,
    initialRatio: sharpness[0].value / twoOverEta,
    crossing: crossing && { step: crossing.step, value: crossing.value },
    tailMedianRatio: tail.length ? median(tail) : null,
    maxRatio: maxOf(sharpness.map((p) => p.value)) / twoOverEta,
    lossStart: losses[0],
    lossAtCrossing: crossing ? losses[crossing.step] : null,
    lossEnd: losses.at(-1)!,
    increasesBeforeCrossing,
    increasesAfterCrossing,
  };
}

/** GD on ½ Σ λᵢ xᵢ² from x = 1: xᵢ ← (1 − ηλᵢ) xᵢ, which shrinks for every i iff every λᵢ < 2/η. */
function quadratic(eta: number): Quadratic {
  const edge = 2 / eta;
  const cases = QUADRATIC_RATIOS.map((ratio) => {
    const lambda = tensor([0.1 * edge, 0.5 * edge, 0.9 * edge, ratio * edge]);
    const f = (v: Tensor): Tensor => mul(sum(mul(lambda, square(v))), 0.5);
    const g = grad(f);
    let v = tensor([1, 1, 1, 1]);
    const f0 = f(v).item();
    for (let t = 0; t < QUADRATIC_STEPS; t++) v = sub(v, mul(g(v), eta));
    const finalOverInitial = f(v).item() / f0;
    return { lambdaMax: ratio * edge, ratio, finalOverInitial, diverged: finalOverInitial > 1 };
  });
  return { eta, steps: QUADRATIC_STEPS, cases };
}

function figures(runs: readonly Run[]): Figure[] {
  const each = runs.map((r): Figure => ({
    name: `sharpness-eta-${r.eta}`,
    caption:
      `Sharpness (Lanczos, ${LANCZOS_STEPS} steps every ${EVERY} GD steps) against ` +
      `2/η = ${r.twoOverEta.toFixed(2)}, full-batch GD at η = ${r.eta}`,
    svg: sharpnessFigure(r.sharpness, r.twoOverEta, { title: `Sharpness rises to 2/η and stays there (η = ${r.eta})` }),
  }));
  const [first, ...rest] = runs;
  const steps = (r: Run) => r.losses.map((_, t) => t);
  const loss: Figure = {
    name: 'loss',
    caption: `Training loss at every step of full-batch GD (η = ${runs.map((r) => r.eta).join(', ')})`,
    svg: linePlot({
      x: steps(first),
      y: first.losses,
      label: `η = ${first.eta}`,
      traces: rest.map((r) => ({ x: steps(r), y: r.losses, label: `η = ${r.eta}`, markers: false })),
      yRange: 'all',
      title: 'The loss keeps falling at the edge, not monotonically',
      xLabel: 'step',
      yLabel: 'training loss',
    }),
  };
  if (runs.length < 2) return [...each, loss];
  const line = (r: Run) => ({ x: r.sharpness.map((p) => p.step), y: r.sharpness.map((p) => p.value) });
  const both: Figure = {
    name: 'sharpness',
    caption: `Sharpness under GD at η = ${runs.map((r) => r.eta).join(' and ')}: each plateaus at its own 2/η`,
    svg: linePlot({
      ...line(first),
      label: `λ_max, η = ${first.eta}`,
      traces: runs.flatMap((r, k) => [
        ...(k === 0 ? [] : [{ ...line(r), label: `λ_max, η = ${r.eta}`, markers: false }]),
        {
          x: [0, r.steps],
          y: [r.twoOverEta, r.twoOverEta],
          markers: false,
          label: `2/${r.eta} = ${r.twoOverEta.toPrecision(3)}`,
        },
      ]),
      yRange: 'all',
      title: 'The sharpness follows 2/η',
      xLabel: 'step',
      yLabel: 'top Hessian eigenvalue',
    }),
  };
  return [both, ...each, loss];
}

export const edgeOfStability: Experiment<Numbers> = {
  controls: [ETA, STEPS],
  id: 'edge-of-stability',
  title: 'Gradient descent at the edge of stability: the sharpness rises to 2/η and stays there',
  claim:
    'Full-batch gradient descent at step η on a neural network drives the sharpness (the top eigenvalue of ' +
    "the training loss's Hessian) up to 2/η, the largest curvature at which it is stable on a quadratic, and " +
    'then hovers just above it, while the training loss keeps falling over long timescales, though not ' +
    'monotonically.',
  source:
    'Cohen, Kaur, Li, Kolter & Talwalkar, arXiv 2103.00065 (ICLR 2021), Fig. 1, and their code ' +
    '(locuslab/edge-of-stability: src/gd.py, src/utilities.py); d2l.ai, Optimization and Deep Learning §12.3.1.1 ' +
    '(Learning Rate: too large a step makes gradient descent diverge)',
  run: async (config, rng) => {
    const eta: number = param(config, ETA);
    const steps = param<number>(config, STEPS) || (config.quick ? 300 : 1000);
    const etas = config.quick ? [eta] : [eta, Number(((2 * eta) / 3).toPrecision(3))];
    const digits = await loadMnist({ dtype: 'float32' });
    const { train } = splitDataset(digits, { train: EXAMPLES, test: 0, seed: config.seed });
    const data = prepare(train);
    const init = mlp(SIZES, { init: 'uniform', rng, dtype: 'float32' });
    const seed = rng.int(1_000_000_000);
    const runs = etas.map((e, i) =>
      gradientDescent(init, data, e, steps, seed, (f) => config.onProgress?.((i + f) / etas.length, `GD at η = ${e}`)),
    );
    const lossNormalization = squaredErrorLoss({ reduction: 'half-sum' }).normalization;
    return {
      numbers: { lossNormalization, runs, quadratic: quadratic(eta) },
      figures: figures(runs),
      settings: {
        data:
          `${EXAMPLES} MNIST training digits (split seed ${config.seed}), 2×2-average-pooled to 14×14 and doubled, ` +
          'centred by their mean',
        network: `mlp:${SIZES.join('-')} tanh, uniform init U[±1/√fan-in], float32`,
        loss: lossNormalization,
        etas,
        steps,
        sharpnessEvery: EVERY,
        lanczosSteps: LANCZOS_STEPS,
        lanczosStart: "the previous estimate's top eigenvector (a seeded random vector at step 0)",
        quadratic:
          `½ Σ λᵢ xᵢ², λ = (0.1, 0.5, 0.9, r)·2/η for r = ${QUADRATIC_RATIOS.join(', ')}; ` +
          `${QUADRATIC_STEPS} GD steps at η = ${eta} from x = 1`,
      },
    };
  },
  check: (n) => {
    const c = new Conditions();
    for (const r of n.runs) {
      const at = `η = ${r.eta} (2/η = ${r.twoOverEta.toFixed(3)})`;
      const s0 = r.initialRatio * r.twoOverEta;
      c.expect(
        r.initialRatio < 0.7,
        `${at}: the sharpness starts well below 2/η (< 0.7·2/η): ${s0.toFixed(3)} = ${r.initialRatio.toFixed(2)}·2/η`,
      );
      c.expect(
        r.crossing !== null && r.crossing.step <= 0.6 * r.steps,
        `${at}: it rises to 2/η (progressive sharpening), first at step ${r.crossing?.step ?? 'never'} of ${r.steps} ` +
          `(λ_max = ${r.crossing?.value.toFixed(3) ?? '–'})`,
      );
      c.expect(
        r.tailMedianRatio !== null && r.tailMedianRatio >= 0.9 && r.tailMedianRatio <= 1.3,
        `${at}: then hovers near it: over the last 20% of steps the median sharpness is ` +
          `${r.tailMedianRatio?.toFixed(3) ?? '–'}·2/η (the largest estimate ${r.maxRatio.toFixed(2)}·2/η)`,
      );
      c.expect(
        r.lossAtCrossing !== null && r.losses.length === r.steps + 1 && r.lossEnd < 0.85 * r.lossAtCrossing,
        `${at}: the loss keeps falling at the edge: ${r.lossStart.toFixed(4)} at the start, ` +
          `${r.lossAtCrossing?.toFixed(4) ?? '–'} on reaching 2/η, ${r.lossEnd.toFixed(4)} at the end`,
      );
      const atEdge = r.steps - (r.crossing?.step ?? r.steps);
      c.expect(
        r.crossing !== null && atEdge > 0 && r.increasesAfterCrossing >= 0.1 * atEdge,
        `${at}: not monotonically: it rises in ${r.increasesAfterCrossing} of the ${atEdge} steps after reaching 2/η ` +
          `(at least 10%; and in ${r.increasesBeforeCrossing} before)`,
      );
    }
    const q = n.quadratic;
    for (const k of q.cases) {
      const diverges = k.ratio > 1;
      c.expect(
        k.diverged === diverges && (diverges ? k.finalOverInitial > 1e6 : k.finalOverInitial < 1e-6),
        `quadratic with λ_max = ${k.ratio}·2/η: after ${q.steps} GD steps at η = ${q.eta} f is ` +
          `${k.finalOverInitial.toExponential(2)} × f(x₀) (${k.diverged ? 'diverges' : 'converges'})`,
      );
    }
    c.note(`the loss is the ${n.lossNormalization}; 2/η is the threshold for exactly this normalisation`);
    return c.verdict();
  },
};
