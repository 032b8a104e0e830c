// A loss-landscape picture as a list of independent points: the axes of a 1-D line or a 2-D grid, the parameters
// at each point, and the metrics there. Every point is a pure function of the setup (parameters, directions drawn
// from the seed), so points may be computed in any order, resumed, or handed to other workers (src/sweep) and the
// result is the same bytes.
import { SaddleError } from '../core/errors.js';
import type { Tree } from '../core/index.js';
import type { Dataset, MlpParams } from '../models/index.js';
import { Rng } from '../random/index.js';
import { blockView, type BlockView } from './blocks.js';
import {
  datasetMetrics,
  interpolate,
  paramsAt,
  pointOnPlane,
  randomDirection,
  trajectoryPca,
  type DirectionOptions,
  type Normalization,
} from './geometry.js';
import type { CurvatureLoss } from './losses.js';
import { curvatureOperator } from './operator.js';
import { eigenpairs } from './spectrum.js';

export const LANDSCAPE_MODES = ['interpolate', 'slice', 'pca'] as const;
export type LandscapeMode = (typeof LANDSCAPE_MODES)[number];

/** n evenly spaced values from lo to hi, both included exactly. */
export function axis(lo: number, hi: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new SaddleError(`axis: ${n} points; give a whole number ≥ 1`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
    throw new SaddleError(`axis: the range ${lo}:${hi} is not a finite interval from low to high`);
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

export interface LandscapeOptions {
  mode: LandscapeMode;
  /** The centre (slice, pca: the final point) or the start (interpolate). */
  params: MlpParams;
  /** interpolate: the end point. */
  to?: MlpParams;
  /** pca: the checkpoints of training, in order (the final one may be among them). */
  checkpoints?: readonly MlpParams[];
  /** Points per axis: [n] for a line, [nx, ny] for a grid (interpolate: [n] only). */
  grid: readonly number[];
  /** Each axis's range; default interpolate [−0.5, 1.5], slice [−1, 1], pca the trajectory's extent padded. */
  range?: readonly (readonly [number, number])[];
  /** slice: how the random directions are scaled (default 'filter') and whether biases move (default not). */
  normalize?: Normalization;
  biases?: DirectionOptions['biases'];
  /** slice: the directions' seed. */
  seed?: number;
}

export interface Landscape {
  mode: LandscapeMode;
  axes: { x: number[]; y?: number[] };
  /** Number of points: x.length × (y?.length ?? 1); point k is (x[k mod nx], y[floor(k / nx)]). */
  size: number;
  /** Parameters at point k. */
  paramsAt(k: number): MlpParams;
  /** pca: the explained-variance ratios, each checkpoint's coordinates, distance and relative distance. */
  pca?: {
    explainedVariance: [number, number];
    coordinates: [number, number][];
    residuals: number[];
    relativeResiduals: number[];
  };
}

function checkSameShapes(a: BlockView<Tree>, b: BlockView<Tree>, what: string): void {
  const shapes = (v: BlockView<Tree>) => v.blocks.map((bl) => `${bl.name}[${bl.shape.join(',')}]`).join(' ');
  if (shapes(a) !== shapes(b))
    throw new SaddleError(`landscape: ${what} has parameters ${shapes(b)}, the centre has ${shapes(a)}`);
}

function padded(values: readonly number[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 0.25 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** The points of a picture and the parameters at each (nothing is evaluated here). */
export function landscape(options: LandscapeOptions): Landscape {
  const { mode, grid } = options;
  if (!LANDSCAPE_MODES.includes(mode))
    throw new SaddleError(`landscape: mode '${String(mode)}' is not ${LANDSCAPE_MODES.join(', ')}`);
  if (grid.length < 1 || grid.length > 2 || (mode === 'interpolate' && grid.length !== 1))
    throw new SaddleError(
      `landscape: grid [${grid.join(', ')}] should be [n] (a line)${mode === 'interpolate' ? '' : ' or [nx, ny]'}`,
    );
  const view = blockView(options.params as Tree);
  const center = view.point;
  let at: (coords: number[]) => Float64Array;
  let defaults: [number, number][];
  let pca: Landscape['pca'];
  if (mode === 'interpolate') {
    if (!options.to) throw new SaddleError('landscape: interpolate needs the end point `to`');
    const end = blockView(options.to as Tree);
    checkSameShapes(view, end, 'the end point');
    at = ([alpha]) => interpolate(center, end.point, alpha);
    defaults = [[-0.5, 1.5]];
  } else if (mode === 'slice') {
    const rng = new Rng(options.seed ?? 1);
    const directions = grid.map(() =>
      randomDirection(view, rng, { normalize: options.normalize, biases: options.biases }),
    );
    at = (coords) => pointOnPlane(center, directions, coords);
    defaults = grid.map(() => [-1, 1]);
  } else {
    const checkpoints = options.checkpoints ?? [];
    const flats = checkpoints.map((c, i) => {
      const v = blockView(c as Tree);
      checkSameShapes(view, v, `checkpoint ${i}`);
      return v.point;
    });
    const result = trajectoryPca(flats, center);
    const { directions, ...rest } = result;
    pca = rest;
    const used = directions.slice(0, grid.length);
    at = (coords) => pointOnPlane(center, used, coords);
    defaults = grid.map((_, k) => padded(rest.coordinates.map((c) => c[k])));
  }
  const range = options.range ?? defaults;
  if (range.length !== grid.length) throw new SaddleError(`landscape: ${range.length} ranges for ${grid.length} axes`);
  const x = axis(range[0][0], range[0][1], grid[0]);
  const y = grid.length === 2 ? axis(range[1][0], range[1][1], grid[1]) : undefined;
  const nx = x.length;
  const size = nx * (y?.length ?? 1);
  return {
    mode,
    axes: y ? { x, y } : { x },
    size,
    paramsAt: (k) => {
      if (!Number.isInteger(k) || k < 0 || k >= size) throw new SaddleError(`landscape: point ${k} of ${size}`);
      const coords = y ? [x[k % nx], y[Math.floor(k / nx)]] : [x[k]];
      return paramsAt(view, at(coords)) as MlpParams;
    },
    ...(pca ? { pca } : {}),
  };
}

export interface PointMetrics {
  trainLoss: number;
  trainAccuracy: number | null;
  testLoss?: number;
  testAccuracy?: number | null;
  /** With `eigen`: the extreme Hessian eigenvalues of the training loss there (Lanczos). */
  lambdaMax?: number;
  lambdaMin?: number;
}

/** Lanczos at every point (loss-landscape's min/max eigenvalue-ratio map): over these training examples. */
export interface EigenMapOptions {
  examples: number;
  /** Lanczos steps per point. */
  steps: number;
  seed: number;
}

/** The metrics at one point: loss (and accuracy, with classes) on the training data and, if given, the test data. */
export function landscapePoint(
  picture: Landscape,
  k: number,
  loss: CurvatureLoss<MlpParams>,
  data: { train: Dataset; test?: Dataset; classes: boolean; batchSize?: number; eigen?: EigenMapOptions },
): PointMetrics {
  const params = picture.paramsAt(k);
  const options = { batchSize: data.batchSize, classes: data.classes };
  const train = datasetMetrics(loss, params, data.train, options);
  const out: PointMetrics = { trainLoss: train.loss, trainAccuracy: train.accuracy };
  if (data.test) {
    const test = datasetMetrics(loss, params, data.test, options);
    out.testLoss = test.loss;
    out.testAccuracy = test.accuracy;
  }
  if (data.eigen) {
    const { examples, steps, seed } = data.eigen;
    const op = curvatureOperator({ loss, params, data: data.train, batchSize: data.batchSize, examples, seed });
    const r = eigenpairs(op, { top: 1, bottom: 1, maxSteps: steps, seed });
    out.lambdaMax = r.top[0].value;
    out.lambdaMin = r.bottom[0].value;
  }
  return out;
}

/** Values over the axes: a list for a line, rows over y (y outer) for a grid; null where a point is not done. */
export type GridValues = (number | null)[] | (number | null)[][];

/** A picture's numbers as the CLI writes them (2-D arrays row-major, y outer; unfinished points null). */
export interface LandscapeResult {
  mode: LandscapeMode;
  /** slice: how the directions were scaled; null for interpolate and pca (unit PCA directions). */
  normalize: Normalization | null;
  axes: { x: number[]; y?: number[] };
  trainLoss: GridValues;
  trainAccuracy: GridValues;
  testLoss?: GridValues;
  testAccuracy?: GridValues;
  explainedVariance?: [number, number];
  /** pca: each checkpoint's distance from the plane, absolute and over its distance from the final point. */
  residuals?: number[];
  relativeResiduals?: number[];
  /** pca: the checkpoints' coordinates in the plane, to draw the trajectory. */
  trajectory?: { x: number[]; y: number[] };
  /** With the eigenvalue map: λ_max, λ_min and |λ_min/λ_max| at every point. */
  lambdaMax?: GridValues;
  lambdaMin?: GridValues;
  ratio?: GridValues;
  /** Points computed, of `points`. */
  done: number;
  points: number;
}

const emptyGrid = (axes: Landscape['axes']): GridValues =>
  axes.y ? axes.y.map(() => axes.x.map(() => null)) : axes.x.map(() => null);

/** A result with every point null. */
export function emptyResult(
  picture: Landscape,
  options: { normalize: Normalization | null; test: boolean; eigen?: boolean },
): LandscapeResult {
  const { axes, pca } = picture;
  const result: LandscapeResult = {
    mode: picture.mode,
    normalize: options.normalize,
    axes,
    trainLoss: emptyGrid(axes),
    trainAccuracy: emptyGrid(axes),
    ...(options.test ? { testLoss: emptyGrid(axes), testAccuracy: emptyGrid(axes) } : {}),
    ...(options.eigen ? { lambdaMax: emptyGrid(axes), lambdaMin: emptyGrid(axes), ratio: emptyGrid(axes) } : {}),
    done: 0,
    points: picture.size,
  };
  if (pca) {
    result.explainedVariance = pca.explainedVariance;
    result.residuals = pca.residuals;
    result.relativeResiduals = pca.relativeResiduals;
    result.trajectory = { x: pca.coordinates.map((c) => c[0]), y: pca.coordinates.map((c) => c[1]) };
  }
  return result;
}

/** Point k's cell of a grid of values. */
function cell(values: GridValues, axes: Landscape['axes'], k: number): { row: (number | null)[]; i: number } {
  const nx = axes.x.length;
  return axes.y
    ? { row: (values as (number | null)[][])[Math.floor(k / nx)], i: k % nx }
    : { row: values as (number | null)[], i: k };
}

/** The value of point k in a grid (null when not done). */
export function gridValueAt(values: GridValues, axes: Landscape['axes'], k: number): number | null {
  const { row, i } = cell(values, axes, k);
  return row[i];
}

/** Writes point k's metrics into the result (counting it once). */
export function recordPoint(result: LandscapeResult, k: number, metrics: PointMetrics): void {
  const set = (values: GridValues | undefined, v: number | null | undefined) => {
    if (values === undefined) return;
    const { row, i } = cell(values, result.axes, k);
    row[i] = v ?? null;
  };
  if (gridValueAt(result.trainLoss, result.axes, k) === null) result.done++;
  set(result.trainLoss, metrics.trainLoss);
  set(result.trainAccuracy, metrics.trainAccuracy);
  set(result.testLoss, metrics.testLoss);
  set(result.testAccuracy, metrics.testAccuracy);
  set(result.lambdaMax, metrics.lambdaMax);
  set(result.lambdaMin, metrics.lambdaMin);
  if (metrics.lambdaMax !== undefined && metrics.lambdaMin !== undefined)
    set(result.ratio, metrics.lambdaMax === 0 ? null : Math.abs(metrics.lambdaMin / metrics.lambdaMax));
}

/** The points of a result not yet done, in order. */
export function pendingPoints(result: LandscapeResult): number[] {
  const out: number[] = [];
  for (let k = 0; k < result.points; k++) if (gridValueAt(result.trainLoss, result.axes, k) === null) out.push(k);
  return out;
}
