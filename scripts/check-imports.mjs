// Enforces ARCHITECTURE.md's import direction: core <- linalg <- {expr, optim, models} <- {landscape, curvature}
// <- experiments <- sweep <- {cli, web}; random from anywhere but core; plot only from cli, experiments, web;
// the library (src/ except cli/) never imports node: modules. The web lab (web/src) sits at the top
// beside cli: it may import any of src/ but the CLI, never node: modules (it runs in a browser), and
// nothing in src/ imports it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIBRARY = [
  'core',
  'linalg',
  'random',
  'expr',
  'optim',
  'models',
  'landscape',
  'curvature',
  'experiments',
  'sweep',
  'plot',
];

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
  sweep: ['core', 'linalg', 'random', 'expr', 'optim', 'models', 'landscape', 'curvature', 'experiments'],
  plot: [],
  cli: [...LIBRARY, '.'],
  '.': [...LIBRARY, '.'],
  web: [...LIBRARY, '.'],
};

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const inside = (dir, file) => file === dir || file.startsWith(dir + sep);

/** Every import in `root`'s src/ and web/src that goes against the direction, as 'file:line: why'. */
export function importProblems(root) {
  const src = join(root, 'src');
  const web = join(root, 'web', 'src');
  /** The module a file belongs to: a folder of src/, '.' for src/'s own files, 'web' for the lab, or null. */
  const moduleOf = (file) => {
    if (inside(web, file)) return 'web';
    if (!inside(src, file)) return null;
    const rel = relative(src, file).split(sep);
    return rel.length === 1 ? '.' : rel[0];
  };
  const problems = [];
  for (const file of [...walk(src), ...walk(web)]) {
    const from = moduleOf(file);
    const isTest = file.endsWith('.test.ts');
    const text = readFileSync(file, 'utf8');
    const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
    for (const m of text.matchAll(re)) {
      const spec = m[1] ?? m[2];
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      const where = `${relative(root, file)}:${line}`;
      if (spec.startsWith('node:')) {
        if (from === 'web') problems.push(`${where}: the web lab runs in a browser and must not import '${spec}'`);
        else if (from !== 'cli' && !isTest) {
          problems.push(`${where}: the library must not import '${spec}' (only src/cli does I/O)`);
        }
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const to = moduleOf(target);
      if (to === null || to === from) continue;
      if (to === 'web') {
        problems.push(`${where}: src/ must not import the web lab ('${spec}'); the lab imports the library`);
        continue;
      }
      if (!(allowed[from] ?? []).includes(to)) {
        const why = 'imports go down only (see ARCHITECTURE.md)';
        problems.push(`${where}: ${from}/ must not import ${to}/ ('${spec}'); ${why}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const problems = importProblems(join(dirname(fileURLToPath(import.meta.url)), '..'));
  if (problems.length) {
    console.error(`import direction: ${problems.length} problem(s)\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log('import direction: ok');
}
