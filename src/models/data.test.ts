import { describe, expect, test } from 'vitest';
import { DataError } from './data.js';
import { fitStandardizer, loadIris, loadMnist, parseCsv, splitDataset } from './index.js';

describe('datasets', () => {
  test('loadMnist: 10,000 real digits of 784 pixels in [0, 1], every class present, float32 by default', async () => {
    const ds = await loadMnist();
    expect(ds.x.shape).toEqual([10000, 784]);
    expect(ds.x.dtype).toBe('float32');
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ds.x.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
    const counts = new Array(10).fill(0);
    for (const c of ds.y.data) counts[c]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });

  test('loadIris: 150 flowers, 4 measurements, 3 species of 50', async () => {
    const ds = await loadIris();
    expect(ds.x.shape).toEqual([150, 4]);
    expect(Array.from(ds.x.data.slice(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([0, 1, 2].map((c) => Array.from(ds.y.data).filter((v) => v === c).length)).toEqual([50, 50, 50]);
  });

  test('splitDataset is seeded, disjoint, and takes counts or fractions', async () => {
    const ds = await loadIris();
    const a = splitDataset(ds, { train: 100, seed: 1 });
    const b = splitDataset(ds, { train: 100, seed: 1 });
    expect(a.train.x.shape).toEqual([100, 4]);
    expect(a.test.x.shape).toEqual([50, 4]);
    expect(Array.from(a.train.x.data)).toEqual(Array.from(b.train.x.data));
    expect(splitDataset(ds, { train: 0.8, test: 0.2, seed: 2 }).test.x.shape[0]).toBe(30);
    expect(() => splitDataset(ds, { train: 120, test: 40, seed: 1 })).toThrow(
      /cannot take 120 training and 40 test examples from 150/,
    );
  });
});

describe('parseCsv', () => {
  test('a header row and numeric columns; the target column is taken out', () => {
    const ds = parseCsv('x1,y,x2\n1,10,2\n3,20,4\n', { target: 'y' });
    expect(ds.featureNames).toEqual(['x1', 'x2']);
    expect(ds.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(ds.y.toArray()).toEqual([10, 20]);
  });

  test.each([
    ['x,y\n1,2\n3,abc\n', /data.csv: row 3, column 'y': 'abc' is not a number/],
    ['x,y\n1,2\n,4\n', /data.csv: row 3, column 'x' is empty; fill it or remove the row/],
    ['x,y\n1,2,3\n', /row 2 has 3 cells but the header has 2 columns/],
    ['x,z\n1,2\n', /no column 'y' for the target; the columns are x, z/],
    ['x,x,y\n1,2,3\n', /the column name 'x' appears twice in the header \(columns 1 and 2\); rename one/],
    ['x,y\n', /needs a header row and at least one data row/],
    ['x,y\n"1,2\n', /data.csv: line 2: a quoted field is never closed/],
    ['x,y\n1"2,3\n', /data.csv: line 2: a quote inside a field; quote the whole field/],
    ['x;y\n1;2\n', /no column 'y' for the target; the columns are x;y \(saddle reads comma-separated values\)/],
  ])('bad input %# names the row and column', (text, message) => {
    expect(() => parseCsv(text, { target: 'y', source: 'data.csv' })).toThrow(message);
    expect(() => parseCsv(text, { target: 'y', source: 'data.csv' })).toThrow(DataError);
  });

  test('parseCsv names the target as the caller does (the CLI its flag), not as a flag of its own', () => {
    const text = 'x,z\n1,2\n';
    expect(() => parseCsv(text, { target: 'y', targetLabel: '--target' })).toThrow(/no column 'y' for --target/);
  });

  test('parseCsv drops a byte-order mark: the first column keeps its name, quoted or not', () => {
    expect(parseCsv('\ufeffx,y\n1,2\n', { target: 'x' }).targetName).toBe('x');
    // Before the quotes were read, the mark stayed in front of them and the name was '"x"'.
    const ds = parseCsv('\ufeff"x","y"\r\n1,2\r\n3,4\r\n', { target: 'x' });
    expect(ds.targetName).toBe('x');
    expect(ds.featureNames).toEqual(['y']);
    expect(ds.y.toArray()).toEqual([1, 3]);
  });

  test('parseCsv reads quoted fields (RFC 4180): commas and quotes in names, quoted numbers, blank lines', () => {
    const ds = parseCsv('"height, cm","the ""y""",y\n"1.5",2,3\n\n4,"5",6\n', { target: 'y' });
    expect(ds.featureNames).toEqual(['height, cm', 'the "y"']);
    expect(ds.x.toArray()).toEqual([
      [1.5, 2],
      [4, 5],
    ]);
    expect(ds.y.toArray()).toEqual([3, 6]);
  });

  test('parseCsv of a header of 300,000 columns is linear: the duplicate check uses a Map (was quadratic)', () => {
    const names = Array.from({ length: 300_000 }, (_, i) => `c${i}`);
    const started = performance.now();
    const text = `${names.join(',')},c7\n${names.map(() => '1').join(',')},1\n`;
    expect(() => parseCsv(text, { target: 'c0' })).toThrow(/'c7' appears twice in the header \(columns 8 and 300001\)/);
    // indexOf for every name is 4.5·10^10 comparisons here (over a minute); a Map takes about a second.
    expect(performance.now() - started).toBeLessThan(20_000);
    // The column list in a message is cut short, with the count.
    expect(() => parseCsv(`${names.join(',')}\n${names.map(() => '1').join(',')}\n`, { target: 'y' })).toThrow(
      /the columns are c0, c1, .*, c11, … \(300000 columns in all\)$/,
    );
  });

  test('parseCsv refuses more values than the limit, naming both', () => {
    expect(() => parseCsv('a,b,y\n1,2,3\n4,5,6\n7,8,9\n', { target: 'y', maxValues: 8, source: 'big.csv' })).toThrow(
      /big.csv: more than 8 values \(3 rows of 3 columns\), the most a dataset may hold/,
    );
  });
});

test('fitStandardizer: training columns get mean 0 and standard deviation 1; constant columns stay finite', () => {
  const ds = parseCsv('a,b,c,y\n1,5,7,0\n2,5,9,0\n3,5,11,0\n', { target: 'y' });
  const st = fitStandardizer(ds.x);
  expect(st.mean).toEqual([2, 5, 9]);
  const z = st.apply(ds.x).toArray() as number[][];
  expect(z.map((r) => r[0])).toEqual([-Math.sqrt(1.5), 0, Math.sqrt(1.5)]);
  expect(z.map((r) => r[1])).toEqual([0, 0, 0]);
});

test('fitStandardizer of columns near ±1e308 and near 1e-300: mean 0, standard deviation 1, all finite', () => {
  const ds = parseCsv('a,b,y\n1e308,1e-300,0\n-1e308,3e-300,0\n1.5e308,2e-300,0\n-1.5e308,4e-300,0\n', { target: 'y' });
  const z = fitStandardizer(ds.x).apply(ds.x).toArray() as number[][];
  for (const j of [0, 1]) {
    const column = z.map((r) => r[j]);
    expect(column.every(Number.isFinite)).toBe(true);
    const m = column.reduce((a, b) => a + b, 0) / column.length;
    const v = column.reduce((a, b) => a + (b - m) ** 2, 0) / column.length;
    expect(Math.abs(m)).toBeLessThan(1e-15);
    expect(Math.abs(v - 1)).toBeLessThan(1e-14);
  }
});
