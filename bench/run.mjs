// `npm run bench`: saddle's figures beside its peers' on the same work, in the same run, as ratios.
// Peers: numpy/OpenBLAS (one thread) and PyTorch (one thread, and all threads for reference).
// A missing peer is skipped and said so. Uses the built library (dist/), i.e. what users run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as s from '../dist/index.js';
import { medianMs } from './timing.mjs';
import { enableNodeThreads, enableRelaxedSimd } from '../dist/cli/node-runtime.js';

enableRelaxedSimd(); // as the CLI runs: fused multiply-add where the CPU has it
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

/** Seconds per call: the median of repeated runs (bench/timing.mjs). */
const timeit = (fn, minTime = 0.5) => medianMs(fn, minTime * 1000) / 1000;

function peer(label, command, args, env = {}) {
  if (!existsSync(command)) return { skipped: `${label}: ${command} not found` };
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop();
    return { skipped: `${label}: ${why}` };
  }
  return JSON.parse(r.stdout);
}

const rows = [];
function row(work, ours, theirs, unit, better, peerName) {
  let ratio = '—';
  if (typeof theirs === 'number' && typeof ours === 'number') {
    ratio = better === 'higher' ? `${(ours / theirs).toFixed(2)}×` : `${(theirs / ours).toFixed(2)}×`;
  }
  rows.push({ work, ours, theirs, unit, ratio, peerName });
}
const fmt = (v) =>
  typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : v;

/**
 * A peer's thread count for every pool it may use: PyTorch's set_num_threads covers OpenMP only, and Debian's
 * torch runs its matrix products on OpenBLAS, whose pthreads pool would otherwise take every core.
 */
const threadsEnv = (n) => ({
  OPENBLAS_NUM_THREADS: String(n),
  OMP_NUM_THREADS: String(n),
  MKL_NUM_THREADS: String(n),
});

const py = '/root/.pyenv/shims/python3';
const numpyPython = existsSync(py) ? py : '/usr/bin/python3';
const here = new URL('.', import.meta.url).pathname;
const k = s.kernelInfo();
console.log(
  `saddle ${s.VERSION}: kernels ${k.active}${k.fusedMultiplyAdd ? ' (fused multiply-add)' : ''}; ` +
    `node ${process.versions.node}`,
);
console.log('running peers (numpy, PyTorch)…');
const np =
  want('matmul') || want('eigh') || want('experiments')
    ? peer('numpy', numpyPython, [`${here}peers/numpy_bench.py`], threadsEnv(1))
    : { skipped: 'not asked' };
const torch1 =
  want('mlp') || want('tiny') || want('hvp') || want('landscape') || want('optim') || want('mnist')
    ? peer('PyTorch', '/usr/bin/python3', [`${here}peers/torch_bench.py`, '1'], threadsEnv(1))
    : { skipped: 'not asked' };
const torchAll =
  want('mlp') || want('mnist')
    ? peer('PyTorch', '/usr/bin/python3', [`${here}peers/torch_bench.py`, '2'], threadsEnv(2))
    : { skipped: 'not asked' };
const np2 =
  want('matmul') || want('eigh')
    ? peer('numpy', numpyPython, [`${here}peers/numpy_bench.py`], threadsEnv(2))
    : { skipped: 'not asked' };
for (const p of [np, torch1]) if (p.skipped) console.log(`peer skipped: ${p.skipped}`);

