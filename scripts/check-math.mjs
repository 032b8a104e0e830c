// Exhaustive check of the float32 WASM transcendental kernels (asm/math.ts): every one of the 2^32 float32 bit
// patterns goes through each kernel and through the reference, Math.fround(UNARY_FUNCTIONS[op](x)) from
// src/core/kernels/elementwise.ts, in chunks spread over worker threads. Printed per function: mismatches (Object.is,
// so NaN = NaN and -0 ≠ +0), the largest distance in float32 ulps, and each mismatching input. The kernels round
// correctly, the reference only nearly (its float64 Math result can sit on the wrong side of a float32 midpoint),
// so each mismatch is then judged by the correctly rounded value from mpmath at 300 bits where python3 has it.
// Run `npm run build:wasm` first; a full run takes several minutes on two cores. With --speed it instead times each
// kernel and the reference loop `for (i) out[i] = f(x[i])` over 10^6 floats in the function's useful range.
//   node scripts/check-math.mjs [--only exp,log,...] [--stride 1] [--workers N] [--json] [--speed]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const FUNCTIONS = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'sin', 'cos'];
const CHUNK = 1 << 22;
const TOTAL = 2 ** 32;
/** Mismatches kept per function for judging by mpmath, and how many of them are printed. */
const EXAMPLES = 2000;
const PRINTED = 20;

/** Float32 bit patterns in an order where adjacent floats differ by one (negatives mirrored below zero). */
function ordered(bits) {
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

/** The WASM runtime and a block of its heap of the given size (byte address). */
async function runtimeWithBlock(bytes) {
  const { wasmRuntime } = await import('../src/core/kernels/wasm/module.ts');
  const { wasmHeap } = await import('../src/core/kernels/wasm/heap.ts');
  const rt = wasmRuntime();
  if (rt === null) throw new Error('check-math: the WASM module did not instantiate');
  return { rt, BASE: wasmHeap().alloc(bytes) };
}

async function work() {
  const { UNARY_FUNCTIONS } = await import('../src/core/kernels/elementwise.ts');
  const { rt, BASE } = await runtimeWithBlock(8 * CHUNK);
  const buffer = rt.memory.buffer;
  const bits = new Uint32Array(buffer, BASE, CHUNK);
  const xs = new Float32Array(buffer, BASE, CHUNK);
  const out = new Float32Array(buffer, BASE + 4 * CHUNK, CHUNK);
  const outBits = new Uint32Array(buffer, BASE + 4 * CHUNK, CHUNK);
  const ref = new Float32Array(CHUNK);
  const refBits = new Uint32Array(ref.buffer);
  parentPort.on('message', ({ op, start, stride }) => {
    if (op === null) return parentPort.close();
    const f = UNARY_FUNCTIONS[op];
    const kernel = rt.exports[`${op}32`];
    const n = Math.min(CHUNK, Math.ceil((TOTAL - start) / stride));
    for (let i = 0; i < n; i++) bits[i] = start + i * stride;
    for (let i = 0; i < n; i++) ref[i] = f(xs[i]);
    kernel(BASE, BASE + 4 * CHUNK, n);
    let mismatches = 0;
    let maxUlp = 0;
    const examples = [];
    for (let i = 0; i < n; i++) {
      if (outBits[i] === refBits[i] || (ref[i] !== ref[i] && out[i] !== out[i])) continue;
      mismatches++;
      const ulp =
        ref[i] !== ref[i] || out[i] !== out[i] ? Infinity : Math.abs(ordered(outBits[i]) - ordered(refBits[i]));
      maxUlp = Math.max(maxUlp, ulp);
      if (examples.length < EXAMPLES) examples.push([xs[i], ref[i], out[i]]);
    }
    parentPort.postMessage({ n, mismatches, maxUlp, examples });
  });
}

/** The correctly rounded float32 values of op at the inputs, from mpmath (null where python3 or mpmath is missing). */
function correctlyRounded(op, inputs) {
  const program = `
import sys, json, struct, mpmath as mp
mp.mp.prec = 300
F = {'exp': mp.exp, 'log': mp.log, 'log1p': mp.log1p, 'tanh': mp.tanh, 'sin': mp.sin, 'cos': mp.cos,
     'sigmoid': lambda x: 1 / (1 + mp.exp(-x)), 'softplus': lambda x: max(x, 0) + mp.log1p(mp.exp(-abs(x)))}
def f32(v): return struct.unpack('<f', struct.pack('<f', v))[0]
def nearest32(y):
    if y == 0: return 0.0
    if abs(y) >= mp.mpf(2) ** 128 - mp.mpf(2) ** 103: return float('inf') if y > 0 else float('-inf')
    big = 3.4028234663852886e38
    c = f32(min(max(float(y), -big), big))
    b = struct.unpack('<i', struct.pack('<f', c))[0]
    near = [struct.unpack('<f', struct.pack('<i', b + d))[0] for d in (-1, 0, 1) if -2**31 <= b + d < 2**31]
    near = [v for v in near if v == v and abs(v) != float('inf')]
    return min(near, key=lambda v: abs(mp.mpf(v) - y))
op, xs = json.load(sys.stdin)
print(json.dumps([nearest32(F[op](mp.mpf(float(x)))) for x in xs]))
`;
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify([op, inputs]), encoding: 'utf8' });
  if (run.status !== 0) return null;
  return JSON.parse(run.stdout);
}

