// Learning-rate schedules as pure functions of the step t = 1, 2, … (the t-th update), with the
// formulas of torch.optim.lr_scheduler (its epoch counter is t − 1) and of the chapter.
import { SaddleError } from '../core/errors.js';
import { valueAt, type Schedule } from './transforms.js';

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new SaddleError(`${name} must be a positive number, got ${value}`);
}

export const constant =
  (lr: number): Schedule =>
  () =>
    lr;

/** η·γ^⌊(t−1)/stepSize⌋ (torch StepLR). */
export function stepDecay(lr: number, options: { stepSize: number; gamma?: number }): Schedule {
  positive('stepDecay: stepSize', options.stepSize);
  const gamma = options.gamma ?? 0.1;
  return (t) => lr * gamma ** Math.floor((t - 1) / options.stepSize);
}

/** η·γ^(number of milestones ≤ t − 1) (torch MultiStepLR). */
export function multiStep(lr: number, options: { milestones: readonly number[]; gamma?: number }): Schedule {
  const gamma = options.gamma ?? 0.1;
  return (t) => lr * gamma ** options.milestones.filter((m) => m <= t - 1).length;
}

/** η·γ^(t−1) (torch ExponentialLR). */
export function exponential(lr: number, options: { gamma: number }): Schedule {
  return (t) => lr * options.gamma ** (t - 1);
}

/** η_min + (η − η_min)(1 + cos(π(t−1)/T))/2 (torch CosineAnnealingLR; Loshchilov & Hutter 2017). */
export function cosine(lr: number, options: { T: number; etaMin?: number }): Schedule {
  positive('cosine: T', options.T);
  const etaMin = options.etaMin ?? 0;
  return (t) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * (t - 1)) / options.T))) / 2;
}

/** Cosine annealing with warm restarts every T₀, T₀·m, T₀·m², … steps (torch CosineAnnealingWarmRestarts, SGDR). */
export function cosineRestarts(lr: number, options: { T0: number; Tmult?: number; etaMin?: number }): Schedule {
  positive('cosineRestarts: T0', options.T0);
  const { T0, Tmult = 1, etaMin = 0 } = options;
  return (t) => {
    const e = t - 1;
    let cur: number;
    let period: number;
    if (Tmult === 1) {
      cur = e % T0;
      period = T0;
    } else {
      const n = Math.floor(Math.log((e / T0) * (Tmult - 1) + 1) / Math.log(Tmult));
      cur = e - (T0 * (Tmult ** n - 1)) / (Tmult - 1);
      period = T0 * Tmult ** n;
    }
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * cur) / period))) / 2;
  };
}

/** end + (η − end)(1 − min(t−1, T)/T)^p (torch PolynomialLR with end 0; optax polynomial_schedule). */
export function polynomial(lr: number, options: { totalSteps: number; power?: number; end?: number }): Schedule {
  positive('polynomial: totalSteps', options.totalSteps);
  const { totalSteps, power = 1, end = 0 } = options;
  return (t) => end + (lr - end) * (1 - Math.min(t - 1, totalSteps) / totalSteps) ** power;
}

/** A schedule scaled by a linear ramp from startFactor to 1 over `steps` (torch LinearLR). */
export function linearWarmup(base: Schedule, options: { steps: number; startFactor?: number }): Schedule {
  positive('linearWarmup: steps', options.steps);
  const start = options.startFactor ?? 1 / 3;
  return (t) => valueAt(base, t) * (start + ((1 - start) * Math.min(t - 1, options.steps)) / options.steps);
}

/** The one-cycle policy (Smith & Topin 2019), as torch OneCycleLR with cosine annealing. */
export function oneCycle(
  maxLr: number,
  options: { totalSteps: number; pctStart?: number; divFactor?: number; finalDivFactor?: number },
): Schedule {
  positive('oneCycle: totalSteps', options.totalSteps);
  const { totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = options;
  const initial = maxLr / divFactor;
  const final = initial / finalDivFactor;
  const end1 = pctStart * totalSteps - 1;
  const end2 = totalSteps - 1;
  const anneal = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1);
  return (t) => {
    const e = t - 1;
    return e <= end1 ? anneal(initial, maxLr, e / end1) : anneal(maxLr, final, (e - end1) / (end2 - end1));
  };
}

/** The chapter's exponential schedule η·e^(−λt). */
export function expDecay(lr: number, lambda: number): Schedule {
  return (t) => lr * Math.exp(-lambda * t);
}

/** The chapter's polynomial schedule η·(1 + λt)^(−α). */
export function inverseTimeDecay(lr: number, options: { lambda: number; alpha?: number }): Schedule {
  const alpha = options.alpha ?? 0.5;
  return (t) => lr * (1 + options.lambda * t) ** -alpha;
}

/**
 * Schedules one after another: schedules[i] runs from step boundaries[i−1] + 1 on, counting its own steps from 1
 * (optax.join_schedules).
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (boundaries.length !== schedules.length - 1)
    throw new SaddleError(
      `joinSchedules: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`,
    );
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t > boundaries[i]) i++;
    return valueAt(schedules[i], t - (i > 0 ? boundaries[i - 1] : 0));
  };
}