async function measure(threads) {
  const tag = threads > 1 ? ' [2 threads]' : '';
  const npx = threads > 1 ? np2 : np;
  const rng = new s.Rng(0);

  if (want('optim') && threads === 1) {
    // Optimiser steps (gradient + update) per second, as torch's loop zero_grad/backward/step.
    const at = (p, i) => s.reshape(s.slice(p, [i], [i + 1]), []);
    const rosen = (p) => s.add(s.pow(s.sub(1, at(p, 0)), 2), s.mul(100, s.pow(s.sub(at(p, 1), s.pow(at(p, 0), 2)), 2)));
    const d = s.linspace(0.5, 2.0, 100000);
    const quad = (x) => s.mul(0.5, s.sum(s.mul(d, s.mul(x, x))));
    for (const [name, make] of [
      ['adam', () => s.adam(1e-3)],
      ['sgd', () => s.sgd(1e-3, { momentum: 0.9 })],
    ]) {
      for (const [fname, f, x0, n] of [
        ['rosenbrock', rosen, s.tensor([-1.2, 1]), 200],
        ['quadratic', quad, s.ones([100000]), 20],
      ]) {
        const t = timeit(() => s.minimize(f, x0, make(), { steps: n }), 1) / n;
        const peer = torch1[`optim_${name}_${fname}_seconds`];
        row(
          `${name} steps on ${fname === 'rosenbrock' ? 'Rosenbrock (2 params)' : 'a quadratic (1e5 params)'}`,
          1 / t,
          typeof peer === 'number' ? 1 / peer : 'skipped',
          'steps/s',
          'higher',
          'torch.optim',
        );
      }
    }
  }

  if (want('landscape') && threads === 1) {
    // The landscape benchmark: certified analysis of the chapter's examples (no peer does
    // certification), and gradient + Hessian evaluations of a compiled expression vs PyTorch.
    const himmelblau = s.compile('(x^2+y-11)^2 + (x+y^2-7)^2');
    const point = s.tensor([-0.7, 1.3]);
    const vg = s.valueAndGrad(himmelblau.at);
    const h = s.hessian(himmelblau.at);
    const t =
      timeit(() => {
        for (let i = 0; i < 100; i++) {
          vg(point);
          h(point);
        }
      }, 1) / 100;
    row(
      'gradient + Hessian of Himmelblau (compiled expression)',
      1 / t,
      typeof torch1.expr_grad_hessian_seconds === 'number' ? 1 / torch1.expr_grad_hessian_seconds : 'skipped',
      'evals/s',
      'higher',
      'torch.autograd.functional.hessian',
    );
    for (const [text, box] of [
      ['x*cos(pi*x)', [[-1, 2]]],
      [
        'x^2 - y^2',
        [
          [-1, 1],
          [-1, 1],
        ],
      ],
      [
        '(x^2+y-11)^2 + (x+y^2-7)^2',
        [
          [-5, 5],
          [-5, 5],
        ],
      ],
      [
        '(1 - x)^2 + 100*(y - x^2)^2',
        [
          [-2, 2],
          [-1, 3],
        ],
      ],
    ]) {
      const objective = s.compile(text);
      const b = box.map(([lo, hi]) => ({ lo, hi }));
      const ta = timeit(() => s.analyze(objective, b), 1);
      const r = s.analyze(objective, b);
      row(
        `analyze ${text} (${r.stationaryPoints.length} points, ${r.complete ? 'complete' : 'incomplete'})`,
        ta * 1000,
        '—',
        'ms',
        'lower',
        'no peer certifies',
      );
    }
  }

  // Per-call overhead first, on a clean heap (the large cases below leave garbage that slows GC).
  if (want('tiny') && threads === 1) {
    const f = (p) => {
      const a = s.slice(p, [0], [1]);
      const b = s.slice(p, [1], [2]);
      return s.sum(s.add(s.pow(s.sub(1, a), 2), s.mul(100, s.pow(s.sub(b, s.mul(a, a)), 2))));
    };
    const g = s.grad(f);
    const x = s.tensor([-1.2, 1]);
    const t =
      timeit(() => {
        for (let i = 0; i < 1000; i++) g(x);
      }, 1) / 1000;
    row(
      'grad of Rosenbrock (2 variables), per call',
      t * 1e6,
      typeof torch1.tiny_grad_seconds === 'number' ? torch1.tiny_grad_seconds * 1e6 : 'skipped',
      'µs',
      'lower',
      'PyTorch autograd',
    );
  }

  if (want('matmul')) {
    for (const dtype of ['float32', 'float64']) {
      for (const n of [256, 512, 1024]) {
        const a = s.normal(rng, [n, n], { dtype });
        const b = s.normal(rng, [n, n], { dtype });
        const t = timeit(() => s.matmul(a, b), n === 1024 ? 1.5 : 0.5);
        row(
          `matmul ${n}×${n} ${dtype}${tag}`,
          (2 * n ** 3) / t / 1e9,
          npx.matmul?.[`${dtype}-${n}`] ?? 'skipped',
          'GFLOP/s',
          'higher',
          `numpy (${threads} thread${threads > 1 ? 's' : ''})`,
        );
      }
    }
  }

  function mlpSetup(dtype = 'float32') {
    const r = new s.Rng(1);
    const x = s.normal(r, [1024, 784], { dtype });
    const labels = Array.from({ length: 1024 }, () => r.int(10));
    const y = s.oneHot(labels, 10, { dtype });
    const params = {
      w1: s.normal(r, [784, 256], { dtype, std: Math.sqrt(2 / 784) }),
      b1: s.zeros([256], { dtype }),
      w2: s.normal(r, [256, 10], { dtype, std: Math.sqrt(2 / 256) }),
      b2: s.zeros([10], { dtype }),
    };
    const loss = (p) => s.crossEntropy(s.add(s.matmul(s.relu(s.add(s.matmul(x, p.w1), p.b1)), p.w2), p.b2), y);
    return { params, loss };
  }

  if (want('mlp') || want('hvp')) {
    const { params, loss } = mlpSetup();
    const vg = s.valueAndGrad(loss);
    const tGrad = timeit(() => vg(params), 2);
    if (want('mlp')) {
      const tp = threads > 1 ? torchAll : torch1;
      row(
        `MLP 784-256-10 loss+grad, batch 1024, f32${tag}`,
        tGrad * 1000,
        typeof tp.mlp_grad_seconds === 'number' ? tp.mlp_grad_seconds * 1000 : 'skipped',
        'ms',
        'lower',
        `PyTorch (${threads} thread${threads > 1 ? 's' : ''})`,
      );
    }
    if (want('hvp') && threads === 1) {
      const r = new s.Rng(2);
      const v = s.treeMap((p) => s.normal(r, p.shape, { dtype: p.dtype }), params);
      const tHvp = timeit(() => s.hvp(loss, params, v), 2);
      row(
        'MLP HVP cost, in gradients',
        tHvp / tGrad,
        typeof torch1.mlp_hvp_seconds === 'number' ? torch1.mlp_hvp_seconds / torch1.mlp_grad_seconds : 'skipped',
        'gradients',
        'lower',
        'PyTorch double-backward',
      );
      const f = (p) =>
        s.sum(
          s.add(
            s.pow(s.sub(1, s.slice(p, [0], [1])), 2),
            s.mul(100, s.pow(s.sub(s.slice(p, [1], [2]), s.square(s.slice(p, [0], [1]))), 2)),
          ),
        );
      const x = s.tensor([-1.2, 1]);
      const tg = timeit(() => s.grad(f)(x), 1);
      const th = timeit(() => s.hvp(f, x, s.tensor([1, 0])), 1);
      row('Rosenbrock HVP cost, in gradients', th / tg, '—', 'gradients', 'lower', '');
    }
  }

  if (want('mnist')) {
    // The benchmark: one epoch of 8,000 real digits, 784-128-10, batch 128, Adam, float32. The
    // epoch's time is the batch loop only (trainClassifier's report), as the peer times it.
    const data = await mnist;
    const { train, test } = s.splitDataset(data, { train: 8000, test: 10, seed: 1 });
    const secs = [];
    for (let k = 0; k < 5; k++) {
      const params = s.mlp([784, 128, 10], { init: 'he-uniform', rng: new s.Rng(k), dtype: 'float32' });
      secs.push(
        s.trainClassifier(params, train, test, { optimizer: s.adam(1e-3), epochs: 1, batchSize: 128, seed: k })
          .epochs[0].seconds,
      );
    }
    secs.sort((a, b) => a - b);
    const tp = threads > 1 ? torchAll : torch1;
    row(
      `MNIST epoch (8,000 images, 784-128-10, batch 128, Adam, f32)${tag}`,
      secs[2] * 1000,
      typeof tp.mnist_epoch_seconds === 'number' ? tp.mnist_epoch_seconds * 1000 : 'skipped',
      'ms',
      'lower',
      `PyTorch (${threads} thread${threads > 1 ? 's' : ''})`,
    );
  }

  if (want('experiments') && threads === 1) {
    // The random-matrix experiment's sampler (bordered Cholesky, entries drawn as needed) against numpy's
    // batched eigvalsh on the same question: is a 7×7 GOE matrix positive definite?
    const r = new s.Rng(5);
    const n = 2_000_000;
    const t = timeit(() => s.positiveDefiniteCounts(7, n, r), 2);
    row(
      'GOE 7×7 positive-definite test (random-matrix experiment)',
      n / t / 1e6,
      typeof npx.goe_samples_per_second === 'number' ? npx.goe_samples_per_second / 1e6 : 'skipped',
      'M samples/s',
      'higher',
      'numpy batched eigvalsh',
    );
  }

  if (want('eigh')) {
    for (const n of [100, 300, 1000]) {
      const a = s.normal(rng, [n, n]);
      const h = s.div(s.add(a, s.transpose(a)), 2);
      const t = timeit(() => s.eigh(h), n === 1000 ? 3 : 0.5);
      row(
        `eigh ${n}×${n} (values and vectors)${tag}`,
        t * 1000,
        typeof npx.eigh?.[String(n)] === 'number' ? npx.eigh[String(n)] * 1000 : 'skipped',
        'ms',
        'lower',
        `numpy (${threads} thread${threads > 1 ? 's' : ''})`,
      );
    }
  }
}

