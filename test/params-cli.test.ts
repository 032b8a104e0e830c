// `saddle train --save` as .safetensors (PyTorch nn.Sequential names) or .json, and reading both back
// (src/cli/params.ts).
// Runs the built CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../src/cli/arguments.js';
import { readParams, writeParams } from '../src/cli/params.js';
import { decodeSafetensors, mlp, Rng, VERSION } from '../src/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const iris = ['--model', 'mlp:4-5-3', '--data', 'iris', '--train', '100', '--test', '50', '--epochs', '1'];
const train = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'train', ...iris, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('saddle train --save', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-params-'));

  test('--save p.safetensors writes torch names and shapes, metadata, and the same numbers as --save p.json', () => {
    const a = train('--save', join(dir, 'p.safetensors'));
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const { tensors, metadata } = decodeSafetensors(readFileSync(join(dir, 'p.safetensors')));
    expect(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual({
      '0.weight': ['float64', [5, 4]],
      '0.bias': ['float64', [5]],
      '2.weight': ['float64', [3, 5]],
      '2.bias': ['float64', [3]],
    });
    expect(metadata).toEqual({ format: 'pt', model: 'mlp:4-5-3', activation: 'relu', saddle_version: VERSION });

    expect(train('--save', join(dir, 'p.json')).status).toBe(0);
    const fromTorch = readParams(join(dir, 'p.safetensors'));
    const fromJson = readParams(join(dir, 'p.json'));
    for (const file of [fromTorch, fromJson]) {
      expect(file.sizes).toEqual([4, 5, 3]);
      expect(file.model).toBe('mlp:4-5-3');
      expect(file.activation).toBe('relu');
    }
    fromTorch.params.layers.forEach((l, k) => {
      expect(l.w.toArray()).toEqual(fromJson.params.layers[k].w.toArray());
      expect(l.b.toArray()).toEqual(fromJson.params.layers[k].b.toArray());
    });
    expect(readdirSync(dir).sort()).toEqual(['p.json', 'p.safetensors']);
  });

  test('--save p.txt exits 2 before training, naming both formats', () => {
    const r = train('--save', join(dir, 'p.txt'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--save: .*p\.txt should be a \.safetensors file .* or a \.json file/);
    expect(r.stdout).toBe('');
  });
});

describe('readParams and writeParams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-params-'));
  const params = mlp([3, 4, 2], { rng: new Rng(5), dtype: 'float32' });

  test('readParams(writeParams(p)) is p, in both formats', () => {
    for (const name of ['q.safetensors', 'q.json']) {
      writeParams(join(dir, name), params, { model: 'mlp:3-4-2', activation: 'tanh' });
      const back = readParams(join(dir, name));
      expect(back).toMatchObject({ sizes: [3, 4, 2], model: 'mlp:3-4-2', activation: 'tanh' });
      back.params.layers.forEach((l, k) => {
        expect(l.w.dtype).toBe('float32');
        expect(l.w.toArray()).toEqual(params.layers[k].w.toArray());
      });
    }
  });

  test.each([
    ['bad.safetensors', 'not safetensors at all', /bad\.safetensors: the header length is \d+ bytes, more than/],
    ['short.safetensors', 'abc', /short\.safetensors: 3 bytes is too short/],
    ['bad.json', '{"layers": [{"w": 1}]}', /bad\.json: layers\[0\]\.w is not \{shape/],
    ['broken.json', '{"layers": [', /broken\.json: not valid JSON/],
    ['q.npz', '', /q\.npz should be a \.safetensors file/],
  ])('readParams(%s) is a UsageError naming the file', (name, content, message) => {
    writeFileSync(join(dir, name), content);
    expect(() => readParams(join(dir, name))).toThrow(UsageError);
    expect(() => readParams(join(dir, name))).toThrow(message);
  });

  test('readParams of a missing file says so', () => {
    expect(() => readParams(join(dir, 'none.safetensors'))).toThrow(/cannot read .*none\.safetensors: no such file/);
  });
});
