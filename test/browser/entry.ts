// Runs in the browser (bundled by test/browser.test.ts): the same library, through its public API.
import * as s from '../../src/index.js';

function run() {
  const f = (x: s.Tensor) => s.sum(s.mul(x, s.cos(s.mul(x, Math.PI))));
  const x = s.tensor([0.3, -0.7]);
  const rng = new s.Rng(5);
  const a = s.normal(rng, [64, 64], { dtype: 'float32' });
  const b = s.normal(rng, [64, 64], { dtype: 'float32' });
  const viaWasm = s.matmul(a, b).data;
  s.setReferenceKernels(true);
  const viaReference = s.matmul(a, b).data;
  s.setReferenceKernels(false);
  let gemmDiff = 0;
  for (let i = 0; i < viaWasm.length; i++) gemmDiff = Math.max(gemmDiff, Math.abs(viaWasm[i] - viaReference[i]));
  const h = s.tensor([
    [2, 1],
    [1, 3],
  ]);
  return {
    kernels: s.kernelInfo(),
    grad: Array.from(s.grad(f)(x).data),
    third: s
      .grad(s.grad(s.grad((t: s.Tensor) => s.sum(s.pow(t, 4)))))(s.tensor(2))
      .item(),
    hvp: Array.from(s.hvp(f, x, s.tensor([1, 0])).data),
    gemmDiff,
    eigenvalues: Array.from(s.eigh(h).eigenvalues.data),
    float32: s.add(s.tensor([0.1], { dtype: 'float32' }), s.tensor([0.2], { dtype: 'float32' })).item(),
  };
}

(globalThis as unknown as { saddleResult: unknown }).saddleResult = (() => {
  try {
    return run();
  } catch (err) {
    return { error: String(err) };
  }
})();
