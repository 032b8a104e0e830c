// Serves web/dist on localhost (offline: nothing is fetched from elsewhere) and prints the URL.
// `npm start` builds first. PORT picks the port (default 5173, or the next free one).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, shared WASM memory). */
export const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export function serveWeb({
  root = new URL('../web/dist', import.meta.url).pathname,
  port = 5173,
  host = '127.0.0.1',
  tries = 20,
} = {}) {
  if (!existsSync(join(root, 'index.html')))
    throw new Error(`${root}/index.html is missing: run node scripts/build-web.mjs first`);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      // Cross-origin isolation: shared WASM memory, so the lab's workers can use a second kernel thread.
      ...ISOLATION,
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    let attempt = 0;
    server.on('error', (err) => {
      if (err.code === 'EADDRINUSE' && port !== 0 && ++attempt < tries) server.listen(port + attempt, host);
      else reject(err);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${address.port}/` });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await serveWeb({ port: Number(process.env.PORT ?? 5173) });
  console.log(`saddle lab: ${url}  (Ctrl-C stops it)`);
}
