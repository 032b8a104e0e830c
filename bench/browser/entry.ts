// Runs in headless Chromium for `npm run bench web`: saddle's training step and per-call gradient
// beside TensorFlow.js (wasm SIMD and plain-JS cpu backends) on the same work, on one thread.
import * as tf from '@tensorflow/tfjs-core';
// @ts-expect-error: a side-effect module without its own type declarations
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as s from '../../src/index.js';
// @ts-expect-error: a plain ES module shared with bench/run.mjs
import { medianMs } from '../timing.mjs';

const median = (fn: () => void): number => medianMs(fn, 1500, 5, 3);

function saddleStep(): () => void {
  const rng = new s.Rng(1);
  const x = s.uniform(rng, [128, 784], { dtype: 'float32' });
  const y = s.tensor(
    Array.from({ length: 128 }, (_, i) => i % 10),
    { dtype: 'float32' },
  );
  let params = s.mlp([784, 128, 10], { init: 'he-uniform', rng, dtype: 'float32' });
  const opt = s.adam(1e-3);
  let state = opt.init(params);
  const vg = s.valueAndGrad((p: s.MlpParams) => s.classificationLoss(s.forward(p, x), y));
  return () => {
    const [, g] = vg(params);
    const [u, next] = opt.update(g, state, params);
    state = next;
    params = s.treeMap((p, d) => s.add(p, d), params, u);
  };
}

function tfStep(): () => void {
  const x = tf.randomUniform([128, 784]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 128 }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const w1 = tf.variable(tf.randomNormal([784, 128], 0, Math.sqrt(2 / 784)));
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = tf.variable(tf.randomNormal([128, 10], 0, Math.sqrt(2 / 128)));
  const b2 = tf.variable(tf.zeros([10]));
  const opt = tf.train.adam(1e-3);
  return () => {
    const loss = opt.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)) as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
}

function saddleRosenbrock(): () => void {
  const f = (p: s.Tensor) => {
    const a = s.slice(p, [0], [1]);
    const b = s.slice(p, [1], [2]);
    return s.sum(s.add(s.square(s.sub(1, a)), s.mul(100, s.square(s.sub(b, s.square(a))))));
  };
  const g = s.grad(f);
  const x = s.tensor([-1.2, 1], { dtype: 'float32' });
  return () => {
    for (let i = 0; i < 200; i++) g(x);
  };
}

function tfRosenbrock(): () => void {
  const g = tf.grad((p: tf.Tensor) => {
    const a = tf.slice(p, [0], [1]);
    const b = tf.slice(p, [1], [1]);
    return tf.sum(tf.add(tf.square(tf.sub(1, a)), tf.mul(100, tf.square(tf.sub(b, tf.square(a))))));
  });
  const x = tf.tensor1d([-1.2, 1]);
  return () => {
    for (let i = 0; i < 200; i++) tf.tidy(() => g(x).dataSync());
  };
}

async function run() {
  const out: Record<string, number | string> = { kernels: s.kernelInfo().active };
  out.saddleStepMs = median(saddleStep());
  out.saddleGradUs = (median(saddleRosenbrock()) / 200) * 1000;
  for (const backend of ['wasm', 'cpu']) {
    if (backend === 'wasm') setWasmPaths('/tfjs/');
    await tf.setBackend(backend);
    await tf.ready();
    out[`tf_${backend}_StepMs`] = median(tfStep());
    out[`tf_${backend}_GradUs`] = (median(tfRosenbrock()) / 200) * 1000;
  }
  return out;
}

(globalThis as unknown as { benchResult: Promise<unknown> }).benchResult = run().catch((e: Error) => ({
  error: e.message,
}));
