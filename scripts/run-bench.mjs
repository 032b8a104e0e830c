// Builds if needed, then runs the benchmark (bench/run.mjs) with any names given: matmul mlp hvp tiny eigh landscape
// optim mnist experiments web memory curvature (memory and curvature only when named: curvature takes about 10
// minutes); `sweep` (only when named) runs bench/sweep.mjs, issue 14's slice on the pool and on Redis; `hostile`
// (only when named) runs bench/hostile.mjs, issue 12's hostile inputs and a seeded fuzz run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}dist/index.js`)) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const names = process.argv.slice(2);
const others = names.filter((n) => n !== 'hostile' && n !== 'sweep');
let status = 0;
if (names.includes('hostile')) {
  status = spawnSync(process.execPath, [`${root}bench/hostile.mjs`], { cwd: root, stdio: 'inherit' }).status ?? 1;
}
if (names.includes('sweep')) {
  const r = spawnSync(process.execPath, [`${root}bench/sweep.mjs`], { cwd: root, stdio: 'inherit' });
  status = status || (r.status ?? 1);
}
if (others.length > 0 || names.length === 0) {
  const r = spawnSync(process.execPath, [`${root}bench/run.mjs`, ...others], { cwd: root, stdio: 'inherit' });
  status = status || (r.status ?? 1);
}
process.exit(status);
