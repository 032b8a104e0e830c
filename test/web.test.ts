// The web lab end to end in headless Chromium (Debian's chromium through playwright-core): built by
// scripts/build-web.mjs, served by scripts/serve-web.mjs, used as a reader uses it.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIVATIONS, EXPERIMENTS, FIRST_ORDER_OPTIMIZERS, INITIALIZERS } from '../src/index.js';
// @ts-expect-error: plain ES modules of the build scripts
import { buildWeb } from '../scripts/build-web.mjs';
// @ts-expect-error: plain ES modules of the build scripts
import { serveWeb } from '../scripts/serve-web.mjs';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} not found in CI: .ci/run must install chromium`);

let browser: Browser;
let server: Server;
let url = '';

beforeAll(async () => {
  if (!available) return;
  await buildWeb({ quiet: true });
  ({ server, url } = (await serveWeb({ port: 0 })) as { server: Server; url: string });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function open(hash = '', viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${url}${hash}`);
  return { page, errors };
}

// Run in the page: whether the Curvature page's sharpness figure shows `n` estimates, whether the status matches.
const sharpnessPoints = (n: number) =>
  Number(document.querySelector<HTMLElement>('#sharpness')?.dataset.points ?? 0) >= n;
const statusMatches = (source: string) => new RegExp(source).test(document.querySelector('#status')?.textContent ?? '');

