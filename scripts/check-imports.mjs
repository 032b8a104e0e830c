// Enforces ARCHITECTURE.md's import direction: core <- linalg <- {expr, optim, models} <- {landscape, curvature}
// <- experiments <- {cli, web}; random from anywhere but core; plot only from cli, experiments, web;
// and the library (src/ except cli/) never imports node: modules.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** What each module may import (besides itself). */
const allowed = {
  core: [],
  random: ['core'],
  linalg: ['core', 'random'],
  expr: ['core', 'linalg', 'random'],
  optim: ['core', 'linalg', 'random'],
  models: ['core', 'linalg', 'random'],
  landscape: ['core', 'linalg', 'random', 'expr', 'optim', 'models'],
  curvature: ['core', 'linalg', 'random', 'optim', 'models'],
  experiments: ['core', 'linalg', 'random', 'expr', 'optim', 'models', 'landscape', 'curvature', 'plot'],
  plot: [],
  cli: ['core', 'linalg', 'random', 'expr', 'optim', 'models', 'landscape', 'curvature', 'experiments', 'plot', '.'],
  '.': ['core', 'linalg', 'random', 'expr', 'optim', 'models', 'landscape', 'curvature', 'experiments', 'plot', '.'],
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function moduleOf(file) {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? '.' : rel[0];
}

const problems = [];
for (const file of walk(src)) {
  const from = moduleOf(file);
  const isTest = file.endsWith('.test.ts');
  const text = readFileSync(file, 'utf8');
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
    const where = `${relative(root, file)}:${line}`;
    if (spec.startsWith('node:')) {
      if (from !== 'cli' && !isTest) problems.push(`${where}: the library must not import '${spec}' (only src/cli does I/O)`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src)) continue;
    const to = moduleOf(target);
    if (to === from) continue;
    if (!(allowed[from] ?? []).includes(to)) {
      problems.push(`${where}: ${from}/ must not import ${to}/ ('${spec}'); imports go down only (see ARCHITECTURE.md)`);
    }
  }
}
if (problems.length) {
  console.error(`import direction: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('import direction: ok');
