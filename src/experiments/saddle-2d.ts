// Experiment 3: x² − y² has a saddle at the origin: a minimum along x, a maximum along y.
import { compile } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from './figures.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  points: { x: number; y: number; eigenvalues: number[]; kind: string; certified: boolean }[];
  complete: boolean;
};

export const saddle2d: Experiment<Numbers> = {
  id: 'saddle-2d',
  title: 'A saddle point in two dimensions: x² − y²',
  claim:
    'Saddle points in higher dimensions are even more insidious: f(x, y) = x² − y² has its saddle point at (0, ' +
    '0). This is a maximum with respect to y and a minimum with respect to x; it looks like a saddle, which is ' +
    'where the mathematical property got its name.',
  source: 'd2l.ai, Optimization and Deep Learning §12.1.2.2, wireframe figure of x² − y² on [−1, 1]²',
  run: () => {
    const f = compile('x^2 - y^2');
    const box = [
      { lo: -1, hi: 1 },
      { lo: -1, hi: 1 },
    ];
    const report = analyze(f, box);
    return {
      numbers: {
        points: report.stationaryPoints.map((p) => ({
          x: p.point.x,
          y: p.point.y,
          eigenvalues: p.eigenvalues,
          kind: p.kind,
          certified: p.certified,
        })),
        complete: report.complete,
      },
      settings: { objective: f.text, box: '[-1, 1]²' },
      figures: [
        {
          name: 'saddle',
          caption: "x² − y² as a wireframe (matplotlib's default view, as in the chapter), the saddle marked",
          svg: landscapeFigure(f, box, 'surface', report),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    c.expect(
      n.complete && n.points.length === 1,
      `exactly one stationary point in [-1, 1]², proved (${n.points.length} found)`,
    );
    const p = n.points[0];
    c.expect(p !== undefined && Math.hypot(p.x, p.y) < 1e-12 && p.certified, 'it is (0, 0), certified');
    c.expect(
      p !== undefined && Math.abs(p.eigenvalues[0] + 2) < 1e-12 && Math.abs(p.eigenvalues[1] - 2) < 1e-12,
      `its Hessian eigenvalues are −2 (a maximum along y) and 2 (a minimum along x): [${p?.eigenvalues.join(', ')}]`,
    );
    c.expect(p?.kind === 'saddle', 'classified as a saddle');
    return c.verdict();
  },
};
