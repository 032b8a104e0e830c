// The command line, run as a user would (through the compiled entry point).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { VERSION } from '../src/index.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;

describe('saddle CLI', () => {
  test('saddle --version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(VERSION);
  });

  test('saddle info --json is one JSON document naming the active kernel', () => {
    const out = execFileSync(process.execPath, [bin, 'info', '--json'], { encoding: 'utf8' });
    const info = JSON.parse(out) as { kernels: { active: string; fusedMultiplyAdd: boolean }; threads: { gemmWorker: boolean }; dtypes: { dtype: string; epsilon: number }[] };
    expect(info.kernels.active).toBe('wasm');
    expect(info.kernels.fusedMultiplyAdd).toBe(true);
    expect(info.threads.gemmWorker).toBe(true);
    expect(info.dtypes.map((d) => d.epsilon)).toEqual([2 ** -52, 2 ** -23]);
  });

  test('an unknown command exits with code 2 and a message, not a stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'bogus'/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
