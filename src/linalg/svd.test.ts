import { describe, expect, test } from 'vitest';
import { tensor } from '../core/index.js';
import { svd } from './index.js';

/** ‖U diag(s) Vᵀ − A‖_max relative to max |A|. */
function reconstructionError(A: number[][]): number {
  const { u, s, v } = svd(tensor(A));
  const [m, n] = [A.length, A[0].length];
  const k = s.data.length;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let r = 0; r < k; r++) x += u.data[i * k + r] * s.data[r] * v.data[j * k + r];
      err = Math.max(err, Math.abs(x - A[i][j]));
      scale = Math.max(scale, Math.abs(A[i][j]));
    }
  }
  return err / scale;
}

describe('svd at the edges of the doubles', () => {
  test('svd of a normal column beside a column of subnormals converges', () => {
    const A = [
      [1, 1e-320],
      [1, 2e-320],
      [0, 3e-320],
    ];
    const { s } = svd(tensor(A));
    expect(s.data[0]).toBeCloseTo(Math.SQRT2, 14);
    expect(s.data[1]).toBeGreaterThan(0);
    expect(reconstructionError(A)).toBeLessThan(1e-15);
  });

  test('svd of a matrix of subnormals has the singular values of its scaled copy, scaled', () => {
    const B = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const big = svd(tensor(B)).s.data;
    const tiny = svd(tensor(B.map((r) => r.map((x) => x * 1e-310)))).s.data;
    // Subnormals near 1e-310 hold about 40 bits.
    for (let i = 0; i < 2; i++) expect(Math.abs(tiny[i] / 1e-310 - big[i]) / big[i]).toBeLessThan(1e-10);
  });

  test('svd of columns of 1e-200 and 1 (whose squares underflow) converges to the right values', () => {
    const { s } = svd(
      tensor([
        [1e-200, 1],
        [2e-200, 1],
      ]),
    );
    expect(s.data[0]).toBeCloseTo(Math.SQRT2, 14);
    expect(s.data[1] / (1e-200 / Math.SQRT2)).toBeCloseTo(1, 12);
  });
});
