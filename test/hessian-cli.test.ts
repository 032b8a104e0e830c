// `saddle hessian`: the JSON document, a PyTorch-written network analysed as it is, and bad
// input answered with exit code 2 and a message that says what to change. Runs the built CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  crossEntropyLoss,
  curvatureOperator,
  decodeSafetensors,
  eigenpairs,
  loadIris,
  mlpFromStateDict,
} from '../src/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'hessian', ...args], { encoding: 'utf8', timeout: 120_000 });
const torchNet = new URL('../fixtures/torch_mlp_f64.safetensors', import.meta.url).pathname;

describe('saddle hessian', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-hessian-'));

  test("--json gives the issue's document for a PyTorch-written network; λ_max is the library's", async () => {
    const svg = join(dir, 'density.svg');
    const r = run(
      '--params',
      torchNet,
      '--data',
      'iris',
      '--activation',
      'tanh',
      '--dtype',
      'float64',
      '--top',
      '3',
      '--bottom',
      '1',
      '--trace',
      '--probes',
      '20',
      '--density',
      '--slq-steps',
      '20',
      '--layers',
      '--gradient',
      '--spread',
      '3',
      '--batch',
      '40',
      '--tol',
      '1e-8',
      '--json',
      '--plot',
      svg,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'model',
        'data',
        'kind',
        'dtype',
        'lossNormalization',
        'top',
        'bottom',
        'trace',
        'density',
        'negativeMass',
        'ratio',
        'outliers',
        'layers',
        'hvps',
        'seconds',
      ]),
    );
    expect(doc).toMatchObject({
      model: 'mlp:4-5-3',
      data: { name: 'iris', examples: 150 },
      kind: 'hessian',
      dtype: 'float64',
      parameters: 43,
    });
    expect(doc.top).toHaveLength(3);
    expect(doc.top[0]).toEqual({
      value: expect.any(Number),
      residual: expect.any(Number),
      bound: expect.any(Number),
      converged: true,
    });
    expect(doc.trace).toMatchObject({ probes: 20, method: 'hutchinson' });
    expect(doc.density).toMatchObject({ runs: 1, steps: 20 });
    expect(doc.layers.map((l: { name: string }) => l.name)).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(doc.spread.values).toHaveLength(3);
    expect(doc.gradient.fractionInTop).toBeGreaterThanOrEqual(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    // The same number from the library directly.
    const params = mlpFromStateDict(decodeSafetensors(readFileSync(torchNet)).tensors);
    const op = curvatureOperator({
      loss: crossEntropyLoss({ activation: 'tanh' }),
      params,
      data: await loadIris(),
      batchSize: 40,
    });
    expect(doc.top[0].value).toBeCloseTo(eigenpairs(op, { top: 3, bottom: 1, seed: 1, tol: 1e-8 }).top[0].value, 10);
  });

  test('--save-vectors writes unit eigenvectors with torch names, one set per eigenvalue', () => {
    const file = join(dir, 'vectors.safetensors');
    const r = run(
      '--params',
      torchNet,
      '--data',
      'iris',
      '--activation',
      'tanh',
      '--dtype',
      'float64',
      '--top',
      '2',
      '--bottom',
      '1',
      '--save-vectors',
      file,
    );
    expect(r.status).toBe(0);
    const { tensors, metadata } = decodeSafetensors(readFileSync(file));
    expect(Object.keys(tensors).sort()).toEqual(
      ['bottom1', 'top1', 'top2']
        .flatMap((p) => ['0.bias', '0.weight', '2.bias', '2.weight'].map((n) => `${p}.${n}`))
        .sort(),
    );
    expect(tensors['top1.0.weight'].shape).toEqual([5, 4]);
    const norm = ['0.bias', '0.weight', '2.bias', '2.weight'].reduce(
      (a, n) => a + Array.from(tensors[`top1.${n}`].data).reduce((b, x) => b + x * x, 0),
      0,
    );
    expect(norm).toBeCloseTo(1, 10);
    expect(metadata).toMatchObject({ model: 'mlp:4-5-3', kind: 'hessian' });
  });

  test('the same seed gives the same bytes (timing aside)', () => {
    const args = [
      '--model',
      'mlp:4-6-3',
      '--data',
      'iris',
      '--examples',
      '90',
      '--seed',
      '3',
      '--top',
      '2',
      '--trace',
      '--probes',
      '10',
      '--json',
    ];
    const strip = (s: string) => s.replace(/"seconds": [0-9.e+-]+/g, '');
    expect(strip(run(...args).stdout)).toBe(strip(run(...args).stdout));
  });

  test.each([
    [['--model', 'mlp:4-5-3', '--data', 'iris', '--kind', 'newton'], /--kind.*newton.*hessian, ggn, fisher/],
    [['--model', 'mlp:5-5-3', '--data', 'iris'], /input size 5 does not match the data's 4 features/],
    [['--params', torchNet, '--model', 'mlp:4-6-3', '--data', 'iris'], /does not match .* mlp:4-5-3/],
    [
      ['--params', join(dir, 'missing.safetensors'), '--data', 'iris'],
      /cannot read .*missing.safetensors: no such file/,
    ],
    [
      ['--model', 'mlp:4-5-3', '--data', 'iris', '--examples', '500', '--seed', '1'],
      /--examples 500: the data has 150 rows/,
    ],
    [
      ['--model', 'mlp:4-5-3', '--data', 'iris', '--select', 'layer1'],
      /--select: 'layer1' is not all, weights, biases/,
    ],
    [
      ['--model', 'mlp:4-5-3', '--data', 'iris', '--tol', '2'],
      /'--tol <r>' argument '2' is invalid\. It must be a number in \(0, 1\)/,
    ],
    [['--data', 'iris'], /give --params <file> or --model/],
  ])('bad input %j exits 2 with a message', (args, message) => {
    const r = run(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
