// The README's shell commands, run as written (in a scratch folder that can see fixtures/), so the
// README stays true: every `npx saddle …` line of its sh blocks must exit 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].replace(/\\\n\s*/g, ' ').split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line.startsWith('npx saddle '));

/** Splits a command line into words, honouring double quotes (all the README uses). */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);

const dir = mkdtempSync(join(tmpdir(), 'saddle-readme-'));
symlinkSync(join(root, 'fixtures'), join(dir, 'fixtures'));

test('the README has commands to check', () => expect(commands.length).toBeGreaterThan(10));

test.each(commands)(
  '%s',
  (line) => {
    const r = spawnSync(process.execPath, [bin, ...words(line).slice(2)], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  },
  120_000,
);
