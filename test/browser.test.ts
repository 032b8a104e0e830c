// The core in a real browser (headless Chromium): bundle the library, load it in a page and in a
// Web Worker, and check the same numbers as in Node. Skipped, and said so, where Chromium is absent;
// CI installs it (.ci/run), so there it always runs.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: plain ES modules of the build scripts
import { browserAliases } from '../scripts/build-web.mjs';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} not found in CI: .ci/run must install chromium`);
if (!available) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

let server: Server;
let url = '';
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  const bundle = await build({
    entryPoints: [new URL('./browser/entry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    target: 'es2022',
    alias: browserAliases,
  });
  const script = bundle.outputFiles[0].text;
  const page = '<!doctype html><meta charset="utf-8"><title>saddle core</title><script src="/saddle.js"></script>';
  const worker = `${script}\npostMessage(globalThis.saddleResult);`;
  server = createServer((req, res) => {
    const body = req.url === '/saddle.js' ? script : req.url === '/worker.js' ? worker : page;
    res.writeHead(200, { 'content-type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface Result {
  error?: string;
  kernels: { wasm: boolean; active: string };
  grad: number[];
  third: number;
  hvp: number[];
  gemmDiff: number;
  eigenvalues: number[];
  float32: number;
}

function check(r: Result): void {
  expect(r.error).toBeUndefined();
  expect(r.kernels.active).toBe('wasm');
  const expected = [0.3, -0.7].map((v) => Math.cos(Math.PI * v) - Math.PI * v * Math.sin(Math.PI * v));
  r.grad.forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThan(1e-15));
  expect(r.third).toBe(48);
  const x = 0.3;
  const f2 = -2 * Math.PI * Math.sin(Math.PI * x) - Math.PI ** 2 * x * Math.cos(Math.PI * x);
  expect(Math.abs(r.hvp[0] - f2)).toBeLessThan(1e-14);
  expect(r.hvp[1]).toBe(0);
  expect(r.gemmDiff).toBeLessThan(1e-4);
  const rounded = (xs: number[]) => xs.map((v) => Math.round(v * 1e12) / 1e12);
  expect(rounded(r.eigenvalues)).toEqual(rounded([(5 - Math.sqrt(5)) / 2, (5 + Math.sqrt(5)) / 2]));
  expect(r.float32).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
}

describe.runIf(available)('the core in headless Chromium', () => {
  test('on the page: gradients, third derivatives, hvp, the WASM GEMM and eigh give Node’s numbers', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    check((await page.evaluate(() => (globalThis as unknown as { saddleResult: unknown }).saddleResult)) as Result);
    await page.close();
  });

  test('in a Web Worker (where the lab runs its heavy work): the same numbers', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const result = await page.evaluate(
      () =>
        new Promise((resolve) => {
          new Worker('/worker.js').onmessage = (e) => resolve(e.data);
        }),
    );
    check(result as Result);
    await page.close();
  });
});
