import { describe, expect, test } from 'vitest';
import { compile } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from './figures.js';

describe('landscapeFigure labels', () => {
  const f = compile('(x^2 - 1)^2 + 0.3*x');
  const box = [{ lo: -2, hi: 2 }];
  const report = analyze(f, box);

  test('landscapeFigure labels a certified global minimum "global minimum"', () => {
    expect(report.globalMinimum.certified).toBe(true);
    const svg = landscapeFigure(f, box, 'line', report);
    expect(svg).toContain('global minimum');
    expect(svg).toContain('local minimum');
  });

  test('landscapeFigure does not call an uncertified extremum global, even at the same value', () => {
    const uncertified = { ...report, globalMinimum: { ...report.globalMinimum, certified: false, reason: 'test' } };
    const svg = landscapeFigure(f, box, 'line', uncertified);
    expect(svg).not.toContain('global minimum');
    expect(svg).toContain('local minimum');
  });
});
