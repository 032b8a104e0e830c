// Functions whose inputs grow with the data, run at sizes where spreading an array into arguments
// (Math.max(...v), Math.hypot(...v), push(...v)) overflows the call stack: past ~10^5 elements in V8.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatReport } from '../src/cli/analyze.js';
import { formatDerivatives } from '../src/cli/derive.js';
import * as s from '../src/core/index.js';
import { densityFigure, sharpnessFigure } from '../src/experiments/index.js';
import type { AnalysisReport, Derivatives } from '../src/landscape/index.js';
import { applyUpdates, perturbedGradientDescent } from '../src/optim/index.js';

const N = 200_000;

describe('data-sized inputs', () => {
  test('sharpnessFigure(200,000 points) draws, its 2/η line spanning every step', () => {
    const points = Array.from({ length: N }, (_, i) => ({ step: i, value: 1 + Math.sin(i / 1000) }));
    const svg = sharpnessFigure(points, 1.5);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('2/η = 1.50');
  });

  test('densityFigure(200,000 grid points) draws on a log scale below its peak', () => {
    const grid = Array.from({ length: N }, (_, i) => i / N);
    const values = grid.map((x) => Math.exp(-((x - 0.5) ** 2) / 0.01));
    const svg = densityFigure({ grid, values, sigma: 0.1 });
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('log₁₀ density');
  });

  test('perturbedGradientDescent perturbs 300,000 parameters within its radius', () => {
    const n = 300_000;
    const params = s.zeros([n]);
    const opt = perturbedGradientDescent(0.1, { seed: 3, radius: 0.01 });
    // A zero gradient: the first step is a perturbation alone, a uniform point in the ball of radius 0.01.
    const [updates] = opt.update(s.zeros([n]), opt.init(params), params);
    const step = applyUpdates(params, updates) as s.Tensor;
    const length = Math.sqrt(s.sum(s.square(step)).item());
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThanOrEqual(0.01 * (1 + 1e-12));
  });

  test('formatDerivatives of a 500-variable Hessian (250,000 cells) pads every cell to the widest', () => {
    const n = 500;
    const names = Array.from({ length: n }, (_, i) => `x${i}`);
    const d: Derivatives = {
      objective: 'sum of squares',
      variables: names,
      point: Object.fromEntries(names.map((v) => [v, 0])),
      dtype: 'float64',
      value: 0,
      gradient: Object.fromEntries(names.map((v) => [v, 0])),
      gradientNorm: 0,
      hessian: names.map((_, i) => names.map((__, j) => (i === j ? 2 : i === 0 && j === n - 1 ? 0.125 : 0))),
      eigenvalues: names.map(() => 2),
    };
    const rows = formatDerivatives(d)
      .split('\n')
      .filter((l) => l.includes('['));
    expect(rows).toHaveLength(n);
    // '0.125' is the widest cell: every other cell is padded to its 5 characters ("[ " and "    0").
    expect(rows[1]).toMatch(/^ +\[ {5}0 {6}2 {6}0 /);
  });

  test('formatReport of 200,000 stationary points aligns the columns', () => {
    const points = Array.from({ length: N }, (_, i) => ({
      point: { x: i },
      coordinates: [i],
      value: 0,
      gradientNorm: 0,
      eigenvalues: [1],
      kind: 'minimum',
      test: 'second-order',
      certified: true,
    }));
    const report = {
      objective: 'x',
      variables: ['x'],
      box: { x: [0, N] },
      maximize: false,
      complete: true,
      stationaryPoints: points,
      unresolved: [],
      globalMinimum: { value: 0, point: { x: 0 }, onBoundary: false, certified: true },
      globalMaximum: { value: 0, point: { x: 0 }, onBoundary: false, certified: true },
      convexity: { verdict: 'convex' },
      boxesExamined: 1,
      workBudget: 1,
    } as unknown as AnalysisReport;
    const lines = formatReport(report).split('\n');
    const header = lines.find((l) => l.trimStart().startsWith('point'))!;
    // The widest point is 'x = 199999' (10 characters): the header's 'point' is padded to it.
    expect(header).toMatch(/^ {2}point {7}value/);
    expect(lines.filter((l) => l.startsWith('  x = '))).toHaveLength(N);
  });
});

/** The library's and CLI's .ts files (tests aside), as paths relative to src/. */
function sourceFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path, root);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

/** Calls of Math.max, Math.min, Math.hypot, push or unshift with a spread argument, comments and strings aside. */
function spreadCalls(text: string): number[] {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
  const lines: number[] = [];
  for (const m of code.matchAll(/(Math\.(max|min|hypot)|\.push|\.unshift)\s*\(/g)) {
    // The call's own arguments: depth 0 inside its parentheses (a spread in a nested array literal is no argument).
    let depth = 0;
    for (let i = m.index + m[0].length; i < code.length && depth >= 0; i++) {
      const c = code[i];
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (depth === 0 && code.startsWith('...', i)) {
        lines.push(code.slice(0, m.index).split('\n').length);
        break;
      }
    }
  }
  return lines;
}

describe('no data-sized spreads', () => {
  // Over every file of src/ (the CLI included) and the lab: the one guard; multi-line calls, nested literals handled.
  test('the scanner finds a spread across lines and inside a call, not in a comment or an array literal', () => {
    expect(spreadCalls('a.push(\n  ...b,\n);\nMath.max(1, f(...c));\n// Math.min(...d)\nx.push([...e]);')).toEqual([1]);
    expect(spreadCalls('const m = Math.hypot(0,\n ...v);')).toEqual([1]);
  });

  test.each(['src', 'web/src'])(
    'no file of %s spreads an array into Math.max, Math.min, Math.hypot, push or unshift',
    (dir) => {
      const root = new URL(`../${dir}/`, import.meta.url).pathname;
      const found = sourceFiles(root).flatMap((f) =>
        spreadCalls(readFileSync(join(root, f), 'utf8')).map((line) => `${dir}/${f}:${line}`),
      );
      expect(found).toEqual([]);
    },
  );
});
