// Experiment 6: critical points of a small network's loss, found numerically (minimising ‖∇L‖²,
// as in Dauphin et al. 2014 and Pennington & Bahri 2017) and classified by the Hessian: the index
// (fraction of negative eigenvalues) rises with the loss, and relabelling hidden units maps a
// minimum to another of equal loss.
import {
  add,
  grad,
  hessian,
  matmul,
  mean,
  mul,
  reshape,
  slice,
  square,
  sub,
  sum,
  tanh,
  tensor,
  type Tensor,
} from '../core/index.js';
import { eigvalsh, solve } from '../linalg/index.js';
import { hypot, maxOf, minOf } from '../linalg/vectors.js';
import { adam, lbfgs, minimize } from '../optim/index.js';
import { linePlot } from '../plot/index.js';
import { normal } from '../random/index.js';
import { Conditions, type Experiment } from './types.js';

const IN = 2;
const HIDDEN = 3;
const P = IN * HIDDEN + HIDDEN + HIDDEN + 1;
const DECAY = 1e-3;

/** A 2-3-1 tanh network with its parameters in one vector θ = [W1 (2×3), b1, w2, b2]. */
function predict(theta: Tensor, x: Tensor): Tensor {
  const w1 = reshape(slice(theta, [0], [IN * HIDDEN]), [IN, HIDDEN]);
  const b1 = slice(theta, [IN * HIDDEN], [IN * HIDDEN + HIDDEN]);
  const w2 = reshape(slice(theta, [IN * HIDDEN + HIDDEN], [P - 1]), [HIDDEN, 1]);
  const b2 = slice(theta, [P - 1], [P]);
  return reshape(add(matmul(tanh(add(matmul(x, w1), b1)), w2), b2), [x.shape[0]]);
}

/** θ with hidden units i and j exchanged: the same function, so the same loss. */
function swapUnits(theta: number[], i: number, j: number): number[] {
  const t = theta.slice();
  const swap = (a: number, b: number) => ([t[a], t[b]] = [t[b], t[a]]);
  for (let r = 0; r < IN; r++) swap(r * HIDDEN + i, r * HIDDEN + j);
  swap(IN * HIDDEN + i, IN * HIDDEN + j);
  swap(IN * HIDDEN + HIDDEN + i, IN * HIDDEN + HIDDEN + j);
  return t;
}

type Point = { loss: number; gradientNorm: number; index: number; eigenvalues: number[] };
type Numbers = {
  starts: number;
  found: number;
  points: Point[];
  spearman: number;
  relabel: { loss: number; swappedLoss: number; distance: number };
};

function ranks(v: number[]): number[] {
  const order = v.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  order.forEach(([, i], k) => (r[i] = k));
  return r;
}

function spearman(a: number[], b: number[]): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const m = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  ra.forEach((x, i) => {
    num += (x - m) * (rb[i] - m);
    da += (x - m) ** 2;
    db += (rb[i] - m) ** 2;
  });
  return num / Math.sqrt(da * db);
}

