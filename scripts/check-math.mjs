// Exhaustive check of the float32 WASM transcendental kernels (asm/math.ts): every one of the 2^32 float32 bit
// patterns goes through each kernel and through the reference, Math.fround(UNARY_FUNCTIONS[op](x)) from
// src/core/kernels/elementwise.ts, in chunks spread over worker threads. Printed per function: mismatches (Object.is,
// so NaN = NaN and -0 ≠ +0), the largest distance in float32 ulps, and each mismatching input. The kernels round
// correctly, the reference only nearly (its float64 Math result can sit on the wrong side of a float32 midpoint),
// so each mismatch is then judged by the correctly rounded value from mpmath at 300 bits where python3 has it.
// Run `npm run build:wasm` first; a full run takes several minutes on two cores. With --speed it instead times each
// kernel and the reference loop `for (i) out[i] = f(x[i])` over 10^6 floats in the function's useful range.
// With --float64 it checks the float64 kernels instead, on 2^20 random bit patterns and 2^20 values in the useful
// range per function, against numpy's long double (64-bit significand): the largest error in ulps of the exact
// value, for the kernel and for Math, and how often the two differ.
//   node scripts/check-math.mjs [--only exp,log,...] [--stride 1] [--workers N] [--json] [--speed] [--float64]
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const FUNCTIONS = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'sin', 'cos'];
const FUNCTIONS64 = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus'];
const CHUNK = 1 << 22;
const TOTAL = 2 ** 32;
/** Mismatches kept per function for judging by mpmath, and how many of them are printed. */
const EXAMPLES = 2000;
const PRINTED = 20;

