// Optimisers by name with torch.optim's argument names, and schedules from short specs such as
// "cosine:T=100": what the CLI's flags and the web lab's controls (and URLs) describe.
import { SaddleError } from '../core/errors.js';
import { adadelta, adagrad, adam, adamax, adamw, nadam, radam, rmsprop, sgd, type Optimizer } from './alias.js';
import {
  cosine,
  cosineRestarts,
  expDecay,
  exponential,
  inverseTimeDecay,
  oneCycle,
  polynomial,
  stepDecay,
  linearWarmup,
} from './schedules.js';
import { newton, perturbedGradientDescent, saddleFreeNewton } from './second-order.js';
import { bfgs, lbfgs } from './quasi-newton.js';
import type { Schedule } from './transforms.js';

export interface OptimizerSettings {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  alpha?: number;
  rho?: number;
  lrDecay?: number;
  centered?: boolean;
  amsgrad?: boolean;
  /** For perturbed gradient descent. */
  seed?: number;
  schedule?: string;
}

export const OPTIMIZER_NAMES = [
  'sgd',
  'adagrad',
  'rmsprop',
  'adadelta',
  'adam',
  'adamw',
  'adamax',
  'nadam',
  'radam',
  'newton',
  'damped-newton',
  'saddle-free-newton',
  'perturbed-gd',
  'bfgs',
  'lbfgs',
] as const;

/** torch.optim's default learning rates (and the chapter's 0.5 for damped Newton). */
const DEFAULT_LR: Record<string, number> = {
  sgd: 0.01,
  adagrad: 0.01,
  rmsprop: 0.01,
  adadelta: 1.0,
  adam: 1e-3,
  adamw: 1e-3,
  adamax: 2e-3,
  nadam: 2e-3,
  radam: 1e-3,
  newton: 1,
  'damped-newton': 0.5,
  'saddle-free-newton': 1,
  'perturbed-gd': 0.01,
  bfgs: 1,
  lbfgs: 1,
};

function spec(text: string): { kind: string; args: Map<string, number> } {
  const [kind, rest = ''] = text.split(':');
  const args = new Map<string, number>();
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(.+?)\s*$/.exec(part);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v)) throw new SaddleError(`schedule "${text}": '${part}' is not name=number`);
    args.set(m[1], v);
  }
  return { kind: kind.trim(), args };
}

/**
 * A schedule from a spec: constant, step:size=,gamma=, exponential:gamma=, cosine:T=[,min=], restarts:T0=[,mult=],
 * polynomial:T=[,power=], warmup:steps=, onecycle:T=, exp:lambda= (the chapter's e^(−λt)), inverse:lambda=[,alpha=].
 */
export function parseSchedule(text: string, lr: number): Schedule {
  const { kind, args } = spec(text);
  const need = (name: string) => {
    const v = args.get(name);
    if (v === undefined) throw new SaddleError(`schedule "${text}" needs ${name}=<number>`);
    return v;
  };
  switch (kind) {
    case 'constant':
      return lr;
    case 'step':
      return stepDecay(lr, { stepSize: need('size'), gamma: args.get('gamma') });
    case 'exponential':
      return exponential(lr, { gamma: need('gamma') });
    case 'cosine':
      return cosine(lr, { T: need('T'), etaMin: args.get('min') });
    case 'restarts':
      return cosineRestarts(lr, { T0: need('T0'), Tmult: args.get('mult'), etaMin: args.get('min') });
    case 'polynomial':
      return polynomial(lr, { totalSteps: need('T'), power: args.get('power') });
    case 'warmup':
      return linearWarmup(lr, { steps: need('steps'), startFactor: args.get('start') });
    case 'onecycle':
      return oneCycle(lr, { totalSteps: need('T') });
    case 'exp':
      return expDecay(lr, need('lambda'));
    case 'inverse':
      return inverseTimeDecay(lr, { lambda: need('lambda'), alpha: args.get('alpha') });
  }
  throw new SaddleError(
    `schedule "${text}": unknown kind '${kind}'; use constant, step, exponential, cosine, restarts, polynomial, ` +
      `warmup, onecycle, exp or inverse`,
  );
}

export function makeOptimizer(name: string, settings: OptimizerSettings = {}): Optimizer {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new SaddleError(`unknown optimizer '${name}'; choose one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const base = settings.lr ?? DEFAULT_LR[name];
  if (!(base > 0)) throw new SaddleError(`${name}: the learning rate must be positive, got ${base}`);
  const lr = settings.schedule ? parseSchedule(settings.schedule, base) : base;
  const common = { weightDecay: settings.weightDecay };
  const { betas, eps } = settings;
  switch (name) {
    case 'sgd':
      return sgd(lr, {
        ...common,
        momentum: settings.momentum,
        dampening: settings.dampening,
        nesterov: settings.nesterov,
      });
    case 'adagrad': {
      if (typeof lr !== 'number')
        throw new SaddleError(
          `adagrad takes no schedule: its learning rate decays as lr / (1 + (t − 1)·lrDecay), torch's rule; set ` +
            `lrDecay instead`,
        );
      return adagrad(lr, { ...common, lrDecay: settings.lrDecay, eps });
    }
    case 'rmsprop':
      return rmsprop(lr, {
        ...common,
        alpha: settings.alpha,
        eps,
        momentum: settings.momentum,
        centered: settings.centered,
      });
    case 'adadelta':
      return adadelta(lr, { ...common, rho: settings.rho, eps });
    case 'adam':
      return adam(lr, { ...common, betas, eps, amsgrad: settings.amsgrad });
    case 'adamw':
      return adamw(lr, { ...common, betas, eps, amsgrad: settings.amsgrad });
    case 'adamax':
      return adamax(lr, { ...common, betas, eps });
    case 'nadam':
      return nadam(lr, { ...common, betas, eps });
    case 'radam':
      return radam(lr, { ...common, betas, eps });
    case 'newton':
    case 'damped-newton':
      return { ...newton(lr), name };
    case 'saddle-free-newton':
      return saddleFreeNewton(lr);
    case 'bfgs':
      return bfgs() as Optimizer;
    case 'lbfgs':
      return lbfgs() as Optimizer;
    case 'perturbed-gd': {
      if (settings.seed === undefined) throw new SaddleError('perturbed-gd draws random perturbations: give it a seed');
      return perturbedGradientDescent(lr, { seed: settings.seed });
    }
  }
  throw new SaddleError(`unknown optimizer '${name}'`);
}