function parseArgs(argv) {
  const options = { only: null, stride: 1, workers: availableParallelism(), json: false, speed: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') options.only = argv[++i].split(',');
    else if (arg === '--stride') options.stride = Number(argv[++i]);
    else if (arg === '--workers') options.workers = Number(argv[++i]);
    else if (arg === '--json') options.json = true;
    else if (arg === '--speed') options.speed = true;
    else {
      const known = '--only, --stride, --workers, --json, --speed';
      throw new Error(`check-math: unknown option '${arg}'; options: ${known}`);
    }
  }
  options.only ??= FUNCTIONS;
  for (const op of options.only)
    if (!FUNCTIONS.includes(op))
      throw new Error(`check-math: unknown function '${op}'; one of ${FUNCTIONS.join(', ')}`);
  if (!(Number.isInteger(options.stride) && options.stride >= 1))
    throw new Error('check-math: --stride is a positive integer');
  return options;
}

async function checkOne(op, options) {
  const jobs = [];
  const span = CHUNK * options.stride;
  for (let start = 0; start < TOTAL; start += span) jobs.push({ op, start, stride: options.stride });
  const total = { op, inputs: 0, mismatches: 0, maxUlp: 0, examples: [], seconds: 0 };
  const began = performance.now();
  const workers = Array.from({ length: options.workers }, () => new Worker(new URL(import.meta.url)));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.on('error', reject);
          const next = () => {
            const job = jobs.pop();
            if (job === undefined) {
              worker.terminate().then(resolve);
              return;
            }
            worker.postMessage(job);
          };
          worker.on('message', (r) => {
            total.inputs += r.n;
            total.mismatches += r.mismatches;
            total.maxUlp = Math.max(total.maxUlp, r.maxUlp);
            total.examples.push(...r.examples.slice(0, EXAMPLES - total.examples.length));
            next();
          });
          next();
        }),
    ),
  );
  total.seconds = (performance.now() - began) / 1000;
  total.examples.sort((a, b) => a[0] - b[0]);
  const truth =
    total.examples.length > 0
      ? correctlyRounded(
          op,
          total.examples.map(([x]) => x),
        )
      : [];
  total.examples = total.examples.map(([x, reference, ours], i) => ({
    x,
    reference,
    ours,
    correctlyRounded: truth === null ? null : truth[i],
    verdict:
      truth === null
        ? 'unjudged'
        : Object.is(truth[i], ours)
          ? 'ours'
          : Object.is(truth[i], reference)
            ? 'reference'
            : 'neither',
  }));
  return total;
}

/** Inputs where each function does its work: exp and the sigmoids over their whole float32 range, log above 0. */
const USEFUL = {
  exp: [-110, 90],
  log: [0, 100],
  log1p: [-1, 10],
  tanh: [-10, 10],
  sigmoid: [-110, 40],
  softplus: [-110, 40],
  sin: [-100, 100],
  cos: [-100, 100],
};

/** The best of ten runs in nanoseconds per element, for the kernel and for the reference loop (own closure each). */
async function speed(only) {
  const { UNARY_FUNCTIONS } = await import('../src/core/kernels/elementwise.ts');
  const n = 1_000_000;
  const { rt, BASE } = await runtimeWithBlock(8 * n);
  const xs = new Float32Array(rt.memory.buffer, BASE, n);
  const out = new Float32Array(n);
  const best = (run) => {
    let t = Infinity;
    for (let r = 0; r < 10; r++) {
      const start = performance.now();
      run();
      t = Math.min(t, performance.now() - start);
    }
    return (t * 1e6) / n;
  };
  const build = rt.relaxed ? 'relaxed' : 'plain';
  console.log(`1e6 float32 values, ns/element (best of 10); ${build} SIMD build`);
  for (const op of only) {
    const [lo, hi] = USEFUL[op];
    let s = 1;
    for (let i = 0; i < n; i++) {
      s = (s * 16807) % 2147483647;
      xs[i] = lo + ((hi - lo) * s) / 2147483647;
    }
    const name = `${op}32`;
    const kernel = rt.exports[name];
    const ours = best(() => kernel(BASE, BASE + 4 * n, n));
    const loop = new Function('f', 'x', 'out', 'for (let i = 0; i < x.length; i++) out[i] = f(x[i]);');
    const reference = best(() => loop(UNARY_FUNCTIONS[op], xs, out));
    const ratio = (reference / ours).toFixed(1);
    console.log(`${name.padEnd(11)} ours ${ours.toFixed(2)}  reference ${reference.toFixed(2)}  ratio ${ratio}`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.speed) return speed(options.only);
  const results = [];
  for (const op of options.only) {
    const r = await checkOne(op, options);
    results.push(r);
    if (options.json) continue;
    const ulp = r.maxUlp === Infinity ? 'NaN vs number' : `${r.maxUlp} ulp`;
    const seconds = r.seconds.toFixed(0);
    console.log(`${(op + '32').padEnd(11)} ${r.inputs} inputs  ${r.mismatches} mismatches  max ${ulp}  (${seconds} s)`);
    if (r.examples.length > 0) {
      const count = (v) => r.examples.filter((e) => e.verdict === v).length;
      const verdicts = ['ours', 'reference', 'neither', 'unjudged'].map((v) => `${count(v)} ${v}`).join(', ');
      console.log(`  judged ${r.examples.length} (correctly rounded: ${verdicts})`);
    }
    for (const e of r.examples.slice(0, PRINTED)) {
      const cr = e.correctlyRounded === null ? '' : `  correctly rounded ${e.correctlyRounded}: ${e.verdict} right`;
      console.log(`  x = ${e.x}  reference ${e.reference}  ours ${e.ours}${cr}`);
    }
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
  const wrong = results.some(
    (r) => r.maxUlp > 1 || r.examples.some((e) => e.verdict === 'reference' || e.verdict === 'neither'),
  );
  process.exitCode = wrong ? 1 : 0;
}

if (isMainThread) await main();
else await work(workerData);
