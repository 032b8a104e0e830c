// Builds the web lab into web/dist: the page and its worker bundled by esbuild straight from the
// TypeScript sources (web/src and the library's src/), with the MNIST digits split into chunks that
// only the Train page loads.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}web/dist`;

/**
 * Dependencies whose default entry needs Node (csv-parse/sync uses Buffer at load time) and the
 * browser build each publishes; test/browser.test.ts bundles the library with the same map.
 */
export const browserAliases = { 'csv-parse/sync': 'csv-parse/browser/esm/sync' };

export async function buildWeb({ quiet = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(`${out}/assets`, { recursive: true });
  const started = performance.now();
  await build({
    entryPoints: {
      main: `${root}web/src/main.ts`,
      worker: `${root}web/src/worker.ts`,
      'kernel-worker': `${root}web/src/kernel-worker.ts`,
    },
    outdir: `${out}/assets`,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    alias: browserAliases,
  });
  copyFileSync(`${root}web/index.html`, `${out}/index.html`);
  copyFileSync(`${root}web/style.css`, `${out}/style.css`);
  if (!quiet) console.log(`built web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildWeb();
