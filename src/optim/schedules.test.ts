// Schedules against torch.optim.lr_scheduler (fixtures/generate_torch_schedules.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  cosine,
  cosineRestarts,
  expDecay,
  exponential,
  inverseTimeDecay,
  joinSchedules,
  linearWarmup,
  multiStep,
  oneCycle,
  polynomial,
  stepDecay,
  valueAt,
  type Schedule,
} from './index.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/torch_schedules.json', import.meta.url), 'utf8')) as {
  lr: number;
  cases: { name: string; settings: Record<string, number & number[]>; lrs: number[] }[];
};
const lr = fixture.lr;
const ours: Record<string, (o: Record<string, number & number[]>) => Schedule> = {
  step: (o) => stepDecay(lr, { stepSize: o.step_size, gamma: o.gamma }),
  multistep: (o) => multiStep(lr, { milestones: o.milestones, gamma: o.gamma }),
  exponential: (o) => exponential(lr, { gamma: o.gamma }),
  cosine: (o) => cosine(lr, { T: o.T_max, etaMin: o.eta_min }),
  cosine_restarts: (o) => cosineRestarts(lr, { T0: o.T_0, Tmult: o.T_mult, etaMin: o.eta_min }),
  polynomial: (o) => polynomial(lr, { totalSteps: o.total_iters, power: o.power }),
  linear_warmup: (o) => linearWarmup(lr, { steps: o.total_iters, startFactor: o.start_factor }),
  one_cycle: (o) => oneCycle(o.max_lr, { totalSteps: o.total_steps }),
};

describe('schedules match torch.optim.lr_scheduler', () => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const schedule = ours[c.name](c.settings);
    c.lrs.forEach((expected, k) => {
      const got = valueAt(schedule, k + 1);
      expect(Math.abs(got - expected), `step ${k + 1}: ${got} vs ${expected}`).toBeLessThanOrEqual(
        1e-12 * Math.max(1e-3, Math.abs(expected)),
      );
    });
  });
});

describe('the chapter’s schedules', () => {
  test('exp(−0.1t) and (1 + 0.1t)^(−0.5), t from 1', () => {
    expect(valueAt(expDecay(1, 0.1), 1)).toBe(Math.exp(-0.1));
    expect(valueAt(inverseTimeDecay(1, { lambda: 0.1, alpha: 0.5 }), 10)).toBe(2 ** -0.5);
  });

  test('joinSchedules runs warm-up then cosine, each counting its own steps', () => {
    const s = joinSchedules([linearWarmup(0.1, { steps: 5, startFactor: 0 }), cosine(0.1, { T: 10 })], [5]);
    expect(valueAt(s, 1)).toBe(0);
    expect(valueAt(s, 6)).toBe(0.1); // the cosine's first step
    expect(valueAt(s, 16)).toBeCloseTo(0, 15);
  });

  test('bad settings are refused', () => {
    expect(() => cosine(0.1, { T: 0 })).toThrow(/cosine: T must be a positive number, got 0/);
  });
});
