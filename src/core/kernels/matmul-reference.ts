// Reference GEMM: C (m×n) = op(A) · op(B), row-major, op = identity or transpose.
// float32: every product is exact in double and each accumulation is rounded to single
// precision, i.e. fused multiply-add semantics, as an FMA-based float32 BLAS computes.
import type { Data } from '../dtype.js';

export interface GemmArgs {
  a: Data;
  aOffset: number;
  b: Data;
  bOffset: number;
  c: Data;
  cOffset: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

export function gemmReference(args: GemmArgs): void {
  const { a, aOffset, b, bOffset, c, cOffset, m, k, n, transA, transB } = args;
  const single = c instanceof Float32Array;
  // Strides of op(A) as an m×k matrix and op(B) as a k×n matrix.
  const ai = transA ? 1 : k;
  const ak = transA ? m : 1;
  const bk = transB ? 1 : n;
  const bj = transB ? k : 1;
  if (!transB) {
    // i-k-j order: the inner loop walks rows of B and C contiguously.
    for (let i = 0; i < m; i++) {
      const ci = cOffset + i * n;
      for (let j = 0; j < n; j++) c[ci + j] = 0;
      for (let p = 0; p < k; p++) {
        const aip = a[aOffset + i * ai + p * ak];
        const bp = bOffset + p * bk;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const ab = aOffset + i * ai;
      const bb = bOffset + j * bj;
      if (single) for (let p = 0; p < k; p++) acc = Math.fround(acc + a[ab + p * ak] * b[bb + p * bk]);
      else for (let p = 0; p < k; p++) acc += a[ab + p * ak] * b[bb + p * bk];
      c[cOffset + i * n + j] = acc;
    }
  }
}
