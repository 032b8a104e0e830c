// Sweeps: the same bytes from this thread, from pools of worker threads and from saddle workers through a real
// Redis (test/helpers/redis.ts); a worker killed in the middle of a job, a coordinator killed and restarted, a job
// that fails by itself, and Redis unreachable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, type RedisServer } from './helpers/redis.js';
import { parseSweepSpec } from '../src/cli/sweep.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const saddle = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 180_000 });
const dir = mkdtempSync(join(tmpdir(), 'saddle-sweep-'));
const at = (name: string) => join(dir, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A grid saddle landscape wrote, without its timing (the one field that may differ between runs). */
const gridOf = (path: string) => {
  const { seconds: _, ...doc } = JSON.parse(readFileSync(path, 'utf8'));
  return doc;
};

/** A sweep of training runs; `train: 100000` asks for more digits than MNIST has: that job fails by itself. */
function writeSpec(
  name: string,
  seeds: number[],
  options: { failing?: boolean; epochs?: number; examples?: number } = {},
) {
  const path = at(name);
  const spec = {
    command: 'train',
    base: {
      model: 'mlp:784-16-10',
      train: options.examples ?? 600,
      test: 200,
      epochs: options.epochs ?? 1,
      optimizer: 'sgd',
      lr: 0.1,
    },
    grid: { batch: [64, 128], ...(options.failing ? { train: [options.examples ?? 600, 100000] } : {}) },
    seeds,
  };
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

let redis: RedisServer;
const workers: ChildProcess[] = [];
const logs = new Map<ChildProcess, string>();
function startWorker(...extra: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [bin, 'worker', '--queue', redis.url, '--threads', '1', '--verbose', ...extra],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  logs.set(child, '');
  child.stderr!.on('data', (d) => logs.set(child, logs.get(child) + String(d)));
  workers.push(child);
  return child;
}
const stopWorker = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
async function waitFor(what: () => boolean, ms = 60_000) {
  for (let t = 0; t < ms && !what(); t += 25) await sleep(25);
  expect(what()).toBe(true);
}
const doneIds = (child: ChildProcess) => [...(logs.get(child) ?? '').matchAll(/^done (\S+)/gm)].map((m) => m[1]);

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
});

