import { describe, expect, test } from 'vitest';
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
    expect(() => splitDataset(ds, { train: 120, test: 40, seed: 1 })).toThrow(/cannot take 120 training and 40 test examples from 150/);
  });
});

describe('parseCsv', () => {
  test('a header row and numeric columns; the target column is taken out', () => {
    const ds = parseCsv('x1,y,x2\n1,10,2\n3,20,4\n', { target: 'y' });
    expect(ds.featureNames).toEqual(['x1', 'x2']);
    expect(ds.x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(ds.y.toArray()).toEqual([10, 20]);
  });

  test.each([
    ['x,y\n1,2\n3,abc\n', /data.csv: row 3, column 'y': 'abc' is not a number/],
    ['x,y\n1,2\n,4\n', /data.csv: row 3, column 'x' is empty; fill it or remove the row/],
    ['x,y\n1,2,3\n', /row 2 has 3 cells but the header has 2 columns/],
    ['x,z\n1,2\n', /no column 'y' for --target; the columns are x, z/],
    ['x,x,y\n1,2,3\n', /the column name 'x' appears twice/],
    ['x,y\n', /needs a header row and at least one data row/],
  ])('bad input %# names the row and column', (text, message) => {
    expect(() => parseCsv(text, { target: 'y', source: 'data.csv' })).toThrow(message);
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