/** Float32 bit patterns in an order where adjacent floats differ by one (negatives mirrored below zero). */
function ordered(bits) {
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

async function work() {
  const { UNARY_FUNCTIONS } = await import('../src/core/kernels/elementwise.ts');
  const { wasmRuntime, ensureMemory, BASE } = await import('../src/core/kernels/wasm/module.ts');
  const rt = wasmRuntime();
  if (rt === null) throw new Error('check-math: the WASM module did not instantiate');
  const buffer = ensureMemory(rt, BASE + 8 * CHUNK);
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
  const options = { only: null, stride: 1, workers: availableParallelism(), json: false, speed: false, float64: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') options.only = argv[++i].split(',');
    else if (arg === '--stride') options.stride = Number(argv[++i]);
    else if (arg === '--workers') options.workers = Number(argv[++i]);
    else if (arg === '--json') options.json = true;
    else if (arg === '--speed') options.speed = true;
    else if (arg === '--float64') options.float64 = true;
    else {
      const known = '--only, --stride, --workers, --json, --speed, --float64';
      throw new Error(`check-math: unknown option '${arg}'; options: ${known}`);
    }
  }
  const names = options.float64 ? FUNCTIONS64 : FUNCTIONS;
  options.only ??= names;
  for (const op of options.only)
    if (!names.includes(op)) throw new Error(`check-math: unknown function '${op}'; one of ${names.join(', ')}`);
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
const USEFUL64 = {
  exp: [-746, 710],
  log: [0, 1000],
  log1p: [-1, 10],
  tanh: [-20, 20],
  sigmoid: [-750, 40],
  softplus: [-750, 40],
};

/** The best of ten runs in nanoseconds per element, for the kernel and for the reference loop (own closure each). */
/** The best of ten runs in nanoseconds per element, for the kernel and for the reference loop (own closure each). */
async function speed(only, float64) {
  const { UNARY_FUNCTIONS } = await import('../src/core/kernels/elementwise.ts');
  const { wasmRuntime, ensureMemory, BASE } = await import('../src/core/kernels/wasm/module.ts');
  const rt = wasmRuntime();
  const n = 1_000_000;
  const Floats = float64 ? Float64Array : Float32Array;
  const bytes = Floats.BYTES_PER_ELEMENT;
  const buffer = ensureMemory(rt, BASE + 2 * bytes * n);
  const xs = new Floats(buffer, BASE, n);
  const out = new Floats(n);
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
  console.log(`1e6 ${float64 ? 'float64' : 'float32'} values, ns/element (best of 10); ${build} SIMD build`);
  for (const op of only) {
    const [lo, hi] = USEFUL[op];
    let s = 1;
    for (let i = 0; i < n; i++) {
      s = (s * 16807) % 2147483647;
      xs[i] = lo + ((hi - lo) * s) / 2147483647;
    }
    const name = `${op}${float64 ? 64 : 32}`;
    const kernel = rt.exports[name];
    const ours = best(() => kernel(BASE, BASE + bytes * n, n));
    const loop = new Function('f', 'x', 'out', 'for (let i = 0; i < x.length; i++) out[i] = f(x[i]);');
    const reference = best(() => loop(UNARY_FUNCTIONS[op], xs, out));
    const ratio = (reference / ours).toFixed(1);
    console.log(`${name.padEnd(11)} ours ${ours.toFixed(2)}  reference ${reference.toFixed(2)}  ratio ${ratio}`);
  }
}

/** Errors in ulps against numpy's long double, for the float64 kernels and for Math (the reference). */
async function check64(only) {
  const { UNARY_FUNCTIONS } = await import('../src/core/kernels/elementwise.ts');
  const { wasmRuntime, ensureMemory, BASE } = await import('../src/core/kernels/wasm/module.ts');
  const rt = wasmRuntime();
  const n = 1 << 20;
  const buffer = ensureMemory(rt, BASE + 16 * n);
  const xs = new Float64Array(buffer, BASE, n);
  const words = new Uint32Array(buffer, BASE, 2 * n);
  const out = new Float64Array(buffer, BASE + 8 * n, n);
  const program = `
import sys, numpy as np
n = ${n}
def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
F = {'exp': np.exp, 'log': np.log, 'log1p': np.log1p, 'tanh': np.tanh, 'sigmoid': sigmoid,
     'softplus': lambda x: np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))}
op = sys.argv[1]
x, ours, ref = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float64).reshape(3, n)
with np.errstate(all='ignore'):
    t = F[op](x.astype(np.longdouble))
    big = np.longdouble(np.finfo(np.float64).max)
    ok = np.isfinite(t) & (t != 0) & (np.abs(t) <= big)
    same_special = ~ok & ((ours == ref) | (np.isnan(ours) & np.isnan(ref)))
    m, e = np.frexp(t[ok])
    ulp = np.ldexp(np.longdouble(1), np.maximum(e - 53, -1074))
    eo = np.abs(ours[ok].astype(np.longdouble) - t[ok]) / ulp
    er = np.abs(ref[ok].astype(np.longdouble) - t[ok]) / ulp
print(int(ok.sum()), float(eo.max()), int((eo > 0.5).sum()), float(er.max()), int((er > 0.5).sum()),
      int((ours[ok] != ref[ok]).sum()), int((~ok).sum() - same_special.sum()))
`;
  for (const op of only) {
    const f = UNARY_FUNCTIONS[op];
    const [lo, hi] = USEFUL64[op];
    let s = 12345;
    const next = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    for (const sample of ['random bit patterns', `uniform in [${lo}, ${hi}]`]) {
      if (sample.startsWith('random')) for (let i = 0; i < 2 * n; i++) words[i] = next();
      else for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * next()) / 2 ** 32;
      rt.exports[`${op}64`](BASE, BASE + 8 * n, n);
      const reference = Float64Array.from(xs, f);
      const input = Buffer.concat([xs, out, reference].map((a) => Buffer.from(a.buffer, a.byteOffset, 8 * n)));
      const run = spawnSync('python3', ['-c', program, op], { input, encoding: 'utf8', maxBuffer: 1 << 20 });
      if (run.status !== 0) throw new Error(`check-math: python3 with numpy is needed for --float64\n${run.stderr}`);
      const [finite, ours, oursOver, math, mathOver, differ, special] = run.stdout.trim().split(' ').map(Number);
      console.log(
        `${(op + '64').padEnd(8)} ${sample}: ${finite} finite results; ours max ${ours.toFixed(3)} ulp ` +
          `(${oursOver} above 0.5), Math max ${math.toFixed(3)} ulp (${mathOver} above 0.5); differ from Math ` +
          `${differ}; special values unlike Math ${special}`,
      );
    }
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.speed) return speed(options.only, options.float64);
  if (options.float64) return check64(options.only);
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