describe('saddle sweep', () => {
  test('the same lines from 0-4 threads and two Redis workers; a failing job reported, the rest go on', async () => {
    const spec = writeSpec('same.json', [1, 2], { failing: true });
    const outputs = [0, 1, 2, 4].map((n) => {
      const out = at(`same-${n}.jsonl`);
      const r = saddle('sweep', spec, '--workers', String(n), '--out', out);
      expect(r.status, r.stderr).toBe(1); // one job fails by itself
      expect(r.stdout).toMatch(/failed batch=64,train=100000,seed=1: train: 100000 \+ 200 examples; the data has/);
      return readFileSync(out, 'utf8');
    });
    expect(new Set(outputs).size).toBe(1);
    const lines = outputs[0]
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines.filter((l) => l.error)).toHaveLength(4);
    expect(lines.filter((l) => l.result)).toHaveLength(4);
    // A job's result is saddle train's, bit for bit.
    const train = JSON.parse(
      saddle(
        'train',
        '--model',
        'mlp:784-16-10',
        '--train',
        '600',
        '--test',
        '200',
        '--epochs',
        '1',
        '--optimizer',
        'sgd',
        '--lr',
        '0.1',
        '--batch',
        '64',
        '--seed',
        '2',
        '--json',
      ).stdout,
    );
    const { seconds: _, ...final } = train.final;
    expect(lines.find((l) => l.id === 'batch=64,train=600,seed=2').result.final).toEqual(final);

    const a = startWorker();
    const b = startWorker();
    const out = at('same-redis.jsonl');
    const r = saddle('sweep', spec, '--queue', redis.url, '--out', out);
    expect(r.status, r.stderr).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(outputs[0]);
    // Their logs arrive through pipes this process reads while it waits.
    await waitFor(() => doneIds(a).length + doneIds(b).length >= 4, 10_000);
    await sleep(300);
    expect(doneIds(a).length + doneIds(b).length).toBe(4);
    await Promise.all([stopWorker(a), stopWorker(b)]);
  }, 180_000);

  test('a training sweep that tracks sharpness: the table and the figure put the final λ_max beside 2/η', () => {
    const spec = at('sharpness.json');
    writeFileSync(
      spec,
      JSON.stringify({
        command: 'train',
        base: {
          model: 'mlp:4-8-3',
          data: 'iris',
          train: 100,
          test: 50,
          epochs: 10,
          batch: 100,
          optimizer: 'sgd',
          trackSharpness: 5,
        },
        grid: { lr: [0.5, 1] },
        seeds: [1, 2],
      }),
    );
    const svg = at('sharpness.svg');
    const r = saddle('sweep', spec, '--out', at('sharpness.jsonl'), '--plot', svg, '--json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.map((s: { setting: string }) => s.setting)).toEqual(['lr=0.5', 'lr=1']);
    for (const s of doc.summary) {
      expect(s.sharpness.twoOverEta).toBe(s.setting === 'lr=0.5' ? 4 : 2);
      expect(s.sharpness.mean).toBeGreaterThan(0);
    }
    const figure = readFileSync(svg, 'utf8');
    expect(figure).toMatch(/Final sharpness against 2\/η/);
    expect(figure).toMatch(/test accuracy against the seed/);
  }, 60_000);

  test('a reproduce sweep: an experiment over its controls × seeds, each result saddle reproduce’s own', () => {
    const spec = at('reproduce.json');
    writeFileSync(
      spec,
      JSON.stringify({ command: 'reproduce', experiment: 'random-matrix', grid: { k: [3, 5] }, seeds: [1, 2] }),
    );
    const [pool, inline] = [2, 0].map((n) => {
      const out = at(`reproduce-${n}.jsonl`);
      const r = saddle('sweep', spec, '--workers', String(n), '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^random-matrix: 4 runs/);
      return readFileSync(out, 'utf8');
    });
    expect(pool).toBe(inline);
    const first = JSON.parse(pool.split('\n')[0]);
    expect(first.id).toBe('k=3,seed=1');
    const report = at('reproduce-report');
    expect(
      saddle(
        'reproduce',
        '--only',
        'random-matrix',
        '--set',
        'random-matrix.k=3',
        '--seed',
        '1',
        '--quick',
        '--out',
        report,
      ).status,
    ).toBe(0);
    const own = JSON.parse(readFileSync(join(report, 'random-matrix', 'result.json'), 'utf8'));
    expect(first.result.numbers).toEqual(own.numbers);
    expect(first.result.verdict).toBe(own.verdict);
    expect(first.result.reasons).toEqual(own.reasons);
  }, 60_000);

  test('a hessian sweep: λ_max over example counts × seeds, each saddle hessian’s own', () => {
    const params = at('iris.safetensors');
    const trained = saddle(
      'train',
      '--model',
      'mlp:4-8-3',
      '--data',
      'iris',
      '--train',
      '120',
      '--test',
      '30',
      '--epochs',
      '20',
      '--save',
      params,
    );
    expect(trained.status, trained.stderr).toBe(0);
    const spec = at('hessian.json');
    writeFileSync(
      spec,
      JSON.stringify({
        command: 'hessian',
        params: 'iris.safetensors',
        base: { data: 'iris', top: 2, bottom: 1 },
        grid: { examples: [40, 150] },
        seeds: [1, 2],
      }),
    );
    const out = at('hessian.jsonl');
    const r = saddle('sweep', spec, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/examples=40 +λ_max/);
    const line = readFileSync(out, 'utf8')
      .split('\n')
      .map((l) => l && JSON.parse(l))
      .find((l) => l.id === 'examples=40,seed=2');
    const own = JSON.parse(
      saddle(
        'hessian',
        '--params',
        params,
        '--data',
        'iris',
        '--examples',
        '40',
        '--top',
        '2',
        '--bottom',
        '1',
        '--seed',
        '2',
        '--json',
      ).stdout,
    );
    expect(line.result.top).toEqual(own.top);
    expect(line.result.bottom).toEqual(own.bottom);
  }, 60_000);

  test('a worker killed in the middle of a job: the job is done elsewhere, counted once, same results', async () => {
    const spec = writeSpec('kill-worker.json', [11, 12], { epochs: 2, examples: 2000 });
    const reference = at('kill-worker-pool.jsonl');
    expect(saddle('sweep', spec, '--workers', '2', '--out', reference).status).toBe(0);
    const victim = startWorker('--lock', '1');
    const out = at('kill-worker.jsonl');
    const coordinator = spawn(process.execPath, [bin, 'sweep', spec, '--queue', redis.url, '--out', out], {
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => coordinator.on('exit', (code) => resolve(code)));
    await waitFor(() => /^start (\S+)/m.test(logs.get(victim) ?? ''));
    const killed = /^start (\S+)/m.exec(logs.get(victim)!)![1];
    victim.kill('SIGKILL');
    const rescuer = startWorker('--lock', '1');
    expect(await exited).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(reference, 'utf8'));
    expect(doneIds(victim)).not.toContain(killed);
    await waitFor(() => doneIds(rescuer).includes(killed), 10_000);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(4);
    await stopWorker(rescuer);
  }, 180_000);

  test('a coordinator killed and restarted with --resume finishes without redoing finished jobs', async () => {
    const spec = writeSpec('kill-coordinator.json', [21, 22, 23], { epochs: 2, examples: 2000 });
    const reference = at('kill-coordinator-pool.jsonl');
    expect(saddle('sweep', spec, '--workers', '2', '--out', reference).status).toBe(0);
    const worker = startWorker();
    const out = at('kill-coordinator.jsonl');
    const first = spawn(process.execPath, [bin, 'sweep', spec, '--queue', redis.url, '--out', out], {
      stdio: 'ignore',
    });
    await waitFor(() => existsSync(out) || doneIds(worker).length >= 2);
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const again = saddle('sweep', spec, '--queue', redis.url, '--out', out, '--resume');
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(reference, 'utf8'));
    // Every job computed once: the restart found the finished ones in Redis or in --out.
    await waitFor(() => doneIds(worker).length >= 6, 10_000);
    await sleep(500);
    const done = doneIds(worker);
    expect(done).toHaveLength(6);
    expect(new Set(done).size).toBe(6);
    await stopWorker(worker);
  }, 180_000);

  test('bad specs and an unreachable Redis: exit 2 and a message that says what to change', () => {
    const bad: [unknown, RegExp][] = [
      [{ command: 'hess' }, /saddle sweep runs "train", "reproduce" and "hessian" sweeps/],
      [{ command: 'hessian' }, /a hessian sweep names its network/],
      [
        { command: 'hessian', params: 'p.safetensors', grid: { kind: ['hessian', 'gnn'] } },
        /grid.kind\[1\]: "gnn" should be one of hessian, ggn, fisher/,
      ],
      [
        { command: 'reproduce', experiment: 'random-matrix', grid: { k: [0] } },
        /grid.k\[0\]: .* 0 is outside \[2, 9\]/,
      ],
      [{ command: 'reproduce', experiment: 'no-such' }, /no experiment 'no-such'/],
      [{ command: 'train', base: { lr: -1 } }, /base.lr: -1 should be a number in \(0, 1e6\]/],
      [{ command: 'train', grid: { optimizer: ['adam', 'newton'] } }, /grid.optimizer\[1\]: 'newton' is not valid/],
      [{ command: 'train', grid: { speed: [1] } }, /'speed' is not a setting/],
      [{ command: 'train', seeds: [1, 1] }, /seeds repeat a seed/],
      [{ command: 'train', grid: { lr: [] } }, /grid.lr should be a non-empty list/],
    ];
    // The spec's checks in this process (the built CLI's own function), one of them through the command too.
    for (const [spec, message] of bad)
      expect(() => parseSweepSpec(JSON.stringify(spec), 'spec.json'), JSON.stringify(spec)).toThrow(message);
    const path = at('bad.json');
    writeFileSync(path, JSON.stringify(bad[5][0]));
    const r = saddle('sweep', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(bad[5][1]);
    const spec = writeSpec('unreachable.json', [1]);
    for (const args of [
      ['sweep', spec, '--queue', 'redis://127.0.0.1:1'],
      ['worker', '--queue', 'redis://127.0.0.1:1'],
    ]) {
      const r = saddle(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    }
  }, 60_000);
});

describe('saddle landscape --queue', () => {
  test('a CSV file travels to the workers through Redis: the same grid as the pool', async () => {
    const csv = new URL('../fixtures/iris.csv', import.meta.url).pathname;
    const params = at('csv-net.safetensors');
    const trained = saddle(
      'train',
      '--model',
      'mlp:4-6-3',
      '--data',
      csv,
      '--target',
      'species',
      '--train',
      '100',
      '--test',
      '50',
      '--epochs',
      '5',
      '--save',
      params,
    );
    expect(trained.status, trained.stderr).toBe(0);
    const args = [
      'landscape',
      '--params',
      params,
      '--data',
      csv,
      '--target',
      'species',
      '--standardize',
      '--examples',
      '100',
      '--test',
      '50',
      '--grid',
      '5x5',
    ];
    const pool = at('csv-pool.json');
    expect(saddle(...args, '--out', pool).status).toBe(0);
    const worker = startWorker();
    const queued = at('csv-queue.json');
    const r = saddle(...args, '--out', queued, '--queue', redis.url);
    expect(r.status, r.stderr).toBe(0);
    expect(gridOf(queued)).toEqual(gridOf(pool));
    expect(gridOf(queued).settings.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    await stopWorker(worker);
  }, 60_000);

  test('two workers through Redis give the bytes of the pool, for many quick points', async () => {
    // Points of ~10 ms: jobs finish while the coordinator is still looking at the ones it submitted (a job read
    // while active and found completed a moment later once came back without its result).
    const params = at('net.safetensors');
    const trained = saddle(
      'train',
      '--model',
      'mlp:784-256-10',
      '--data',
      'mnist',
      '--train',
      '2000',
      '--test',
      '100',
      '--epochs',
      '1',
      '--save',
      params,
    );
    expect(trained.status, trained.stderr).toBe(0);
    const args = ['landscape', '--params', params, '--data', 'mnist', '--examples', '2000', '--grid', '10x10'];
    const pool = at('landscape-pool.json');
    expect(saddle(...args, '--out', pool).status).toBe(0);
    const a = startWorker();
    const b = startWorker();
    const queued = at('landscape-queue.json');
    const r = saddle(...args, '--out', queued, '--queue', redis.url);
    expect(r.status, r.stderr).toBe(0);
    expect(gridOf(queued)).toEqual(gridOf(pool));
    await waitFor(() => doneIds(a).length + doneIds(b).length >= 100, 10_000);
    await sleep(300);
    expect(doneIds(a).length + doneIds(b).length).toBe(100);
    await Promise.all([stopWorker(a), stopWorker(b)]);
  }, 120_000);
});