export const criticalPointsOfNetworks: Experiment<Numbers> = {
  id: 'critical-points-of-networks',
  title: "Critical points of a neural network's loss: index against loss",
  claim:
    'In deep learning, saddle points are far more common than local minima in high dimensions; critical points ' +
    'with high loss are saddles with many descending directions, while those near the bottom are (nearly) ' +
    'minima. Hidden units can be relabelled, so every minimum comes with equally good copies.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.2; Dauphin et al., arXiv 1406.2572 (2014), fig. 1; ' +
    'weight-space symmetry (Bishop, PRML §5.1.1)',
  run: (config, rng) => {
    const n = 24;
    const x = normal(rng, [n, IN]);
    const teacher = normal(rng, [P], { std: 1.5 });
    const y = add(predict(teacher, x), mul(0.1, normal(rng, [n])));
    // A little weight decay makes the critical points isolated (no saturated directions running off to infinity).
    const loss = (t: Tensor) => add(mean(square(sub(predict(t, x), y))), mul(DECAY, sum(square(t))));
    const g = grad(loss);
    const gradNormSq = (t: Tensor) => mul(0.5, sum(square(g(t))));
    // As Dauphin et al.: snapshots along training runs (Adam from random initialisations), each the
    // start of a search for the nearest critical point: L-BFGS on ½‖∇L‖², then Newton on ∇L = 0.
    const runs = config.quick ? 8 : 40;
    const snapshots = [0, 10, 30, 100, 300];
    const starts = runs * (snapshots.length + 1);
    const seeds: Tensor[] = [];
    for (let r = 0; r < runs; r++) {
      const run = minimize(loss, normal(rng, [P], { std: 1 }), adam(0.01), {
        steps: snapshots.at(-1)!,
        recordPoints: true,
      });
      for (const k of snapshots) seeds.push(tensor(run.trajectory[Math.min(k, run.trajectory.length - 1)].point));
      // …and where the run ends when trained to convergence: a minimum.
      seeds.push(minimize(loss, run.params, lbfgs(), { steps: 500, tol: 1e-10, recordPoints: false }).params);
    }
    const points: (Point & { theta: number[] })[] = [];
    for (let s = 0; s < starts; s++) {
      config.onProgress?.(s / starts, `search ${s + 1} of ${starts} for a critical point`);
      const r = minimize(gradNormSq, seeds[s], lbfgs(), { steps: 200, tol: 1e-12, recordPoints: false });
      // Polish by Newton's method on ∇L = 0 (quadratic convergence to the nearby critical point, whatever its index).
      let theta = r.params;
      for (let k = 0; k < 20 && sum(square(g(theta))).item() > 1e-26; k++) {
        try {
          theta = sub(theta, reshape(solve(hessian(loss)(theta), reshape(g(theta), [P, 1])), [P]));
        } catch {
          break;
        }
      }
      const gn = Math.sqrt(sum(square(g(theta))).item());
      if (!(gn < 1e-7)) continue;
      const ev = Array.from(eigvalsh(hessian(loss)(theta)).data);
      const scale = maxOf(ev.map(Math.abs));
      const l = loss(theta).item();
      const th = Array.from(theta.data);
      // The same critical point again (up to relabelling, the loss and spectrum are equal)?
      if (points.some((p) => Math.abs(p.loss - l) < 1e-9 * Math.max(1, l))) continue;
      points.push({
        loss: l,
        gradientNorm: gn,
        index: ev.filter((e) => e < -1e-9 * scale).length / P,
        eigenvalues: ev,
        theta: th,
      });
    }
    const best = points.reduce((a, b) => (a && a.loss <= b.loss ? a : b), points[0]);
    const swapped = best ? swapUnits(best.theta, 0, 1) : [];
    const relabel = best
      ? {
          loss: best.loss,
          swappedLoss: loss(tensor(swapped)).item(),
          distance: hypot(swapped.map((v, i) => v - best.theta[i])),
        }
      : { loss: NaN, swappedLoss: NaN, distance: NaN };
    const pts = points.map(({ theta: _t, ...p }) => p);
    return {
      numbers: {
        starts,
        found: pts.length,
        points: pts,
        spearman:
          pts.length > 2
            ? spearman(
                pts.map((p) => p.loss),
                pts.map((p) => p.index),
              )
            : NaN,
        relabel,
      },
      settings: {
        network: `${IN}-${HIDDEN}-1 tanh`,
        parameters: P,
        weightDecay: DECAY,
        examples: n,
        runs,
        snapshots,
        method:
          'snapshots of Adam runs; from each, L-BFGS on ½‖∇L‖² then Newton on ∇L = 0; kept where ‖∇L‖ < 1e-7; ' +
          'exact Hessian eigenvalues',
      },
      figures: [
        {
          name: 'index-vs-loss',
          caption:
            'Each distinct critical point found: its loss against its index (fraction of negative Hessian eigenvalues)',
          svg: linePlot({
            x: [],
            y: [],
            traces: [{ x: pts.map((p) => p.index), y: pts.map((p) => p.loss), line: false, label: 'critical points' }],
            yRange: 'all',
            title: 'Index against loss at critical points (Dauphin et al. 2014, fig. 1)',
            xLabel: 'index α (fraction of negative eigenvalues)',
            yLabel: 'training loss',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const minima = n.points.filter((p) => p.index === 0);
    const saddles = n.points.filter((p) => p.index > 0);
    c.expect(
      minima.length >= 1 && saddles.length >= 1,
      `${n.found} distinct critical points from ${n.starts} starts: ${minima.length} ` +
        `${minima.length === 1 ? 'minimum' : 'minima'} (index 0), ${saddles.length} ` +
        `saddle${saddles.length === 1 ? '' : 's'}`,
    );
    c.expect(n.spearman > 0, `the index rises with the loss: Spearman correlation ${n.spearman.toFixed(2)}`);
    const lowest = minOf(n.points.map((p) => p.loss));
    c.expect(
      minima.some((p) => p.loss === lowest),
      `the lowest critical point (loss ${lowest.toExponential(3)}) is a minimum`,
    );
    c.expect(
      Math.abs(n.relabel.swappedLoss - n.relabel.loss) <= 1e-14 * Math.max(1, n.relabel.loss) &&
        n.relabel.distance > 1e-3,
      `swapping two hidden units gives another point of the same loss (${n.relabel.loss.toExponential(6)} vs ` +
        `${n.relabel.swappedLoss.toExponential(6)}) at distance ${n.relabel.distance.toFixed(3)}`,
    );
    c.note(`a ${P}-parameter network: the trend of Dauphin et al. shows at a far smaller scale than theirs`);
    return c.verdict();
  },
};
