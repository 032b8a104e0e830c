// A longer seeded run of the property suite's generators and checks (test/property), outside npm test: every
// input is judged (no stop at the first failure), and the counts per category are printed, with the shortest
// examples of each violation. The TypeScript sources run through tsx's loader, as the CLI does from source.
//   node scripts/fuzz.mjs --seed 7 [--runs 5000] [--cli-runs 200] [--examples 3] [--json]
//     [--only parser,roundtrip,reformat,stress,interval,gradient,hessian,pow,nan,cli]
import { register } from 'tsx/esm/api';

register();
const arbitrariesModule = '../test/property/arbitraries.ts';
const checksModule = '../test/property/checks.ts';
const cliModule = '../test/property/cli.ts';
const { default: fc } = await import('fast-check');
const A = await import(arbitrariesModule);
const C = await import(checksModule);
const L = await import(cliModule);

const PROPERTIES = [
  'parser',
  'roundtrip',
  'reformat',
  'stress',
  'interval',
  'gradient',
  'hessian',
  'pow',
  'nan',
  'cli',
];

function usage(message) {
  process.stderr.write(
    `fuzz: ${message}\nusage: node scripts/fuzz.mjs --seed <integer> [--runs <n>] [--cli-runs <n>] ` +
      `[--only ${PROPERTIES.join(',')}] [--examples <n>] [--json]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { seed: undefined, runs: 5000, cliRuns: 200, only: PROPERTIES, examples: 3, json: false };
  const integer = (flag, text, min) => {
    if (!/^\d+$/.test(text ?? '') || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      usage(`${flag} needs an integer >= ${min}, got '${text ?? ''}'`);
    }
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--seed') options.seed = integer(flag, argv[++i], 0);
    else if (flag === '--runs') options.runs = integer(flag, argv[++i], 1);
    else if (flag === '--cli-runs') options.cliRuns = integer(flag, argv[++i], 0);
    else if (flag === '--examples') options.examples = integer(flag, argv[++i], 0);
    else if (flag === '--json') options.json = true;
    else if (flag === '--only') {
      options.only = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = options.only.filter((p) => !PROPERTIES.includes(p));
      if (!options.only.length || unknown.length)
        usage(`--only takes ${PROPERTIES.join(', ')}; got '${argv[i] ?? ''}'`);
    } else usage(`unknown argument '${flag}'`);
  }
  if (options.seed === undefined) usage('--seed is required (the same seed gives the same inputs)');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const KINDS = ['pass', 'skip', 'crash', 'hang', 'nan', 'wrong'];

function tally(name) {
  return {
    name,
    inputs: 0,
    ...Object.fromEntries(KINDS.map((k) => [k, 0])),
    examples: Object.fromEntries(KINDS.slice(2).map((k) => [k, []])),
  };
}

function record(t, outcome) {
  t.inputs++;
  t[outcome.kind]++;
  if (outcome.message === undefined) return;
  const list = t.examples[outcome.kind];
  list.push(outcome.message);
  list.sort((a, b) => a.length - b.length);
  // Keep the shortest ones, and no two with the same text.
  t.examples[outcome.kind] = [...new Set(list)].slice(0, options.examples);
}

/** A check that itself throws (a bug in the check, or an escape from the library) counts as a crash. */
function judge(check, input) {
  try {
    return check(input);
  } catch (err) {
    return {
      kind: 'crash',
      message: `check threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
    };
  }
}

const library = {
  parser: [A.mutatedArb, C.checkParse, 1],
  roundtrip: [A.printedArb(), C.checkRoundTrip, 1],
  reformat: [A.mutatedArb, C.checkReformat, 1],
  stress: [A.stressArb, C.checkParse, 0.05],
  interval: [
    fc.oneof(A.enclosureCaseArb(['x']), A.enclosureCaseArb(['x', 'y']), A.enclosureCaseArb(['x', 'y', 'z'])),
    C.checkEnclosure,
    1,
  ],
  gradient: [A.smoothCaseArb, C.checkGradient, 0.5],
  hessian: [A.pointCaseArb({ maxDepth: 3 }), C.checkHessianSymmetry, 0.5],
  pow: [A.powCaseArb, C.checkHessianSymmetry, 0.5],
  nan: [A.poisonedCaseArb, C.checkNaNPropagation, 0.5],
};

const results = [];
const started = performance.now();
for (const name of options.only) {
  const t = tally(name);
  if (name === 'cli') {
    const cases = fc.sample(L.cliCaseArb, { seed: options.seed, numRuns: options.cliRuns });
    for (const c of cases) {
      const run = await L.runCli(L.argsOf(c));
      record(t, judge(L.checkCliRun, run));
      if (!options.json) process.stderr.write(`\rcli ${t.inputs}/${cases.length}`);
    }
    if (!options.json) process.stderr.write('\n');
  } else {
    const [arb, check, share] = library[name];
    const runs = Math.max(1, Math.round(options.runs * share));
    for (const input of fc.sample(arb, { seed: options.seed, numRuns: runs })) record(t, judge(check, input));
  }
  results.push(t);
}

const seconds = (performance.now() - started) / 1000;
if (options.json) {
  process.stdout.write(`${JSON.stringify({ seed: options.seed, seconds, results }, null, 2)}\n`);
} else {
  const header = ['property', 'inputs', ...KINDS];
  const rows = results.map((t) => [t.name, t.inputs, ...KINDS.map((k) => t[k])]);
  const total = ['total', ...header.slice(1).map((_, j) => rows.reduce((s, r) => s + r[j + 1], 0))];
  const widths = header.map((h, j) => Math.max(h.length, ...[...rows, total].map((r) => String(r[j]).length)));
  const line = (r) =>
    r.map((v, j) => (j === 0 ? String(v).padEnd(widths[j]) : String(v).padStart(widths[j]))).join('  ');
  process.stdout.write(
    `seed ${options.seed}, ${seconds.toFixed(1)} s\n${line(header)}\n${[...rows, total].map(line).join('\n')}\n`,
  );
  for (const t of results) {
    for (const kind of KINDS.slice(2)) {
      for (const example of t.examples[kind]) process.stdout.write(`${t.name} ${kind}: ${example}\n`);
    }
  }
}
const violations = results.reduce((s, t) => s + t.crash + t.hang + t.nan + t.wrong, 0);
process.exitCode = violations > 0 ? 1 : 0;