// The curvature benchmark (issue 11): MLP 784-1024-1024-10 (1,863,690 parameters), float32, 2,000 MNIST
// digits (a seeded subset; the first 2,000 in loadMnist's order are all zeros and ones). PyTorch gets the
// very same weights (a safetensors file) and rows (their indices), so λ_max and the trace can be compared.
async function curvatureBench() {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const quick = process.env.SADDLE_BENCH_QUICK === '1';
  const sizes = quick ? [784, 64, 10] : [784, 1024, 1024, 10];
  const examples = quick ? 200 : 2000;
  const data = await s.loadMnist({ dtype: 'float32' });
  const params = s.mlp(sizes, { init: 'he-uniform', rng: new s.Rng(0), dtype: 'float32' });
  const op = s.curvatureOperator({
    loss: s.crossEntropyLoss({ activation: 'relu' }),
    params,
    data,
    examples,
    seed: 1,
    batchSize: 1000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'saddle-curvature-bench-'));
  writeFileSync(join(dir, 'params.safetensors'), s.encodeSafetensors(s.mlpStateDict(params)));
  writeFileSync(
    join(dir, 'indices.json'),
    JSON.stringify(s.permutation(new s.Rng(1), data.x.shape[0]).slice(0, examples)),
  );
  console.log(`curvature: ${op.size} parameters, ${examples} digits; running PyTorch on the same weights and rows…`);
  const tp = peer(
    'PyTorch',
    '/usr/bin/python3',
    [
      `${here}peers/torch_curvature.py`,
      '--threads',
      '1',
      '--examples',
      String(examples),
      '--sizes',
      sizes.join('-'),
      '--batch',
      '1000',
      '--params',
      join(dir, 'params.safetensors'),
      '--indices',
      join(dir, 'indices.json'),
      ...(quick ? ['--quick'] : []),
    ],
    threadsEnv(1),
  );
  if (tp.skipped) console.log(`peer skipped: ${tp.skipped}`);
  else if (tp.blas_reference)
    console.log('warning: PyTorch runs on the reference BLAS here; install libopenblas0-pthread for a fair comparison');
  const peerOf = (key) => (typeof tp[key] === 'number' ? tp[key] : 'skipped');
  const seconds = (fn) => {
    const t0 = performance.now();
    const r = fn();
    return [r, (performance.now() - t0) / 1000];
  };
  const median3 = (fn) => [fn(), fn(), fn()].sort((a, b) => a - b)[1];
  console.log('saddle: gradient and HVP…');
  op.gradient(); // warm-up (JIT, kernels)
  const tGrad = median3(() => seconds(() => op.gradient())[1]);
  const v = Float64Array.from({ length: op.size }, (_, i) => Math.sin(i));
  const tHvp = median3(() => seconds(() => op.apply(v))[1]);
  row(
    `curvature: one full-data gradient (${op.size} params, ${examples} digits, f32)`,
    tGrad,
    peerOf('grad_seconds'),
    's',
    'lower',
    'PyTorch (1 thread)',
  );
  row('curvature: one full-data HVP', tHvp, peerOf('hvp_seconds'), 's', 'lower', 'PyTorch double backward');
  row(
    'curvature: HVP cost, in gradients (target ≤ 2.5)',
    tHvp / tGrad,
    peerOf('hvp_over_grad'),
    'gradients',
    'lower',
    'PyTorch double backward',
  );
  console.log('saddle: top eigenvalue…');
  const [top, tTop] = seconds(() => s.eigenpairs(op, { top: 1, seed: 2, tol: 1e-2 }));
  row(
    `curvature: top eigenvalue, Lanczos to residual 1e-2 (${top.products} HVPs; PyTorch ${peerOf('top_hvps')})`,
    tTop,
    peerOf('top_seconds'),
    's',
    'lower',
    'PyTorch Lanczos',
  );
  const steps = quick ? 10 : 80;
  console.log('saddle: SLQ density…');
  const [slq, tSlq] = seconds(() => s.spectralDensity(op, { steps, seed: 3 }));
  row(
    `curvature: SLQ density, m = ${steps}, full reorthogonalisation`,
    tSlq,
    peerOf('slq_seconds'),
    's',
    'lower',
    'PyTorch Lanczos',
  );
  const [low, tLow] = seconds(() => s.spectralDensity(op, { steps, seed: 3, lowMemory: true }));
  row(
    `curvature: SLQ density, m = ${steps}, low memory (no basis)`,
    tLow,
    peerOf('slq_seconds'),
    's',
    'lower',
    'PyTorch (full reorth.)',
  );
  const probes = quick ? 10 : 100;
  console.log('saddle: trace…');
  const [tr, tTrace] = seconds(() => s.hutchinson(op, { probes, seed: 4 }));
  row(`curvature: trace, Hutchinson, ${probes} probes`, tTrace, peerOf('trace_seconds'), 's', 'lower', 'PyTorch');
  const rss = process.resourceUsage().maxRSS / 1024;
  row('curvature: peak memory (whole process)', rss, peerOf('max_rss_mb'), 'MB', 'lower', 'PyTorch');
  const range = slq.max - slq.min;
  console.log(
    `curvature: λ_max ${top.top[0].value.toPrecision(6)} (residual ${top.top[0].residual.toExponential(1)}) ` +
      `against PyTorch ${fmt(peerOf('top_value'))}; ` +
      `trace ${tr.estimate.toPrecision(4)} ± ${tr.stderr.toPrecision(2)} ` +
      `against ${fmt(peerOf('trace_estimate'))} ± ${fmt(peerOf('trace_stderr'))}`,
  );
  console.log(
    `curvature: the Lanczos basis is m·n·4 bytes = ${((steps * op.size * 4) / 1e6).toFixed(0)} MB in float32; ` +
      `low memory keeps 3 vectors. ` +
      `Its cost in accuracy here: the two SLQ measures differ ` +
      `by ${(s.wasserstein1Between(low, slq) / range).toExponential(2)} of the range (W1), ` +
      `extreme nodes ${low.min.toPrecision(5)}…${low.max.toPrecision(5)} ` +
      `against ${slq.min.toPrecision(5)}…${slq.max.toPrecision(5)}.`,
  );
}

