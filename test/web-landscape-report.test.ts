// The Landscape page shows what the analysis proved and what it did not: each global extremum with
// "certified" or its reason, and the unresolved regions by kind. Headless Chromium, as test/web.test.ts.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: plain ES modules of the build scripts
import { buildWeb } from '../scripts/build-web.mjs';
// @ts-expect-error: plain ES modules of the build scripts
import { serveWeb } from '../scripts/serve-web.mjs';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

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

describe.runIf(available)('the Landscape page reports certification', () => {
  test('landscape: 1/x^2 on [-1, 2]: the minimum certified, the maximum not (and why), the pole region', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}#/landscape?f=${encodeURIComponent('1/x^2')}&box=${encodeURIComponent('x=-1:2')}`);
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
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}#/landscape?f=${encodeURIComponent('x*cos(pi*x)')}&box=${encodeURIComponent('x=-1:2')}`);
    await page.waitForFunction(() => document.querySelectorAll('#extrema li').length === 2);
    const classes = await page.$$eval('#extrema li', (x) => x.map((li) => li.className));
    expect(classes).toEqual(['certified', 'certified']);
    expect(await page.$$eval('#regions li', (x) => x.length)).toBe(0);
    await page.close();
  });
});
