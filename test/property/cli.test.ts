// The CLI's argument handling, property-based: valid commands with flags dropped, repeated or given hostile values
// (Infinity, 1e400, NaN, -1, '', ',', huge integers), unknown flags and expressions that start with '-'. Each run
// exits 0 or 2 within the hang budget; a usage error is one 'saddle:' line; --json is one clean JSON document.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { COMMANDS, argsOf, checkCliRun, cliCaseArb, runCli } from './cli.js';
import { holds } from './checks.js';

describe('saddle CLI arguments (property-based, seeded)', () => {
  test('every base command of the mutations exits 0 with clean output', async () => {
    for (let i = 0; i < COMMANDS.length; i += 2) {
      const runs = await Promise.all(COMMANDS.slice(i, i + 2).map((c) => runCli(c)));
      for (const r of runs) {
        expect(checkCliRun(r), r.stderr).toEqual({ kind: 'pass' });
        expect(r.status, `saddle ${r.args.join(' ')}: ${r.stderr}`).toBe(0);
      }
    }
  }, 120_000);

  test('a mutated command exits 0 or 2, in time, with one saddle: line or one clean JSON document', async () => {
    await fc.assert(
      fc.asyncProperty(cliCaseArb, async (c) => holds(checkCliRun(await runCli(argsOf(c))))),
      { seed: 1501, numRuns: 40, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
  }, 150_000);
});
