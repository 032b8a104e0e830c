import { describe, expect, test } from 'vitest';
import { makeOptimizer, OPTIMIZER_NAMES, parseSchedule, valueAt } from './index.js';

describe('makeOptimizer and parseSchedule', () => {
  test.each(OPTIMIZER_NAMES.filter((n) => n !== 'perturbed-gd'))(
    '%s can be made by name with torch.optim’s default learning rate',
    (name) => {
      const opt = makeOptimizer(name);
      expect(opt.learningRate(1)).toBeGreaterThan(0);
    },
  );

  test('torch defaults: adam 1e-3, adadelta 1.0, adamax 2e-3, and damped Newton the chapter’s 0.5', () => {
    expect(makeOptimizer('adam').learningRate(1)).toBe(1e-3);
    expect(makeOptimizer('adadelta').learningRate(1)).toBe(1);
    expect(makeOptimizer('adamax').learningRate(1)).toBe(2e-3);
    expect(makeOptimizer('damped-newton').learningRate(1)).toBe(0.5);
  });

  test('schedules from specs', () => {
    expect(valueAt(parseSchedule('cosine:T=10', 1), 11)).toBeCloseTo(0, 15);
    expect(valueAt(parseSchedule('exp:lambda=0.1', 1), 1)).toBe(Math.exp(-0.1));
    expect(valueAt(parseSchedule('step:size=5,gamma=0.5', 2), 6)).toBe(1);
    expect(makeOptimizer('sgd', { lr: 0.1, schedule: 'inverse:lambda=0.1,alpha=0.5' }).learningRate(10)).toBeCloseTo(
      0.1 * 2 ** -0.5,
      15,
    );
  });

  test('errors say what is wrong and how to fix it', () => {
    expect(() => makeOptimizer('adamm')).toThrow(/unknown optimizer 'adamm'; choose one of sgd, adagrad/);
    expect(() => makeOptimizer('perturbed-gd')).toThrow(/give it a seed/);
    expect(() => makeOptimizer('sgd', { lr: -1 })).toThrow(/learning rate must be positive, got -1/);
    expect(() => parseSchedule('cosine', 1)).toThrow(/needs T=<number>/);
    expect(() => parseSchedule('wavy:T=3', 1)).toThrow(/unknown kind 'wavy'/);
    expect(() => parseSchedule('cosine:T=abc', 1)).toThrow(/'T=abc' is not name=number/);
  });
});
