// The size report that CI prints beside the import check: lines per module, the largest files, and the two limits
// STYLE.md sets. A file past 400 lines is listed (split it by concept when it grows further); a source file past
// 600 lines or a line past 120 characters fails the check.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['src', 'web/src', 'test', 'scripts', 'bench'];
const guide = 400;
const hardLimit = 600;
const width = 120;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs)$/.test(name) ? [p] : [];
  });
}

const modules = new Map();
const long = [];
const wide = [];
for (const top of roots) {
  for (const file of walk(join(root, top))) {
    const rel = relative(root, file);
    const parts = rel.split(sep);
    const module = top === 'src' && parts.length > 2 ? `src/${parts[1]}` : top;
    const lines = readFileSync(file, 'utf8').split('\n');
    const count = lines.length - (lines.at(-1) === '' ? 1 : 0);
    const isTest = /\.test\.ts$/.test(file) || top === 'test';
    const entry = modules.get(module) ?? { files: 0, lines: 0, testLines: 0, largest: ['', 0] };
    entry.files += 1;
    if (isTest) entry.testLines += count;
    else entry.lines += count;
    if (!isTest && count > entry.largest[1]) entry.largest = [rel, count];
    modules.set(module, entry);
    if (!isTest && count > guide) long.push([rel, count]);
    lines.forEach((line, i) => {
      if (line.length > width) wide.push(`${rel}:${i + 1}: ${line.length} characters`);
    });
  }
}

const rows = [...modules].sort(([a], [b]) => a.localeCompare(b));
const pad = (s, n) => String(s).padEnd(n);
const padl = (s, n) => String(s).padStart(n);
console.log(`${pad('module', 18)}${padl('files', 6)}${padl('lines', 8)}${padl('tests', 8)}  largest`);
for (const [name, e] of rows) {
  const largest = e.largest[0] ? `${e.largest[0]} (${e.largest[1]})` : '';
  console.log(`${pad(name, 18)}${padl(e.files, 6)}${padl(e.lines, 8)}${padl(e.testLines, 8)}  ${largest}`);
}
const total = rows.reduce((s, [, e]) => s + e.lines, 0);
const tests = rows.reduce((s, [, e]) => s + e.testLines, 0);
console.log(`${pad('total', 18)}${padl('', 6)}${padl(total, 8)}${padl(tests, 8)}`);

const failures = [];
for (const [rel, count] of long.sort((a, b) => b[1] - a[1])) {
  const over = count > hardLimit;
  console.log(`${over ? 'too long' : 'long'}: ${rel} has ${count} lines (guide ${guide}, limit ${hardLimit})`);
  if (over) failures.push(rel);
}
for (const w of wide) console.log(`too wide: ${w} (limit ${width})`);
if (failures.length > 0 || wide.length > 0) {
  console.error(
    `size report: ${failures.length} file(s) past ${hardLimit} lines, ${wide.length} line(s) past ${width}`,
  );
  process.exit(1);
}
