// The peak-memory benchmark's saddle side (run by bench/run.mjs in a process of its own): one epoch of the
// curvature benchmark's 1.86M-parameter MLP (784-1024-1024-10, ReLU, float32) on 8,000 rows of 784 numbers,
// batch 128, Adam, as bench/peers/torch_memory.py does in PyTorch; prints the process's peak RSS and the
// WASM heap's figures as JSON. Values do not change the footprint, so seeded uniform noise stands in for digits.
import * as s from '../dist/index.js';

const rng = new s.Rng(0);
const rows = 8000;
const x = s.uniform(rng, [rows, 784], { dtype: 'float32' });
const y = s.tensor(
  Array.from({ length: rows }, () => rng.int(10)),
  { dtype: 'float32' },
);
const data = { x, y, featureNames: [], targetName: 'label' };
const params = s.mlp([784, 1024, 1024, 10], { init: 'he-uniform', rng, dtype: 'float32' });
const baseline = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
s.trainClassifier(
  params,
  data,
  { ...data, x: s.slice(x, [0, 0], [256, 784]), y: s.slice(y, [0], [256]) },
  {
    optimizer: s.adam(1e-3),
    epochs: 1,
    batchSize: 128,
    seed: 1,
  },
);
const heap = s.memoryInfo();
console.log(
  JSON.stringify({
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    before_training_mb: baseline,
    wasm_memory_mb: heap ? heap.memoryBytes / 2 ** 20 : 0,
    wasm_peak_in_use_mb: heap ? heap.peak / 2 ** 20 : 0,
    seconds: (performance.now() - started) / 1000,
  }),
);
