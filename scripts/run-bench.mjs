// Builds if needed, then runs the benchmark (bench/run.mjs) with any names given: matmul mlp hvp tiny eigh landscape
// optim mnist experiments web curvature (curvature only when named: it takes about 15 minutes).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}dist/index.js`)) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const r = spawnSync(process.execPath, [`${root}bench/run.mjs`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
