// Runs in headless Chromium for `npm run bench web`: saddle's training step and per-call gradient beside
// TensorFlow.js (wasm SIMD and plain-JS cpu backends) on the same work. Everything runs in a Web Worker, as
// the lab runs it (a page's main thread may not compile WASM synchronously); the page is cross-origin
// isolated, so saddle can also be timed with its second kernel thread (a worker named 'kernel').
import * as tf from '@tensorflow/tfjs-core';
// @ts-expect-error: a side-effect module without its own type declarations
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as s from '../../src/index.js';
// @ts-expect-error: a plain ES module shared with bench/run.mjs
import { medianMs } from '../timing.mjs';

const median = (fn: () => void): number => medianMs(fn, 1500, 5, 3);

/**
 * One training step as a loop that owns its parameters runs it (trainClassifier does the same): parameters and
 * Adam's moments resident in a scope, each step in its own scope, the fused step updating them in place.
 */
function saddleStepMs(): number {
  return s.scope(() => {
    const rng = new s.Rng(1);
    const x = s.uniform(rng, [128, 784], { dtype: 'float32' });
    const y = s.tensor(
      Array.from({ length: 128 }, (_, i) => i % 10),
      { dtype: 'float32' },
    );
    let params: s.Tree = s.mlp([784, 128, 10], { init: 'he-uniform', rng, dtype: 'float32' });
    const opt = s.adam(1e-3);
    let state = opt.init(params);
    const vg = s.valueAndGrad((p: s.MlpParams) => s.classificationLoss(s.forward(p, x), y));
    let first = true;
    const step = () => {
      [params, state] = s.scope(() => {
        const [, g] = vg(params as s.MlpParams);
        return opt.step!(g, state, params, { donate: !first });
      });
      first = false;
    };
    return median(step);
  });
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
  out.saddleStepMs = saddleStepMs();
  out.saddleGradUs = (median(saddleRosenbrock()) / 200) * 1000;
  const threads = s.enableThreads({
    spawn: (init) => {
      const kernel = new Worker('/bench.js', { name: 'kernel' });
      kernel.postMessage(init);
      return kernel;
    },
  });
  // A worker's worker starts only once its creator yields: wait for the kernel thread to serve.
  for (let i = 0; i < 100 && threads && !s.threadsReady(); i++) await new Promise((r) => setTimeout(r, 50));
  out.saddleStep2Ms = threads ? saddleStepMs() : 'no shared memory';
  for (const backend of ['wasm', 'cpu']) {
    if (backend === 'wasm') {
      setWasmPaths('/tfjs/');
      setThreadsCount(1); // the page is cross-origin isolated: TF.js would otherwise start its own threads
    }
    await tf.setBackend(backend);
    await tf.ready();
    out[`tf_${backend}_StepMs`] = median(tfStep());
    out[`tf_${backend}_GradUs`] = (median(tfRosenbrock()) / 200) * 1000;
  }
  return out;
}

const scope = globalThis as unknown as {
  document?: unknown;
  name?: string;
  benchResult?: Promise<unknown>;
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};
if (scope.document !== undefined) {
  // The page: run the benchmark in a worker and expose its result.
  const worker = new Worker('/bench.js', { name: 'bench' });
  scope.benchResult = new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
} else if (scope.name === 'kernel') {
  scope.onmessage = (e) => s.serveGemm(e.data as s.GemmWorkerInit);
} else {
  run().then(
    (result) => scope.postMessage(result),
    (e: Error) => scope.postMessage({ error: e.message }),
  );
}
