// `npm run bench hostile`: the inputs issue 12 reproduced as hangs, out-of-memory aborts and over-claims, timed on
// the built library, with what each answer now says; then a seeded fuzz run (scripts/fuzz.mjs) with its counts.
// No peer certifies stationary points or extrema, so there is no ratio: the reference is that, before the issue,
// none of the analyze rows ended (the issue measured > 30 s, 50 s, or out of memory).
import { spawnSync } from 'node:child_process';
import * as s from '../dist/index.js';

const root = new URL('..', import.meta.url).pathname;
const box = (text, vars) => s.parseBox(text, vars);
const nestedMax = (depth) => `${'max('.repeat(depth)}x${', y)'.repeat(depth)}`;
const sumOfSquares = (n) => Array.from({ length: n }, (_, i) => `x${i}^2`).join(' + ');
const cube = (n) => Array.from({ length: n }, (_, i) => `x${i}=-1:1`).join(',');

const cases = [
  ['relu(x)', 'x=-1:1'],
  ['0*x', 'x=-1:1'],
  ['x-x', 'x=-1:1'],
  ['x^2+0*y', 'x=-1:1,y=-1:1'],
  ['exp(x)', 'x=-1000:1000'],
  ['x*y^2', 'x=-1:1,y=-1:1'],
  [sumOfSquares(8), cube(8)],
  [nestedMax(20), 'x=-1:1,y=-1:1'],
  ['sin(x)', 'x=1000000000000:1000000000020'],
  ['x^2', 'x=-1e300:1e300'],
  ['cosh(x)', 'x=-1000:1000'],
  ['abs(x)', 'x=-1:1'],
  ['1/x', 'x=-1:1'],
  ['1/cos(x)', 'x=0.1:3'],
];

const rows = [];
for (const [text, ranges] of cases) {
  const objective = s.compile(text);
  const b = box(ranges, objective.variables);
  const t0 = performance.now();
  const r = s.analyze(objective, b);
  const ms = performance.now() - t0;
  const kinds = [...new Set(r.unresolved.map((u) => u.kind))].join(',') || '-';
  const min = r.globalMinimum;
  const label = text.length > 28 ? `${text.slice(0, 25)}...` : text;
  rows.push([
    `${label} on ${ranges.length > 24 ? `${ranges.slice(0, 21)}...` : ranges}`,
    ms.toFixed(0),
    `${r.stationaryPoints.length} (${r.stationaryPoints.filter((p) => p.certified).length} cert.)`,
    r.complete ? 'yes' : 'no',
    kinds,
    min ? (min.certified ? 'certified' : 'NOT certified') : '-',
  ]);
}

const header = ['analyze', 'ms', 'points', 'complete', 'regions', 'global minimum'];
const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, String(r[i]).length), h.length));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));

console.log('\nseeded fuzz run (node scripts/fuzz.mjs --seed 2026 --runs 20000 --cli-runs 120):');
const f = spawnSync(
  process.execPath,
  [`${root}scripts/fuzz.mjs`, '--seed', '2026', '--runs', '20000', '--cli-runs', '120'],
  { cwd: root, encoding: 'utf8', timeout: 1_800_000 },
);
console.log(f.stdout.replace(/^cli \d+\/\d+\r?/gm, '').trim());