// The web lab's engine in a browser: headless Chromium runs saddle and TensorFlow.js side by side.
async function browserBench() {
  const { existsSync: has, readFileSync } = await import('node:fs');
  if (!has('/usr/bin/chromium')) return console.log('peer skipped: web: /usr/bin/chromium not found');
  const { build } = await import('esbuild');
  const { browserAliases } = await import('../scripts/build-web.mjs');
  const { ISOLATION } = await import('../scripts/serve-web.mjs');
  const { createServer } = await import('node:http');
  const { chromium } = await import('playwright-core');
  const bundle = await build({
    entryPoints: [`${here}browser/entry.ts`],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    target: 'es2022',
    minify: true,
    logLevel: 'error',
    alias: browserAliases,
  });
  const script = bundle.outputFiles[0].text;
  const wasmDir = new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname;
  const server = createServer((req, res) => {
    if (req.url === '/bench.js')
      return res.writeHead(200, { 'content-type': 'text/javascript', ...ISOLATION }).end(script);
    if (req.url?.startsWith('/tfjs/'))
      return res
        .writeHead(200, { 'content-type': 'application/wasm', ...ISOLATION })
        .end(readFileSync(wasmDir + req.url.slice(6)));
    res
      .writeHead(200, { 'content-type': 'text/html', ...ISOLATION })
      .end('<!doctype html><meta charset="utf-8"><script src="/bench.js"></script>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const r = await page.evaluate(() => globalThis.benchResult);
    if (r.error) return console.log(`web bench failed: ${r.error}`);
    row(
      `browser: MLP 784-128-10 training step (Adam), batch 128, f32 [${r.kernels}]`,
      r.saddleStepMs,
      r.tf_wasm_StepMs,
      'ms',
      'lower',
      'TF.js wasm (SIMD)',
    );
    row(
      'browser: MLP 784-128-10 training step (Adam), batch 128, f32 [2 threads]',
      r.saddleStep2Ms,
      r.tf_wasm_StepMs,
      'ms',
      'lower',
      'TF.js wasm (SIMD, 1 thread)',
    );
    row(
      'browser: MLP 784-128-10 training step, batch 128, f32',
      r.saddleStepMs,
      r.tf_cpu_StepMs,
      'ms',
      'lower',
      'TF.js cpu',
    );
    row('browser: grad of Rosenbrock (f32), per call', r.saddleGradUs, r.tf_cpu_GradUs, 'µs', 'lower', 'TF.js cpu');
    row('browser: grad of Rosenbrock (f32), per call', r.saddleGradUs, r.tf_wasm_GradUs, 'µs', 'lower', 'TF.js wasm');
  } finally {
    await browser.close();
    server.close();
  }
}
// Peak memory of training the curvature benchmark's 1.86M-parameter MLP for an epoch, each in a process of its own.
function memoryBench() {
  const ours = spawnSync(process.execPath, [`${here}memory.mjs`], { encoding: 'utf8', timeout: 900_000 });
  if (ours.status !== 0) return console.log(`memory bench failed: ${ours.stderr.trim().split('\n').pop()}`);
  const r = JSON.parse(ours.stdout);
  const tp = peer('PyTorch', '/usr/bin/python3', [`${here}peers/torch_memory.py`], threadsEnv(1));
  if (tp.skipped) console.log(`peer skipped: ${tp.skipped}`);
  row(
    'peak memory: one epoch of the 1.86M-parameter MLP (batch 128, Adam, f32; whole process)',
    r.max_rss_mb,
    tp.skipped ? 'skipped' : tp.max_rss_mb,
    'MB',
    'lower',
    'PyTorch (1 thread)',
  );
  row('  … the same epoch, time', r.seconds, tp.skipped ? 'skipped' : tp.seconds, 's', 'lower', 'PyTorch (1 thread)');
  console.log(
    `memory: saddle's WASM memory ${r.wasm_memory_mb.toFixed(0)} MB, at most ${r.wasm_peak_in_use_mb.toFixed(0)} MB ` +
      `in use; RSS before training ${r.before_training_mb.toFixed(0)} MB (PyTorch ` +
      `${tp.skipped ? '—' : tp.before_training_mb.toFixed(0)} MB)`,
  );
}

if (want('web')) await browserBench();
if (only.includes('memory')) memoryBench();
if (only.includes('curvature')) await curvatureBench();

const mnist = want('mnist') ? s.loadMnist({ dtype: 'float32' }) : undefined;
await measure(1);
if (enableNodeThreads()) await measure(2);
else console.log('threads unavailable here (no shared memory): two-thread rows skipped');

const header = ['work', 'saddle', 'peer', 'unit', 'saddle/peer', 'peer'];
const table = rows.map((r) => [r.work, fmt(r.ours), fmt(r.theirs), r.unit, r.ratio, r.peerName]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => String(t[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const t of table) console.log(line(t));
console.log(
  '\nsaddle/peer: speed of saddle relative to the peer (higher is better for saddle); for "in gradients" rows it ' +
    'is peer cost / saddle cost.',
);
