// Experiment 4: the eigenvalues of the Hessian at a zero-gradient point classify it: all positive
// (local minimum), all negative (local maximum), mixed (saddle); zero eigenvalues leave the
// second-order test undecided, and higher derivatives decide.
import { compile } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from './figures.js';
import { Conditions, type Experiment, type Figure } from './types.js';

const CASES = [
  { f: 'x^2 + 2*y^2', expected: 'minimum', test: 'second-order', why: 'all eigenvalues positive' },
  { f: '-x^2 - 3*y^2', expected: 'maximum', test: 'second-order', why: 'all eigenvalues negative' },
  { f: 'x^2 - y^2', expected: 'saddle', test: 'second-order', why: 'mixed signs' },
  { f: 'x^2 + y^2 - z^2 + x*y', expected: 'saddle', test: 'second-order', why: 'mixed signs in three dimensions' },
  {
    f: 'x^4 + y^4',
    expected: 'minimum',
    test: 'higher-order',
    why: 'H = 0: degenerate, a minimum by the fourth derivatives',
  },
  {
    f: '-x^4 - y^2',
    expected: 'maximum',
    test: 'higher-order',
    why: 'one zero eigenvalue: a maximum by the fourth derivative',
  },
  {
    f: 'x^3 + y^2',
    expected: 'saddle',
    test: 'higher-order',
    why: 'one zero eigenvalue: the third derivative makes it neither',
  },
] as const;

type Numbers = {
  cases: {
    objective: string;
    eigenvalues: number[];
    kind: string;
    test: string;
    expected: string;
    expectedTest: string;
    why: string;
  }[];
};

export const hessianClassification: Experiment<Numbers> = {
  id: 'hessian-classification',
  title: "Classifying zero-gradient points by the Hessian's eigenvalues",
  claim:
    "When the eigenvalues of the function's Hessian matrix at the zero-gradient position are all positive, we " +
    'have a local minimum; when they are all negative, a local maximum; when they are negative and positive, a ' +
    'saddle point.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.2; the degenerate cases (zero eigenvalues) are the textbook ' +
    'higher-derivative test',
  run: (config) => {
    const figures: Figure[] = [];
    const cases = CASES.map((c, i) => {
      config.onProgress?.(i / CASES.length, c.f);
      const f = compile(c.f);
      const box = f.variables.map(() => ({ lo: -1, hi: 1 }));
      const report = analyze(f, box);
      const origin = report.stationaryPoints.find((p) => Object.values(p.point).every((v) => Math.abs(v) < 1e-6));
      if (f.variables.length === 2 && i < 3)
        figures.push({
          name: `case-${i + 1}`,
          caption: `${c.f}: ${c.expected} (${c.why})`,
          svg: landscapeFigure(f, box, 'contour', report),
        });
      return {
        objective: c.f,
        eigenvalues: origin?.eigenvalues ?? [],
        kind: origin?.kind ?? 'not found',
        test: origin?.test ?? 'none',
        expected: c.expected,
        expectedTest: c.test,
        why: c.why,
      };
    });
    return { numbers: { cases }, settings: { box: '[-1, 1] in every variable' }, figures };
  },
  check: (n) => {
    const c = new Conditions();
    for (const k of n.cases) {
      c.expect(
        k.kind === k.expected && k.test === k.expectedTest,
        `${k.objective}: eigenvalues [${k.eigenvalues.map((e) => e.toFixed(3)).join(', ')}] → ${k.kind} by ` +
          `the ${k.test} test (expected ${k.expected}: ${k.why})`,
      );
    }
    const degenerate = n.cases.filter((k) => k.expectedTest === 'higher-order').length;
    return c.verdict([
      `the eigenvalue rule decides only when no eigenvalue is zero; ${degenerate} of the ${n.cases.length} cases ` +
        `needed higher derivatives`,
    ]);
  },
};