/** Resolves true when `w` ends within `ms`, false otherwise. */
const closes = (w: Worker, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    w.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe.runIf(available)('the web lab', () => {
  test('the page loads from the local server in under 2 s, with nothing fetched from elsewhere', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #objective');
    expect(Date.now() - t0).toBeLessThan(2000);
    await page.waitForSelector('tr.point-row');
    expect(requests.every((u) => u.startsWith(url))).toBe(true);
    await page.close();
  });

  test('landscape: type an objective and see its stationary points, labelled and certified', async () => {
    const { page, errors } = await open('#/landscape');
    await page.fill('#objective', 'x*cos(pi*x)');
    await page.fill('#box', 'x=-1:2');
    await page.press('#objective', 'Enter');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('tr.point-row').length === 3 &&
        /3 stationary points/.test(document.querySelector('#summary')?.textContent ?? ''),
    );
    const kinds = await page.$$eval('tr.point-row td:nth-child(3)', (x) => x.map((t) => t.textContent));
    expect(kinds.sort()).toEqual(['maximum', 'minimum', 'minimum']);
    const certified = await page.$$eval('tr.point-row td:nth-child(5)', (x) => x.map((t) => t.textContent));
    expect(certified).toEqual(['yes', 'yes', 'yes']);
    expect(await page.textContent('#figure svg')).toMatch(/global minimum/);
    // Hover shows the value and the gradient.
    const box = (await page.$('#figure svg'))!.boundingBox();
    const b = (await box)!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.waitForFunction(() => /f\(.*\) = .*∇f = /.test(document.querySelector('#hover')?.textContent ?? ''));
    // Two variables: the saddle of x² − y².
    await page.fill('#objective', 'x^2 - y^2');
    await page.fill('#box', 'x=-1:1,y=-1:1');
    await page.click('#landscape-form button[type=submit]');
    await page.waitForFunction(() =>
      /1 stationary point —/.test(document.querySelector('#summary')?.textContent ?? ''),
    );
    expect(await page.textContent('tr.point-row td:nth-child(3)')).toBe('saddle');
    expect(await page.textContent('tr.point-row td:nth-child(4)')).toBe('-2, 2');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a bad expression shows its error inline, at the column', async () => {
    const { page } = await open('#/landscape');
    await page.waitForSelector('tr.point-row');
    await page.fill('#objective', 'x*cso(x)');
    await page.press('#objective', 'Enter');
    await page.waitForFunction(() => (document.querySelector('#error')?.textContent ?? '') !== '');
    const text = (await page.textContent('#error'))!;
    expect(text).toMatch(/unknown function 'cso' at column 3 \(did you mean cos\?\)/);
    expect(text).toMatch(/x\*cso\(x\)\n\s+\^/);
    expect(await page.$$('tr.point-row')).toHaveLength(0);
    await page.close();
  });

  test('a shared URL gives the same view, and reloading it gives it again', async () => {
    const view = `f=${encodeURIComponent('x^2 - y^2')}&box=${encodeURIComponent('x=-1:1,y=-1:1')}`;
    const hash = `#/landscape?${view}&style=surface&az=30&el=40`;
    const { page } = await open(hash);
    await page.waitForSelector('tr.point-row');
    expect(await page.inputValue('#objective')).toBe('x^2 - y^2');
    expect(await page.inputValue('#style')).toBe('surface');
    expect(await page.inputValue('#azimuth')).toBe('30');
    const first = await page.innerHTML('#figure');
    await page.reload();
    await page.waitForSelector('tr.point-row');
    expect(await page.innerHTML('#figure')).toBe(first);
    // Changing the view writes it back into the URL.
    await page.selectOption('#style', 'contour');
    await page.waitForFunction(() => location.hash.includes('style=contour'));
    await page.close();
  });

  test('optimiser race: from a shared start GD reaches the minimum of x² + 2y²; a click starts a race', async () => {
    const objective = `f=${encodeURIComponent('x^2 + 2*y^2')}&box=${encodeURIComponent('x=-3:3,y=-3:3')}`;
    const { page, errors } = await open(`#/race?${objective}&start=-2.5,-2&steps=60&opts=gd:0.1,adam:0.1`);
    await page.waitForSelector('tr.result-row');
    const rows = await page.$$eval('tr.result-row', (x) =>
      x.map((r) => ({
        name: r.querySelector('td')?.textContent,
        final: (r as HTMLElement).dataset.final!.split(',').map(Number),
        value: Number((r as HTMLElement).dataset.value),
      })),
    );
    const gd = rows.find((r) => r.name === 'SGD')!;
    expect(Math.hypot(...gd.final)).toBeLessThan(1e-3);
    expect(rows.find((r) => r.name === 'Adam')!.value).toBeLessThan(0.1);
    expect(await page.$$('#map polyline.trajectory')).toHaveLength(2);
    expect(await page.$('#loss-chart svg')).not.toBeNull();
    const b = (await (await page.$('#map svg'))!.boundingBox())!;
    await page.mouse.click(b.x + b.width * 0.8, b.y + b.height * 0.3);
    await page.waitForFunction(() => !location.hash.includes('start=-2.5,-2') && /start=/.test(location.hash));
    await page.waitForFunction(() => /Done: 2 optimisers/.test(document.querySelector('#status')?.textContent ?? ''));
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the chapter: every experiment is listed, and one runs live with its verdict and figure', async () => {
    const { page } = await open('#/chapter');
    await page.waitForSelector('#experiments li');
    expect(await page.$$('#experiments li')).toHaveLength(EXPERIMENTS.length);
    await page.click('text=A saddle point in two dimensions');
    await page.waitForSelector('#verdict');
    expect(await page.textContent('#verdict')).toBe('holds');
    expect(await page.$$('#result svg')).toHaveLength(1);
    // Controls come from the experiment: the random-matrix page has k and the sample count, kept in the URL.
    await page.goto(`${url}#/chapter/random-matrix?k=4&samples=200000`);
    await page.reload();
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    expect(await page.inputValue('#control-k')).toBe('4');
    expect(await page.textContent('#result')).toMatch(/for every k from 2 to 4/);
    await page.close();
  }, 60_000);

  test('train: an MLP on MNIST digits in a worker, with live curves; stop ends it', async () => {
    const { page, errors } = await open('#/train?hidden=32&train=500&test=200&epochs=2&batch=50');
    await page.click('#start');
    await page.waitForFunction(statusMatches, 'Done: 2 epochs', { timeout: 60_000 });
    expect(await page.$$('tr.epoch-row')).toHaveLength(2);
    expect(await page.$('#curves svg')).not.toBeNull();
    // A run that takes many seconds, so that it is still going when Stop is pressed, however fast training gets.
    await page.fill('#epochs', '100');
    await page.fill('#hidden', '256');
    await page.fill('#train', '9000');
    await page.click('#start');
    await page.waitForSelector('tr.epoch-row', { timeout: 60_000 });
    await page.click('#stop');
    await page.waitForFunction(statusMatches, 'Stopped after \\d+ epoch');
    expect(await page.isEnabled('#start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  test('slice: a filter-normalised slice computed by workers, drawn as the points arrive', async () => {
    const { page, errors } = await open('#/slice?hidden=16&train=300&epochs=1&grid=15&range=1');
    await page.waitForSelector('#slice-form');
    // Every count the figure is drawn with, as it happens.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const chart = document.querySelector('#slice') as HTMLElement;
      new MutationObserver(() => seen.push(Number(chart.dataset.done))).observe(chart, { attributes: true });
    });
    await page.click('#start');
    await page.waitForFunction(statusMatches, '^Done: 225 points', { timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    expect(seen.some((n) => n > 0 && n < 225)).toBe(true); // drawn before it was done
    expect(seen.at(-1)).toBe(225);
    expect(await page.getAttribute('#slice', 'data-done')).toBe('225');
    expect(await page.textContent('#slice svg')).toMatch(/trained point/);
    // The view is in the URL.
    expect(page.url()).toMatch(
      /#\/slice\?hidden=16&activation=relu&train=300&epochs=1&grid=15&range=1&normalize=filter&seed=1$/,
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  test('leaving a page stops what it started: a training run and an experiment end on navigating away', async () => {
    // Runs that would take minutes, so that only leaving the page can end them within the test.
    const { page, errors } = await open('#/train?hidden=256&train=9000&test=1000&epochs=100&batch=50');
    await page.waitForSelector('body[data-ready="true"] #train-form');
    // A job's worker (each job worker also starts a kernel worker of its own: a second thread for large kernels).
    const jobWorker = { predicate: (w: Worker) => w.url().endsWith('/assets/worker.js') };
    const trainWorker = page.waitForEvent('worker', jobWorker);
    await page.click('#start');
    const training = await trainWorker;
    await page.waitForFunction(statusMatches, '^(Training|Epoch)', { timeout: 20_000 });
    const trainingEnds = closes(training, 5000);
    await page.click('nav a[data-page="landscape"]');
    expect(await trainingEnds).toBe(true);
    await page.waitForSelector('tr.point-row');
    // The experiment's job worker ends too when the reader moves on mid-run.
    const experimentWorker = page.waitForEvent('worker', jobWorker);
    await page.evaluate(() => (location.hash = '#/chapter/random-matrix?k=9&samples=1000000000'));
    const experiment = await experimentWorker;
    await page.waitForFunction(statusMatches, '^Running');
    const experimentEnds = closes(experiment, 5000);
    await page.click('nav a[data-page="train"]');
    expect(await experimentEnds).toBe(true);
    // Nothing the chapter started draws over the page that replaced it.
    await page.waitForTimeout(500);
    expect(await page.$('#train-form')).not.toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('leaving the chapter before its list arrives: the list does not replace the next page', async () => {
    const { page, errors } = await open('#/chapter');
    await page.evaluate(() => (location.hash = '#/train'));
    await page.waitForSelector('#train-form');
    // The shared worker answers the catalogue request well within this.
    await page.waitForTimeout(1500);
    expect(await page.$('#experiments')).toBeNull();
    expect(await page.$('#train-form')).not.toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  test('landscape: the rotate controls show for the 3-D wireframe only, never for one variable', async () => {
    const visible = async (hash: string) => {
      const { page } = await open(hash);
      await page.waitForSelector('tr.point-row');
      const shown = await page.isVisible('#rotate');
      await page.close();
      return shown;
    };
    const oneVariable = `#/landscape?f=${encodeURIComponent('x^2')}&box=${encodeURIComponent('x=-1:1')}`;
    const twoVariables = `#/landscape?f=${encodeURIComponent('x^2 - y^2')}&box=${encodeURIComponent('x=-1:1,y=-1:1')}`;
    expect(await visible(`${oneVariable}&style=surface`)).toBe(false);
    expect(await visible(`${oneVariable}&style=contour`)).toBe(false);
    expect(await visible(`${twoVariables}&style=contour`)).toBe(false);
    expect(await visible(`${twoVariables}&style=surface`)).toBe(true);
  });

  test('landscape: changing the view while the first analysis runs still shows that analysis', async () => {
    const saddle = `f=${encodeURIComponent('x^2 - y^2')}&box=${encodeURIComponent('x=-1:1,y=-1:1')}`;
    const { page, errors } = await open(`#/landscape?${saddle}`);
    await page.waitForSelector('body[data-ready="true"] #style');
    await page.selectOption('#style', 'surface');
    await page.waitForSelector('tr.point-row', { timeout: 10_000 });
    expect(await page.textContent('#summary')).toMatch(/^1 stationary point — all of them/);
    expect(await page.isVisible('#rotate')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test("the menus of optimisers, activations and initialisers are the library's own lists", async () => {
    const options = (page: Page, id: string) => page.$$eval(`#${id} option`, (xs) => xs.map((x) => x.textContent));
    const { page } = await open('#/train');
    await page.waitForSelector('body[data-ready="true"] #train-form');
    expect(await options(page, 'optimizer')).toEqual([...FIRST_ORDER_OPTIMIZERS]);
    expect(await options(page, 'activation')).toEqual([...ACTIVATIONS]);
    expect(await options(page, 'init')).toEqual([...INITIALIZERS]);
    await page.goto(`${url}#/curvature`);
    await page.waitForSelector('#curvature-form');
    expect(await options(page, 'activation')).toEqual([...ACTIVATIONS]);
    await page.close();
  });

  const curvatureTab =
    'curvature: sharpness against 2/η live, then the spectrum where the run ended; reloading restores it';
  test(curvatureTab, { timeout: 60_000 }, async () => {
    const hash = '#/curvature?train=200&hidden=16&activation=tanh&loss=squared&lr=0.1&steps=60&every=10&seed=2';
    const { page, errors } = await open(hash);
    await page.click('#start');
    // At least two sharpness estimates (steps 0 and 10), drawn beside the horizontal line at 2/η = 20.
    await page.waitForFunction(sharpnessPoints, 2, { timeout: 20_000 });
    expect(await page.textContent('#sharpness svg')).toMatch(/2\/η = 20\.0/);
    expect(await page.$('#loss-curve svg')).not.toBeNull();
    // Finishing (or stopping) analyses the last parameters: the density figure and a numeric λ_max.
    await page.waitForFunction(statusMatches, 'Analysed the parameters at step 60', { timeout: 25_000 });
    expect(await page.textContent('#density svg')).toMatch(/spectral density at step 60/);
    const lmax = Number(await page.getAttribute('#lambda-max', 'data-value'));
    expect(lmax).toBeGreaterThan(1);
    expect(lmax).toBeLessThan(100);
    expect(await page.$$('tr.eig-row')).toHaveLength(6);
    expect(await page.textContent('#summary')).toMatch(/trace \(Hutchinson\)[\d.]+ ± [\d.e-]+ \(30 probes\)/);
    expect(await page.isEnabled('#start')).toBe(true);
    // The controls live in the URL: change two, reload, and they come back.
    await page.selectOption('#activation', 'relu');
    await page.fill('#seed', '5');
    await page.press('#seed', 'Tab');
    await page.waitForFunction(() => location.hash.includes('activation=relu') && location.hash.includes('seed=5'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] #curvature-form');
    expect(await page.inputValue('#train')).toBe('200');
    expect(await page.inputValue('#hidden')).toBe('16');
    expect(await page.inputValue('#activation')).toBe('relu');
    expect(await page.inputValue('#loss')).toBe('squared');
    expect(Number(await page.inputValue('#lr'))).toBeCloseTo(-1, 6);
    expect(await page.textContent('#lr-value')).toMatch(/η = 0\.1, 2\/η = 20/);
    expect(await page.inputValue('#steps')).toBe('60');
    expect(await page.inputValue('#every')).toBe('10');
    expect(await page.inputValue('#seed')).toBe('5');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('curvature: Stop ends a long run and the analysis runs on the parameters it reached', async () => {
    const { page, errors } = await open('#/curvature?train=200&hidden=16&steps=5000&every=10');
    await page.click('#start');
    await page.waitForFunction(sharpnessPoints, 2, { timeout: 20_000 });
    await page.click('#stop');
    await page.waitForFunction(statusMatches, '^Stopped at step \\d+\\. Analysing', { timeout: 10_000 });
    const step = Number((await page.textContent('#status'))!.match(/step (\d+)/)![1]);
    expect(step).toBeGreaterThanOrEqual(10);
    expect(step).toBeLessThan(5000);
    await page.waitForSelector('#lambda-max', { timeout: 25_000 });
    expect(await page.textContent('#analysis-heading')).toBe(`Curvature at step ${step}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  const accessibleBasics =
    'accessible basics: every control has a label; phone width has no sideways scrolling; the figure is drawn';
  test(accessibleBasics, async () => {
    for (const hash of ['#/landscape', '#/race', '#/train', '#/curvature']) {
      const { page } = await open(hash, { width: 390, height: 844 });
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForTimeout(300);
      const unlabelled = await page.$$eval('input, select, button', (xs) =>
        xs
          .filter(
            (x) =>
              !(
                x.closest('label') ||
                x.getAttribute('aria-label') ||
                (x.id && document.querySelector(`label[for="${x.id}"]`)) ||
                (x.tagName === 'BUTTON' && x.textContent?.trim())
              ),
          )
          .map((x) => x.outerHTML),
      );
      expect(unlabelled).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
      await page.close();
    }
    const { page } = await open('#/landscape');
    await page.waitForSelector('tr.point-row');
    const shot = await (await page.$('#figure'))!.screenshot();
    // A drawn figure, not a blank box: many distinct pixel rows in the PNG mean content.
    expect(shot.length).toBeGreaterThan(8000);
    // Keyboard: Tab reaches the objective field from the page start.
    await page.keyboard.press('Tab');
    let focused = '';
    for (let i = 0; i < 8 && focused !== 'objective'; i++) {
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
      if (focused !== 'objective') await page.keyboard.press('Tab');
    }
    expect(focused).toBe('objective');
    await page.close();
  });

  test('landscape: 1/x^2 on [-1, 2]: the minimum certified, the maximum not (and why), the pole region', async () => {
    const { page, errors } = await open(
      `#/landscape?f=${encodeURIComponent('1/x^2')}&box=${encodeURIComponent('x=-1:2')}`,
    );
    await page.waitForFunction(() => document.querySelectorAll('#extrema li').length === 2);
    const [low, high] = await page.$$eval('#extrema li', (x) => x.map((li) => [li.className, li.textContent ?? '']));
    expect(low[0]).toBe('certified');
    expect(low[1]).toMatch(/^global minimum 0\.25 at x = 2 \(on the boundary\): certified$/);
    expect(high[0]).toBe('uncertified');
    expect(high[1]).toMatch(/^global maximum .*: not certified: f has no finite upper bound/);
    const regions = await page.$$eval('#regions li', (x) => x.map((li) => [li.className, li.textContent ?? '']));
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.some(([c, t]) => c === 'region region-unlocated' && /^unlocated \(\d+ box/.test(t))).toBe(true);
    const summary = await page.textContent('#summary');
    expect(summary).toMatch(/search is incomplete; global minimum 0\.25 \(on the boundary\);/);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('landscape: x*cos(pi*x) lists no unresolved region and both extrema certified', async () => {
    const { page } = await open(
      `#/landscape?f=${encodeURIComponent('x*cos(pi*x)')}&box=${encodeURIComponent('x=-1:2')}`,
    );
    await page.waitForFunction(() => document.querySelectorAll('#extrema li').length === 2);
    const classes = await page.$$eval('#extrema li', (x) => x.map((li) => li.className));
    expect(classes).toEqual(['certified', 'certified']);
    expect(await page.$$eval('#regions li', (x) => x.length)).toBe(0);
    await page.close();
  });
});
