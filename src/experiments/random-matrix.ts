// Experiment 5: at a random critical point (Hessian modelled as a GOE matrix) a minimum needs all k
// eigenvalues positive. The chapter says each is positive with probability 1/2, hence 0.5^k; the
// eigenvalues repel each other, and the true probability falls like exp(−θk²) (Dean & Majumdar 2006).
import { add, div, scalar, transpose } from '../core/index.js';
import { eigvalsh } from '../linalg/index.js';
import { linePlot } from '../plot/index.js';
import { normal, type Rng } from '../random/index.js';
import { Conditions, param, type Control, type Experiment } from './types.js';

const THETA = Math.log(3) / 4;
const EXACT_K2 = (2 - Math.SQRT2) / 4;

/** The Wilson score interval of a binomial proportion (95%). */
export function wilson(successes: number, n: number, z = 1.96): [number, number] {
  const p = successes / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * counts[k] = how many of `samples` K×K GOE matrices have a positive definite leading k×k block
 * (the leading block of a GOE matrix is a GOE matrix). Sylvester's criterion by a bordered Cholesky
 * factorisation that stops at the first non-positive pivot, drawing entries only as it needs them.
 */
export function positiveDefiniteCounts(K: number, samples: number, rng: Rng): number[] {
  const counts = new Array<number>(K + 1).fill(0);
  const L = new Float64Array(K * K);
  for (let s = 0; s < samples; s++) {
    counts[0]++;
    for (let j = 0; j < K; j++) {
      // Row j of H: off-diagonal N(0, 1), diagonal N(0, 2), i.e. (A + Aᵀ)/√2.
      let d = Math.SQRT2 * rng.normal();
      for (let i = 0; i < j; i++) {
        let r = rng.normal();
        for (let p = 0; p < i; p++) r -= L[j * K + p] * L[i * K + p];
        const l = r / L[i * K + i];
        L[j * K + i] = l;
        d -= l * l;
      }
      if (!(d > 0)) break;
      L[j * K + j] = Math.sqrt(d);
      counts[j + 1]++;
    }
  }
  return counts;
}

type Numbers = {
  samples: number;
  rows: {
    k: number;
    hits: number;
    probability: number;
    ci: [number, number];
    chapter: number;
    largeDeviation: number;
    overstatement: number;
    thetaEstimate: number | null;
  }[];
  exactK2: number;
  theta: number;
  semicircle: { n: number; matrices: number; fractionPositive: number; l1Distance: number };
};

const K_CONTROL = {
  name: 'k',
  label: 'largest dimension k',
  kind: 'number',
  min: 2,
  max: 9,
  step: 1,
  default: 7,
} as const satisfies Control;
const SAMPLES_CONTROL = {
  name: 'samples',
  label: 'Monte Carlo samples (0: 2·10⁶ quick, 2·10⁸ full)',
  kind: 'number',
  min: 0,
  max: 1e9,
  step: 1e5,
  default: 0,
  scale: 'log',
} as const satisfies Control;

export const randomMatrix: Experiment<Numbers> = {
  controls: [K_CONTROL, SAMPLES_CONTROL],
  id: 'random-matrix',
  title: 'Why saddles outnumber minima: eigenvalues of random symmetric matrices',
  claim:
    'For high-dimensional problems the likelihood that at least some of the eigenvalues are negative is quite ' +
    'high. … if the eigenvalues are drawn at random with an equal chance of being positive or negative, the ' +
    'probability that all k of them are positive (a minimum) is 0.5^k, so saddle points are more likely than ' +
    'local minima.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.2; Dean & Majumdar, PRL 97, 160201 (2006) and PRE 77, 041108 ' +
    "(2008); Wigner's semicircle law",
  run: (config, rng) => {
    const K: number = param(config, K_CONTROL);
    const samples = param<number>(config, SAMPLES_CONTROL) || (config.quick ? 2_000_000 : 200_000_000);
    config.onProgress?.(0, `${samples.toLocaleString('en')} GOE matrices`);
    const counts = positiveDefiniteCounts(K, samples, rng);
    const rows = Array.from({ length: K }, (_, i) => {
      const k = i + 1;
      const p = counts[k] / samples;
      return {
        k,
        hits: counts[k],
        probability: p,
        ci: wilson(counts[k], samples),
        chapter: 0.5 ** k,
        largeDeviation: Math.exp(-THETA * k * k),
        overstatement: p > 0 ? 0.5 ** k / p : Infinity,
        thetaEstimate: p > 0 ? -Math.log(p) / (k * k) : null,
      };
    });
    // The semicircle: eigenvalues of n×n GOE matrices scaled by √n fill [−2, 2] with density √(4 − x²)/2π.
    const n = config.quick ? 100 : 400;
    const matrices = 20;
    const bins = 22;
    const hist = new Array<number>(bins).fill(0);
    let positive = 0;
    for (let m = 0; m < matrices; m++) {
      config.onProgress?.(0.5 + (0.5 * m) / matrices, `eigenvalues of ${n}×${n} GOE matrices`);
      const a = normal(rng, [n, n]);
      const h = div(add(a, transpose(a)), scalar(Math.SQRT2));
      for (const ev of eigvalsh(h).data) {
        const x = ev / Math.sqrt(n);
        if (ev > 0) positive++;
        const b = Math.floor(((x + 2.2) / 4.4) * bins);
        if (b >= 0 && b < bins) hist[b]++;
      }
    }
    const width = 4.4 / bins;
    const centres = hist.map((_, b) => -2.2 + (b + 0.5) * width);
    const density = hist.map((c) => c / (n * matrices * width));
    const rho = (x: number) => (Math.abs(x) < 2 ? Math.sqrt(4 - x * x) / (2 * Math.PI) : 0);
    const l1Distance = density.reduce((acc, d, b) => acc + Math.abs(d - rho(centres[b])) * width, 0);
    const fine = Array.from({ length: 201 }, (_, i) => -2.2 + (4.4 * i) / 200);
    const logP = rows.filter((r) => r.hits > 0);
    return {
      numbers: {
        samples,
        rows,
        exactK2: EXACT_K2,
        theta: THETA,
        semicircle: { n, matrices, fractionPositive: positive / (n * matrices), l1Distance },
      },
      settings: { K, samples, semicircleSize: n, semicircleMatrices: matrices, test: 'bordered Cholesky (Sylvester)' },
      figures: [
        {
          name: 'all-positive',
          caption:
            'log10 P(all k eigenvalues positive): measured (blue, 95% Wilson intervals in the JSON), the ' +
            "chapter's 0.5^k, and Dean–Majumdar's exp(−θk²)",
          svg: linePlot({
            x: logP.map((r) => r.k),
            y: logP.map((r) => Math.log10(r.probability)),
            label: 'measured',
            traces: [
              { x: rows.map((r) => r.k), y: rows.map((r) => Math.log10(r.chapter)), label: '0.5^k (chapter)' },
              {
                x: rows.map((r) => r.k),
                y: rows.map((r) => Math.log10(r.largeDeviation)),
                label: 'exp(−θk²), θ = ln 3 / 4',
              },
            ],
            yRange: 'all',
            title: 'A random critical point is a minimum far less often than 0.5^k',
            xLabel: 'k (dimension)',
            yLabel: 'log10 probability',
          }),
        },
        {
          name: 'semicircle',
          caption: `Eigenvalues of ${matrices} GOE matrices of size ${n}, scaled by √n, against Wigner's semicircle`,
          svg: linePlot({
            x: fine,
            y: fine.map(rho),
            label: 'semicircle √(4 − x²)/2π',
            traces: [{ x: centres, y: density, label: 'measured density' }],
            yRange: 'all',
            title: 'Wigner semicircle: half the eigenvalues are positive',
            xLabel: 'eigenvalue / √n',
            yLabel: 'density',
          }),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    const r = (k: number) => n.rows[k - 1];
    c.expect(
      r(1).ci[0] <= 0.5 && 0.5 <= r(1).ci[1],
      `k = 1: P = ${r(1).probability.toFixed(4)}, 95% CI [${r(1)
        .ci.map((v) => v.toFixed(4))
        .join(', ')}] contains 1/2`,
    );
    c.expect(
      r(2).ci[0] <= n.exactK2 && n.exactK2 <= r(2).ci[1],
      `k = 2: P = ${r(2).probability.toFixed(4)}, CI contains the exact (2 − √2)/4 = ${n.exactK2.toFixed(4)}`,
    );
    const measured = n.rows.filter((x) => x.k >= 2 && x.hits > 0);
    c.expect(
      measured.every((x) => x.ci[1] < x.chapter),
      `for every k from 2 to ${measured.at(-1)?.k} the whole CI lies below 0.5^k: minima are rarer than the ` +
        `chapter says`,
    );
    c.expect(
      n.rows.every((x) => x.probability < 0.5 || x.k === 1),
      'saddles dominate: for k ≥ 2 a minimum has probability below 1/2',
    );
    c.expect(
      Math.abs(n.semicircle.fractionPositive - 0.5) < 0.02,
      `one eigenvalue is positive with probability 1/2: measured ${n.semicircle.fractionPositive.toFixed(4)}`,
    );
    c.expect(
      n.semicircle.l1Distance < 0.1,
      `the spectrum follows the semicircle (L1 distance ${n.semicircle.l1Distance.toFixed(3)})`,
    );
    const last = measured.at(-1)!;
    const thetas = measured.map((x) => x.thetaEstimate!.toFixed(3)).join(', ');
    return c.verdict([
      `the chapter's 0.5^k overstates the chance of a minimum by a factor ${last.overstatement.toFixed(0)} at k ` +
        `= ${last.k} (measured ${last.probability.toExponential(2)} against ${last.chapter.toExponential(2)})`,
      `−ln P / k² for k = 2…${last.k}: ${thetas}, against the large-k limit θ = ln 3 / 4 = ${n.theta.toFixed(4)} ` +
        `(prefactors matter at small k)`,
    ]);
  },
};
