// The lab's modules without a browser: the router and the pages' dispose steps (web/src/page.ts),
// the worker's typed handler table (web/src/handlers.ts), and the import rule that keeps web/src above
// the library (scripts/check-imports.mjs). test/web.test.ts uses the built lab in Chromium.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HANDLERS } from '../web/src/handlers.js';
import { Lifetime, router, type Page as LabPage } from '../web/src/page.js';
import type { Handlers, ProgressOf } from '../web/src/protocol.js';
import type { Route } from '../web/src/state.js';
// @ts-expect-error: plain ES modules of the build scripts
import { importProblems } from '../scripts/check-imports.mjs';

const routeTo = (page: string): Route => ({ page, rest: '', params: new URLSearchParams() });

describe('the lab without a browser', () => {
  test('router(pages) disposes of the page on screen before drawing the next, the unknown one included', () => {
    const log: string[] = [];
    const page =
      (name: string): LabPage =>
      () => {
        log.push(`draw ${name}`);
        return () => log.push(`dispose ${name}`);
      };
    const show = router({ a: page('a'), b: page('b') }, page('fallback'), {} as HTMLElement, {} as never);
    show(routeTo('a'));
    show(routeTo('b'));
    show(routeTo('nowhere'));
    show(routeTo('a'));
    expect(log).toEqual(['draw a', 'dispose a', 'draw b', 'dispose b', 'draw fallback', 'dispose fallback', 'draw a']);
  });

  test('router: a dispose step that throws still lets the next page draw', () => {
    const drawn: string[] = [];
    const failing: LabPage = () => () => {
      throw new Error('dispose failed');
    };
    const b: LabPage = () => (drawn.push('b'), () => undefined);
    const show = router({ a: failing, b }, failing, {} as HTMLElement, {} as never);
    show(routeTo('a'));
    expect(() => show(routeTo('b'))).toThrow('dispose failed');
    expect(drawn).toEqual(['b']);
  });

  test('Lifetime.dispose stops its jobs, ends newest first, and is final', () => {
    const life = new Lifetime();
    const log: string[] = [];
    life.job({ stop: () => log.push('job stopped') });
    life.defer(() => log.push('timer cleared'));
    life.defer(() => {
      throw new Error('one end failed');
    });
    expect([life.gone, log]).toEqual([false, []]);
    expect(() => life.dispose()).toThrow('one end failed');
    expect(log).toEqual(['timer cleared', 'job stopped']);
    expect(life.gone).toBe(true);
    // Started after the page was left (an answer arriving late): ended at once, and disposing again does nothing.
    life.job({ stop: () => log.push('late job stopped') });
    life.dispose();
    expect(log).toEqual(['timer cleared', 'job stopped', 'late job stopped']);
  });

  test('HANDLERS answers each kind with its own types; a missing or mismatched kind does not compile', async () => {
    const progress: unknown[] = [];
    const p = await HANDLERS.point({ f: 'x^2*y', at: [3, 2] }, (e) => progress.push(e));
    expect(p).toEqual({ value: 18, gradient: [12, 9] });
    const { landscape, point, race, experiments, experiment, train, sharpness } = HANDLERS;
    // @ts-expect-error: no handler for 'curvature'
    const missing: Handlers = { landscape, point, race, experiments, experiment, train, sharpness };
    // @ts-expect-error: the race handler neither takes nor answers 'point' messages
    const swapped: Handlers = { ...HANDLERS, point: race };
    // Progress is typed per kind: a training run reports TrainEvents, not anything at all.
    const loaded: ProgressOf<'train'> = { kind: 'loaded', examples: 10 };
    // @ts-expect-error: not a TrainEvent
    const bogus: ProgressOf<'train'> = { kind: 'bogus' };
    expect([Object.hasOwn(missing, 'curvature'), Object.is(swapped.point, race), loaded.kind, bogus.kind]).toEqual([
      false,
      true,
      'loaded',
      'bogus',
    ]);
    await expect(
      Promise.resolve().then(() =>
        HANDLERS.train(
          {
            hidden: [4],
            activation: 'relu',
            init: 'he-uniform',
            optimizer: 'newton',
            lr: 0.1,
            batch: 1,
            epochs: 1,
            train: 10,
            test: 10,
            seed: 1,
          },
          () => undefined,
        ),
      ),
    ).rejects.toThrow(/unknown optimiser for training 'newton'; use one of sgd, /);
    expect(progress).toEqual([]);
  });

  test('importProblems(root): web/src may import src/ but not the CLI or node:; src/ never imports the lab', () => {
    const root = mkdtempSync(join(tmpdir(), 'saddle-imports-'));
    const files: Record<string, string> = {
      'src/core/ops.ts': "import { page } from '../../web/src/page.js';\n",
      'src/optim/index.ts': "export { add } from '../core/ops.js';\n",
      'src/cli/main.ts': "import { readFileSync } from 'node:fs';\n",
      'web/src/page.ts': "import { sgd } from '../../src/optim/index.js';\nimport { x } from './dom.js';\n",
      'web/src/dom.ts': "import { readFileSync } from 'node:fs';\n",
      'web/src/pages/train.ts': "import { run } from '../../../src/cli/main.js';\n",
    };
    try {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      expect((importProblems(root) as string[]).sort()).toEqual([
        "src/core/ops.ts:1: src/ must not import the web lab ('../../web/src/page.js'); the lab imports the library",
        "web/src/dom.ts:1: the web lab runs in a browser and must not import 'node:fs'",
        "web/src/pages/train.ts:1: web/ must not import cli/ ('../../../src/cli/main.js'); " +
          'imports go down only (see ARCHITECTURE.md)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(importProblems(new URL('..', import.meta.url).pathname)).toEqual([]);
  });
});
