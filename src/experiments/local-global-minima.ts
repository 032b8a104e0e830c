// Experiment 1: x·cos(πx) on [-1, 2] has a local minimum that is not the global one.
import { compile } from '../expr/index.js';
import { analyze } from '../landscape/index.js';
import { landscapeFigure } from './figures.js';
import { Conditions, type Experiment } from './types.js';

type Numbers = {
  points: { x: number; value: number; kind: string; certified: boolean; secondDerivative: number }[];
  complete: boolean;
  globalMinimum: { x: number; value: number; onBoundary: boolean };
  localMinima: { x: number; value: number }[];
};

export const localGlobalMinima: Experiment<Numbers> = {
  id: 'local-global-minima',
  title: 'Local and global minima of x·cos(πx)',
  claim:
    'For f(x) = x·cos(πx) on −1.0 ≤ x ≤ 2.0 we can find a local minimum and a global minimum: gradient-based ' +
    'methods may stop at the local one, where the gradient is zero, without reaching the global one.',
  source:
    'd2l.ai, Optimization and Deep Learning §12.1.2.1 (Local Minima), figure with the arrows "local minimum" and ' +
    '"global minimum"',
  run: () => {
    const f = compile('x*cos(pi*x)');
    const box = [{ lo: -1, hi: 2 }];
    const report = analyze(f, box);
    const points = report.stationaryPoints.map((p) => ({
      x: p.point.x,
      value: p.value,
      kind: p.kind,
      certified: p.certified,
      secondDerivative: p.eigenvalues[0],
    }));
    const minima = points.filter((p) => p.kind === 'minimum');
    const g = report.globalMinimum;
    return {
      numbers: {
        points,
        complete: report.complete,
        globalMinimum: { x: g.point.x, value: g.value, onBoundary: g.onBoundary },
        localMinima: minima.filter((p) => p.value > g.value + 1e-9).map(({ x, value }) => ({ x, value })),
      },
      settings: {
        objective: f.text,
        box: '[-1, 2]',
        method: 'interval Newton (Krawczyk) with bisection; certified enclosures',
      },
      figures: [
        {
          name: 'minima',
          caption: 'x·cos(πx) with its certified stationary points, labelled as in the chapter',
          svg: landscapeFigure(f, box, 'line', report),
        },
      ],
    };
  },
  check: (n) => {
    const c = new Conditions();
    c.expect(n.complete, 'every stationary point in [-1, 2] was found (the search is complete)');
    c.expect(
      n.points.every((p) => p.certified),
      `all ${n.points.length} stationary points are certified (unique in a proved enclosure)`,
    );
    c.expect(
      n.localMinima.length >= 1,
      `a local minimum that is not global: x = ${n.localMinima[0]?.x.toFixed(6)}, f ` +
        `= ${n.localMinima[0]?.value.toFixed(6)}`,
    );
    c.expect(
      !n.globalMinimum.onBoundary && Math.abs(n.globalMinimum.x - 1.09) < 0.01,
      `the global minimum is interior: x = ${n.globalMinimum.x.toFixed(6)}, f = ${n.globalMinimum.value.toFixed(6)}`,
    );
    c.expect(
      n.localMinima.every((m) => m.value > n.globalMinimum.value),
      'the local minimum is higher than the global one',
    );
    return c.verdict();
  },
};
