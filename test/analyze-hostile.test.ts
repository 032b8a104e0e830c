// `saddle analyze` on hostile input, run from source as a user runs it: it ends, with an answer that marks
// what is not proved in the text and in the JSON, and an expression starting with '-' is accepted.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', main, 'analyze', ...args], { encoding: 'utf8', timeout: 30_000 });

interface Side {
  value: number;
  certified: boolean;
  reason?: string;
  bound?: number;
}
const json = (...args: string[]) => {
  const r = run(...args, '--json');
  expect(r.status).toBe(0);
  expect(r.stdout).not.toMatch(/null/);
  return JSON.parse(r.stdout) as {
    complete: boolean;
    unresolved: { kind: string; boxes: number }[];
    globalMinimum: Side;
    globalMaximum: Side;
    boxesExamined: number;
    workBudget: number;
  };
};

describe('saddle analyze on hostile input', () => {
  test.each([
    ['relu(x)', 'x=-1:1', 'flat'],
    ['0*x', 'x=-1:1', 'flat'],
    ['x^2+0*y', 'x=-1:1,y=-1:1', 'continuum'],
    ['x*y^2', 'x=-1:1,y=-1:1', 'limit'],
  ])(
    '%s on %s ends within its work budget and reports a %s region',
    (text, box, kind) => {
      const d = json(text, '--box', box);
      expect(d.complete).toBe(false);
      expect(d.boxesExamined).toBeLessThanOrEqual(d.workBudget);
      expect(d.unresolved.map((u) => u.kind)).toContain(kind);
      expect(d.unresolved.length).toBeLessThan(5);
    },
    40_000,
  );

  test('abs(x): the minimum at the kink is found (not "global minimum 1 at x = -1")', () => {
    const r = run('abs(x)', '--box', 'x=-1:1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/global minimum \d(\.\d+)?e-1\d at x = -?\d(\.\d+)?e-1\d \(interior, certified\)/);
    expect(r.stdout).toMatch(/global maximum 1 at x = -1 \(on the boundary, certified\)/);
  }, 40_000);

  test('1/cos(x) on 0.1:3: both extrema are NOT certified, in the text table and in the JSON, with the reason', () => {
    const r = run('1/cos(x)', '--box', 'x=0.1:3');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /global minimum .* NOT certified: f has no finite lower bound where the search could not resolve/,
    );
    expect(r.stdout).toMatch(/global maximum .* NOT certified: f has no finite upper bound/);
    const d = json('1/cos(x)', '--box', 'x=0.1:3');
    for (const side of [d.globalMinimum, d.globalMaximum]) {
      expect(side.certified).toBe(false);
      expect(side.reason).toMatch(/x ∈ \[1\.5707963/);
    }
  }, 40_000);

  test('x^2 on ±1e300 and cosh(x) on ±1000: the overflowing maximum is NOT certified', () => {
    for (const [text, box] of [
      ['x^2', 'x=-1e300:1e300'],
      ['cosh(x)', 'x=-1000:1000'],
    ]) {
      const r = run(text, '--box', box);
      expect(r.stdout).toMatch(
        /global maximum .* NOT certified: f is Infinity at x = -(1e\+300|1000) \(overflows there/,
      );
      expect(r.stdout).toMatch(/global minimum .* certified\)/);
      const d = json(text, '--box', box);
      expect(d.globalMaximum).toMatchObject({ certified: false, reason: expect.stringMatching(/overflows/) });
      expect(d.globalMaximum.bound).toBeUndefined();
    }
  }, 40_000);

  test('an expression starting with "-": after "--", or as it is', () => {
    for (const args of [
      ['--', '-(x^2)', '--box', 'x=-1:1'],
      ['-(x^2)', '--box', 'x=-1:1'],
      ['--box', 'x=-1:1', '--', '-(x^2)'],
    ]) {
      const r = run(...args, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const d = JSON.parse(r.stdout) as { objective: string; globalMaximum: Side };
      expect(d.objective).toBe('-(x^2)');
      expect(d.globalMaximum).toMatchObject({ value: 0, certified: true });
    }
  }, 40_000);

  test.each([
    [['x^2'], /required option '--box <ranges>' not specified/],
    [['--', '-(x^2)'], /required option '--box <ranges>' not specified/],
    [['x^2', '--box', 'x=-1:1', 'y'], /too many arguments for 'analyze'\. Expected 1 argument but got 2/],
  ])(
    'bad input %# exits 2 with one specific saddle: line',
    (args, message) => {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^saddle: [^\n]*\(saddle analyze --help lists its options\)\n$/);
    },
    40_000,
  );
});
