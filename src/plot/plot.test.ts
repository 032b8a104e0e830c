// Figures: SVG snapshots (numbers rounded to 2 decimals, so they are stable) and content checks.
import { describe, expect, test } from 'vitest';
import { contourPlot, isoSegments, linePlot, wireframePlot } from './index.js';

const xs = Array.from({ length: 61 }, (_, i) => -1 + (3 * i) / 60);
const f = (x: number) => x * Math.cos(Math.PI * x);

describe('linePlot', () => {
  const svg = linePlot({
    x: xs,
    y: xs.map(f),
    title: 'f(x) = x*cos(pi*x)',
    xLabel: 'x',
    yLabel: 'f',
    annotations: [
      { x: -0.2738526868, y: f(-0.2738526868), label: 'local minimum', kind: 'minimum' },
      { x: 1.0904082219, y: f(1.0904082219), label: 'global minimum', kind: 'minimum' },
    ],
  });
  test('linePlot(x·cos(πx)) matches its snapshot', () => {
    expect(svg).toMatchSnapshot();
  });
  test('linePlot labels each annotation and draws one marker per point', () => {
    expect(svg).toContain('>local minimum</text>');
    expect(svg).toContain('>global minimum</text>');
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });
  test('linePlot breaks the curve where the function is undefined', () => {
    const broken = linePlot({ x: [1, 2, 3, 4, 5], y: [1, 2, NaN, 4, 5] });
    expect(broken.match(/<polyline /g)).toHaveLength(2);
  });
});

describe('contourPlot and isoSegments', () => {
  const grid = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
  const z = grid.map((y) => grid.map((x) => x * x - y * y));
  test('contourPlot(x² − y²) with its saddle matches its snapshot', () => {
    expect(
      contourPlot({
        x: grid,
        y: grid,
        z,
        levels: 8,
        points: [{ x: 0, y: 0, label: 'saddle point', kind: 'saddle' }],
        title: 'x^2 - y^2',
      }),
    ).toMatchSnapshot();
  });
  test('isoSegments of the plane z = x at 0.25 lie on the line x = 0.25', () => {
    const plane = grid.map(() => grid.map((x) => x));
    const segments = isoSegments(grid, grid, plane, 0.25);
    expect(segments.length).toBe(20);
    for (const [x0, , x1] of segments) {
      expect(x0).toBeCloseTo(0.25, 12);
      expect(x1).toBeCloseTo(0.25, 12);
    }
  });
  test('isoSegments of a circle stay on the circle (within the grid’s interpolation error)', () => {
    const circle = grid.map((y) => grid.map((x) => x * x + y * y));
    for (const [x0, y0] of isoSegments(grid, grid, circle, 0.5))
      expect(Math.abs(Math.hypot(x0, y0) - Math.sqrt(0.5))).toBeLessThan(0.01);
  });
});

describe('wireframePlot', () => {
  test('wireframePlot(x² − y²) with its saddle matches its snapshot', () => {
    const grid = Array.from({ length: 11 }, (_, i) => -1 + i / 5);
    const z = grid.map((y) => grid.map((x) => x * x - y * y));
    const svg = wireframePlot({
      x: grid,
      y: grid,
      z,
      points: [{ x: 0, y: 0, z: 0, label: 'saddle point', kind: 'saddle' }],
      title: 'x^2 - y^2',
    });
    expect(svg.match(/<polyline /g)).toHaveLength(22);
    expect(svg).toMatchSnapshot();
  });
});
