// npm run bench sweep: issue 14's benchmark. A 21×21 filter-normalised slice of a trained 784-256-10 MLP on 2,000
// digits, by saddle landscape in this thread, on the in-process pool with 1 and 2 workers, and on two saddle worker
// processes through a local Redis; the executors' overhead per job, measured on empty jobs; PyTorch computing the
// same slice in one process (loss-landscape's loop without MPI) as the peer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import * as s from '../dist/index.js';
import { jobPool } from '../dist/cli/sweep-pool.js';
import { queueExecutor } from '../dist/cli/sweep-queue.js';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-sweep-'));
const saddle = (...args) => {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 1_800_000 });
  if (r.status !== 0) throw new Error(`saddle ${args.join(' ')}: ${r.stderr}`);
  return (performance.now() - started) / 1000;
};
const sleep = (ms) => sleepFor(ms);
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

console.log('training the 784-256-10 MLP (1 epoch on 2,000 digits)…');
saddle(
  'train',
  '--model',
  'mlp:784-256-10',
  '--data',
  'mnist',
  '--train',
  '2000',
  '--test',
  '500',
  '--epochs',
  '1',
  '--seed',
  '1',
  '--save',
  'p.safetensors',
);
const slice = [
  'landscape',
  '--params',
  'p.safetensors',
  '--data',
  'mnist',
  '--examples',
  '2000',
  '--grid',
  '21x21',
  '--seed',
  '1',
];
const rows = [];
const inline = saddle(...slice, '--workers', '0');
rows.push(['this thread (2-thread GEMM)', inline]);
for (const w of [1, 2]) rows.push([`pool, ${w} worker${w > 1 ? 's' : ''}`, saddle(...slice, '--workers', String(w))]);

// Redis: a server on a free port, two workers of one thread each.
const port = await new Promise((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});
let overheadQueue = null;
const redisOk = spawnSync('redis-server', ['--version']).status === 0;
if (redisOk) {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (
    let i = 0;
    i < 100 &&
    spawnSync('redis-cli', ['-p', String(port), 'ping'])
      .stdout?.toString()
      .trim() !== 'PONG';
    i++
  )
    await sleep(50);
  const url = `redis://127.0.0.1:${port}`;
  const workers = [1, 2].map(() =>
    spawn(process.execPath, [bin, 'worker', '--queue', url, '--threads', '1'], { stdio: 'ignore' }),
  );
  await sleep(1500);
  rows.push(['2 saddle workers via Redis', saddle(...slice, '--queue', url)]);
  // The queue's own cost: empty jobs through Redis and the two workers.
  const n = 400;
  const executor = await queueExecutor({ url, blobs: new s.BlobSet(), sweep: `empty-${Date.now()}` });
  const jobs = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, spec: { kind: 'empty' } }));
  const started = performance.now();
  let count = 0;
  await executor.run(jobs, { onResult: () => count++, onError: () => {} });
  overheadQueue = (performance.now() - started) / n;
  await executor.close();
  for (const w of workers) w.kill('SIGTERM');
  server.kill('SIGTERM');
  if (count !== n) throw new Error(`${count} of ${n} empty jobs came back`);
}

// The pool's own cost per job.
const pool = jobPool(2);
await Promise.all([
  pool.run({ id: 'w', spec: { kind: 'empty' } }, []),
  pool.run({ id: 'w2', spec: { kind: 'empty' } }, []),
]);
const m = 2000;
let started = performance.now();
await Promise.all(Array.from({ length: m }, (_, i) => pool.run({ id: `e${i}`, spec: { kind: 'empty' } }, [])));
const overheadPool = (performance.now() - started) / m;
await pool.close();

// The peer: PyTorch computing the same slice in one process (1 and 2 threads).
const mnist = await s.loadMnist();
const { train } = s.splitDataset(mnist, { train: 2000, test: 0, seed: 1 });
writeFileSync(join(dir, 'digits.f32'), new Uint8Array(Float32Array.from(train.x.data).buffer));
writeFileSync(join(dir, 'labels.f32'), new Uint8Array(Float32Array.from(train.y.data).buffer));
const torch = (threads) => {
  if (!existsSync('/usr/bin/python3')) return null;
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(root, 'bench/peers/torch_slice.py'),
      join(dir, 'p.safetensors'),
      join(dir, 'digits.f32'),
      join(dir, 'labels.f32'),
      '2000',
      String(threads),
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        OPENBLAS_NUM_THREADS: String(threads),
        OMP_NUM_THREADS: String(threads),
        MKL_NUM_THREADS: String(threads),
      },
    },
  );
  return r.status === 0 ? JSON.parse(r.stdout).seconds : null;
};
const t1 = torch(1);
const t2 = torch(2);

const perPoint = (inline * 1000) / 441;
const peerCells = (t, sec) => (t ? `${fmt(t)} | ${(t / sec).toFixed(2)}×` : '— | —');
console.log(
  '\n21×21 slice of a 784-256-10 MLP on 2,000 digits (441 points; wall time of the whole command, ' +
    'data loading included)',
);
console.log('| executor | seconds | vs this thread | PyTorch loop, 1 thread | ratio | PyTorch, 2 threads | ratio |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, sec] of rows)
  console.log(
    `| ${name} | ${fmt(sec)} | ${(inline / sec).toFixed(2)}× | ${peerCells(t1, sec)} | ${peerCells(t2, sec)} |`,
  );
console.log(`\none grid point in this thread: ${perPoint.toFixed(1)} ms (the command's time over 441 points)`);
console.log(
  `overhead per job, empty jobs: pool of 2 threads ${(overheadPool * 1000).toFixed(0)} µs` +
    (overheadQueue === null
      ? '; Redis: redis-server not installed, skipped'
      : `; BullMQ via local Redis, 2 workers ${overheadQueue.toFixed(2)} ms`) +
    ` (${((100 * (overheadQueue ?? overheadPool)) / perPoint).toFixed(1)}% of a grid point)`,
);
console.log(
  'PyTorch peer: the same 441 evaluations in one Python loop (bench/peers/torch_slice.py); ' +
    'its time excludes start-up and data loading.',
);
process.exit(0);
