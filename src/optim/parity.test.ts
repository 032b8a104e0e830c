// Every named optimiser against torch.optim (fixtures/generate_torch_optim.py): the same function,
// start and settings, 100 steps, the parameters after every step (float64).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as s from '../core/index.js';
import type { Tensor } from '../core/index.js';
import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamw,
  applyUpdates,
  nadam,
  radam,
  rmsprop,
  sgd,
  type Optimizer,
} from './index.js';

interface Case {
  optimizer: string;
  settings: Record<string, unknown>;
  function: string;
  start: number[];
  trajectory: number[][];
}
const { cases } = JSON.parse(readFileSync(new URL('../../fixtures/torch_optim.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const at = (p: Tensor, i: number) => s.reshape(s.slice(p, [i], [i + 1]), []);
const FUNCTIONS: Record<string, (p: Tensor) => Tensor> = {
  rosenbrock: (p) => s.add(s.pow(s.sub(1, at(p, 0)), 2), s.mul(100, s.pow(s.sub(at(p, 1), s.pow(at(p, 0), 2)), 2))),
  quadratic: (p) => s.mul(0.5, s.add(s.mul(0.1, s.pow(at(p, 0), 2)), s.mul(2, s.pow(at(p, 1), 2)))),
  bowl5: (p) => {
    const w = s.arange(1, 6);
    return s.add(s.sum(s.mul(w, s.pow(s.sub(p, s.mul(w, 0.3)), 2))), s.sum(s.sin(p)));
  },
};

/** torch.optim's snake_case settings to saddle's options. */
function make(c: Case): Optimizer {
  const o = c.settings as Record<string, number | boolean | number[]>;
  const lr = o.lr as number;
  const common = { weightDecay: o.weight_decay as number | undefined };
  const betas = o.betas as [number, number] | undefined;
  switch (c.optimizer) {
    case 'sgd':
      return sgd(lr, {
        ...common,
        momentum: o.momentum as number,
        dampening: o.dampening as number,
        nesterov: o.nesterov as boolean,
      });
    case 'adagrad':
      return adagrad(lr, {
        ...common,
        lrDecay: o.lr_decay as number,
        initialAccumulatorValue: o.initial_accumulator_value as number,
      });
    case 'rmsprop':
      return rmsprop(lr, {
        ...common,
        alpha: o.alpha as number,
        centered: o.centered as boolean,
        momentum: o.momentum as number,
      });
    case 'adadelta':
      return adadelta(lr, { ...common, rho: o.rho as number });
    case 'adam':
      return adam(lr, { ...common, betas, amsgrad: o.amsgrad as boolean });
    case 'adamw':
      return adamw(lr, { ...common, betas, amsgrad: o.amsgrad as boolean });
    case 'adamax':
      return adamax(lr, { ...common, betas });
    case 'nadam':
      return nadam(lr, { ...common, betas, momentumDecay: o.momentum_decay as number });
    case 'radam':
      return radam(lr, { ...common, betas });
  }
  throw new Error(`no optimiser ${c.optimizer}`);
}

describe('torch.optim parity (float64, 100 steps)', () => {
  test.each(cases.map((c) => [`${c.optimizer} ${JSON.stringify(c.settings)} on ${c.function}`, c] as const))(
    '%s',
    (_, c) => {
      const opt = make(c);
      const f = FUNCTIONS[c.function];
      let params: Tensor = s.tensor(c.start);
      let state = opt.init(params);
      let worst = 0;
      c.trajectory.forEach((expected) => {
        const g = s.grad(f)(params);
        const [updates, next] = opt.update(g, state, params);
        state = next;
        params = applyUpdates(params, updates);
        params.data.forEach((v, i) => {
          const scale = Math.max(1, Math.abs(expected[i]));
          worst = Math.max(worst, Math.abs(v - expected[i]) / scale);
        });
      });
      expect(worst).toBeLessThan(1e-12);
    },
  );
});
