// Generators for the property suite (and scripts/fuzz.mjs): expression trees from the grammar of src/expr/parse.ts,
// printed with random but valid spacing and parentheses; mutated and pathological strings for the parser; boxes,
// points, and the cases of each property. Nothing here imports vitest, so the fuzz script runs the same
// generators at a larger count.
import fc from 'fast-check';
import { CONSTANTS, FUNCTIONS, type BinaryOp, type ConstantName, type FunctionName } from '../../src/expr/index.js';

/** An expression as generated: numbers keep the text they are printed with. */
export type Tree =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'constant'; name: ConstantName }
  | { kind: 'variable'; name: string }
  | { kind: 'unary'; op: '-' | '+'; arg: Tree }
  | { kind: 'binary'; op: BinaryOp; left: Tree; right: Tree }
  | { kind: 'call'; name: FunctionName; args: Tree[] };

export const ALL_FUNCTIONS = Object.keys(FUNCTIONS) as FunctionName[];
/** The functions with a kink (or a jump in the derivative) somewhere: excluded from the smooth generator. */
export const NON_SMOOTH: readonly FunctionName[] = ['abs', 'relu', 'min', 'max'];
export const SMOOTH_FUNCTIONS = ALL_FUNCTIONS.filter((f) => !NON_SMOOTH.includes(f));

/** Values with every spelling the tokenizer accepts (and that Number() reads back to the same double). */
const SPELLINGS: [number, string[]][] = [
  [0, ['0', '0.0', '.0', '0e0']],
  [1, ['1', '1.', '1.0', '1e0', '10e-1']],
  [2, ['2', '2.0']],
  [3, ['3']],
  [0.5, ['0.5', '.5', '5e-1', '5E-1']],
  [10, ['10', '1e1', '1E+1']],
  [1e-300, ['1e-300', '1E-300']],
  [1e300, ['1e300', '1e+300']],
  [1e-10, ['1e-10']],
  [123456789, ['123456789']],
  [0.1, ['0.1']],
  [5e-324, ['5e-324']],
  [1.7976931348623157e308, ['1.7976931348623157e308']],
  [1000, ['1000', '1e3']],
];
const MODERATE = SPELLINGS.filter(([v]) => v === 0 || (v >= 0.1 && v <= 10));

const spelled = (table: [number, string[]][]): fc.Arbitrary<Tree> =>
  fc
    .constantFrom(...table)
    .chain(([value, texts]) => fc.constantFrom(...texts).map((text): Tree => ({ kind: 'number', value, text })));

export interface TreeOptions {
  variables?: readonly string[];
  functions?: readonly FunctionName[];
  /** 'all': extreme constants too (0, 5e-324, 1e-300, 1e300, the largest double); 'moderate': 0 and 0.1 … 10. */
  constants?: 'all' | 'moderate';
  maxDepth?: number;
}

/** Non-negative numbers (a negative one is a unary minus in the grammar). */
export function numberArb(constants: 'all' | 'moderate' = 'all'): fc.Arbitrary<Tree> {
  if (constants === 'moderate') {
    return fc.oneof(
      spelled(MODERATE),
      fc.double({ min: 0.1, max: 4, noNaN: true }).map((v): Tree => ({ kind: 'number', value: v, text: String(v) })),
    );
  }
  const anyDouble = fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }).map((v) => Math.abs(v) + 0);
  return fc.oneof(
    { weight: 3, arbitrary: spelled(SPELLINGS) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0, max: 2 ** 53 }).map((v): Tree => ({ kind: 'number', value: v, text: String(v) })),
    },
    { weight: 1, arbitrary: anyDouble.map((v): Tree => ({ kind: 'number', value: v, text: String(v) })) },
  );
}

export function treeArb(options: TreeOptions = {}): fc.Arbitrary<Tree> {
  const variables = options.variables ?? ['x', 'y'];
  const functions = options.functions ?? ALL_FUNCTIONS;
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...variables).map((name): Tree => ({ kind: 'variable', name })) },
    { weight: 3, arbitrary: numberArb(options.constants) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...(Object.keys(CONSTANTS) as ConstantName[]))
        .map((name): Tree => ({ kind: 'constant', name })),
    },
  );
  const { tree } = fc.letrec<{ tree: Tree }>((tie) => {
    const sub = tie('tree');
    return {
      tree: fc.oneof(
        { maxDepth: options.maxDepth ?? 4, depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .record({ op: fc.constantFrom<'-' | '+'>('-', '-', '+'), arg: sub })
          .map((u): Tree => ({ kind: 'unary', ...u })),
        fc
          .record({ op: fc.constantFrom<BinaryOp>('+', '-', '*', '/', '^'), left: sub, right: sub })
          .map((b): Tree => ({ kind: 'binary', ...b })),
        fc
          .record({ name: fc.constantFrom(...functions), a: sub, b: sub })
          .map(({ name, a, b }): Tree => ({ kind: 'call', name, args: FUNCTIONS[name] === 2 ? [a, b] : [a] })),
      ),
    };
  });
  return tree;
}

// Binding strength of a printed node: an operand needs parentheses when it binds more loosely than its position
// requires. Unary minus parses its operand with binary(3), so it accepts ^ but not * or +; as the right operand of
// ^ a unary needs none (x^-y^z is x^(-(y^z))), as the left one it does ((-x)^2).
const ATOM = 5;
const level = (t: Tree): number =>
  t.kind === 'binary' ? { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 }[t.op] : t.kind === 'unary' ? 3 : ATOM;
const LEFT: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': ATOM };
const RIGHT: Record<BinaryOp, number> = { '+': 2, '-': 2, '*': 3, '/': 3, '^': 4 };
const SPACES = ['', '', '', ' ', '  ', '\t', '\n'];

/** Text of a tree; `choices` (consumed cyclically) pick spaces, spare parentheses and ** for ^. [] is canonical. */
export function print(tree: Tree, choices: readonly number[] = []): string {
  let k = 0;
  const pick = (n: number): number => (choices.length ? choices[k++ % choices.length] % n : 0);
  const sp = (): string => SPACES[pick(SPACES.length)];
  const show = (t: Tree, required: number, rightOfPow: boolean): string => {
    const text = body(t);
    const needed = level(t) < required && !(t.kind === 'unary' && rightOfPow);
    return needed || pick(7) === 6 ? `(${sp()}${text}${sp()})` : text;
  };
  const body = (t: Tree): string => {
    switch (t.kind) {
      case 'number':
        return t.text;
      case 'constant':
      case 'variable':
        return t.name;
      case 'unary':
        return `${t.op}${sp()}${show(t.arg, 3, false)}`;
      case 'call':
        return `${t.name}${sp()}(${sp()}${t.args.map((a) => show(a, 0, false)).join(`${sp()},${sp()}`)}${sp()})`;
      case 'binary': {
        const op = t.op === '^' && pick(3) === 2 ? '**' : t.op;
        return `${show(t.left, LEFT[t.op], false)}${sp()}${op}${sp()}${show(t.right, RIGHT[t.op], t.op === '^')}`;
      }
    }
  };
  return show(tree, 0, false);
}

export interface Printed {
  tree: Tree;
  text: string;
}
export function printedArb(options: TreeOptions = {}): fc.Arbitrary<Printed> {
  return fc
    .tuple(treeArb(options), fc.array(fc.nat(), { minLength: 0, maxLength: 32 }))
    .map(([tree, choices]) => ({ tree, text: print(tree, choices) }));
}

/** Characters a careless user types, plus a few no tokenizer should meet. */
const NOISE = [
  ...'xy()+-*/^,. 0123456789eE_a\t\n',
  '**',
  '1e400',
  '\u00a0',
  '\u2212',
  '\u00b2',
  '(',
  ')',
  '\ud83d\ude00',
  '\0',
];
type Edit = { kind: 'insert' | 'delete' | 'duplicate'; at: number; length: number; noise: string };
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('insert', 'insert', 'delete', 'duplicate'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 6 }),
  noise: fc.constantFrom(...NOISE),
});

function applyEdit(text: string, e: Edit): string {
  const at = text.length ? e.at % (text.length + 1) : 0;
  if (e.kind === 'insert') return text.slice(0, at) + e.noise + text.slice(at);
  if (e.kind === 'delete') return text.slice(0, at) + text.slice(at + e.length);
  return text.slice(0, at + e.length) + text.slice(at, at + e.length) + text.slice(at + e.length);
}

/** A valid expression after random insertions, deletions and duplications of characters. */
export const mutatedArb: fc.Arbitrary<string> = fc
  .tuple(printedArb(), fc.array(editArb, { minLength: 1, maxLength: 4 }))
  .map(([p, edits]) => edits.reduce(applyEdit, p.text));

/** Inputs at the parser's limits: deep nesting, long chains, just under and over the length limit. */
export const stressArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('paren', 'minus', 'pow', 'call', 'chain', 'max', 'long'), fc.integer({ min: 1, max: 6000 }))
  .map(([kind, n]) => {
    switch (kind) {
      case 'paren':
        return `${'('.repeat(n)}x${')'.repeat(n)}`;
      case 'minus':
        return `${'-'.repeat(n)}x`;
      case 'pow':
        return `${'x^'.repeat(n)}x`;
      case 'call':
        return `${'sin('.repeat(n)}x${')'.repeat(n)}`;
      case 'chain':
        return `x${'+x'.repeat(n)}`;
      case 'max':
        return `${'max('.repeat(n % 40)}x${', y)'.repeat(n % 40)}`;
      default:
        return 'x'.repeat(n * 2);
    }
  });

// --- boxes and points -------------------------------------------------------------------------------------------

export interface Range {
  lo: number;
  hi: number;
}
const sorted = ([a, b]: [number, number]): Range => (a <= b ? { lo: a, hi: b } : { lo: b, hi: a });
const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const EXTREME_RANGES: Range[] = [
  { lo: -1e300, hi: 1e300 },
  { lo: -1000, hi: 1000 },
  { lo: 1e12, hi: 1e12 + 20 },
  { lo: 0, hi: 1e-300 },
  { lo: 1, hi: 1.0000000000000002 },
  { lo: -1, hi: 1 },
  { lo: 0, hi: 3 },
  { lo: -0.9, hi: 0.33 },
  { lo: 0, hi: 0 },
  { lo: -Number.MAX_VALUE, hi: Number.MAX_VALUE },
  { lo: 0.1, hi: 3 },
  { lo: 2, hi: 2 },
];
export const rangeArb: fc.Arbitrary<Range> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(finite(-3, 3), finite(-3, 3)).map(sorted) },
  { weight: 2, arbitrary: fc.constantFrom(...EXTREME_RANGES) },
  { weight: 1, arbitrary: fc.tuple(finite(-1e308, 1e308), finite(-1e308, 1e308)).map(sorted) },
);

/** A fraction of a range, with its ends (the box's corners) and its middle often. */
export const fractionArb = fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true }));

/** The point at fraction t of [lo, hi], computed without overflow and kept inside. */
export function at(r: Range, t: number): number {
  const v = t === 0 ? r.lo : t === 1 ? r.hi : r.lo * (1 - t) + r.hi * t;
  return Math.min(r.hi, Math.max(r.lo, v));
}

/** Every corner of a box (at most 2^3 of them here). */
export function corners(box: readonly Range[]): number[][] {
  return box.reduce<number[][]>(
    (acc, r) =>
      acc.flatMap((p) => [
        [...p, r.lo],
        [...p, r.hi],
      ]),
    [[]],
  );
}

// --- cases of the properties ----------------------------------------------------------------------------------------

export interface EnclosureCase {
  text: string;
  variables: string[];
  box: Range[];
  fractions: number[][];
  sub: [number, number][];
}

/** An expression of the whole language over a random box, with points and a sub-box given as fractions of it. */
export const enclosureCaseArb = (variables: string[]): fc.Arbitrary<EnclosureCase> =>
  fc
    .record({
      tree: treeArb({ variables }),
      box: fc.array(rangeArb, { minLength: variables.length, maxLength: variables.length }),
      fractions: fc.array(fc.array(fractionArb, { minLength: 1, maxLength: variables.length }), {
        minLength: 1,
        maxLength: 6,
      }),
      sub: fc.array(fc.tuple(fractionArb, fractionArb), { minLength: 1, maxLength: variables.length }),
    })
    .map(({ tree, ...rest }) => ({ text: print(tree), variables, ...rest }));

export interface PointCase {
  text: string;
  variables: string[];
  point: number[];
}

const VARIABLES = ['x', 'y'];
/** Coordinates: simple values (0 and integers, where pow's special cases live) and random ones in [-3, 3]. */
const coordinate = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 0.5, -0.5, 3),
  fc.double({ min: -3, max: 3, noNaN: true }).map((v) => v + 0),
);
const pointArb = fc.array(coordinate, { minLength: VARIABLES.length, maxLength: VARIABLES.length });

export const pointCaseArb = (options: TreeOptions): fc.Arbitrary<PointCase> =>
  fc
    .record({ tree: treeArb({ variables: VARIABLES, ...options }), point: pointArb })
    .map(({ tree, point }) => ({ text: print(tree), variables: VARIABLES, point }));

export const smoothCaseArb = pointCaseArb({ functions: SMOOTH_FUNCTIONS, constants: 'moderate', maxDepth: 4 });

/** u^v with both sides random (often a bare variable), where pow's derivative rules have their special cases. */
export const powCaseArb: fc.Arbitrary<PointCase> = fc
  .record({
    base: treeArb({ variables: VARIABLES, maxDepth: 2 }),
    exponent: treeArb({ variables: VARIABLES, maxDepth: 2 }),
    point: pointArb,
  })
  .map(({ base, exponent, point }) => ({
    text: print({ kind: 'binary', op: '^', left: base, right: exponent }),
    variables: VARIABLES,
    point,
  }));

/** A sub-expression that is NaN at every real point, to plant in a random context. */
export function poison(variable: string, which: number): Tree {
  const one: Tree = { kind: 'number', value: 1, text: '1' };
  const negative: Tree = {
    kind: 'binary',
    op: '-',
    left: { kind: 'unary', op: '-', arg: one },
    right: {
      kind: 'binary',
      op: '^',
      left: { kind: 'variable', name: variable },
      right: { kind: 'number', value: 2, text: '2' },
    },
  };
  const zero: Tree = { kind: 'number', value: 0, text: '0' };
  const all: Tree[] = [
    { kind: 'call', name: 'log', args: [negative] },
    { kind: 'call', name: 'sqrt', args: [negative] },
    { kind: 'binary', op: '/', left: zero, right: zero },
  ];
  return all[which % all.length];
}

/** The tree with its k-th leaf (mod the number of leaves) replaced. */
export function replaceLeaf(tree: Tree, k: number, by: Tree): Tree {
  const leaves = (t: Tree): number =>
    t.kind === 'unary'
      ? leaves(t.arg)
      : t.kind === 'binary'
        ? leaves(t.left) + leaves(t.right)
        : t.kind === 'call'
          ? t.args.reduce((s, a) => s + leaves(a), 0)
          : 1;
  let index = k % leaves(tree);
  const visit = (t: Tree): Tree => {
    switch (t.kind) {
      case 'unary':
        return { ...t, arg: visit(t.arg) };
      case 'binary':
        return { ...t, left: visit(t.left), right: visit(t.right) };
      case 'call':
        return { ...t, args: t.args.map(visit) };
      default:
        return index-- === 0 ? by : t;
    }
  };
  return visit(tree);
}

/** A random context with a sub-expression that is NaN everywhere planted at one of its leaves. */
export const poisonedCaseArb: fc.Arbitrary<PointCase> = fc
  .record({
    tree: treeArb({ variables: VARIABLES, maxDepth: 3 }),
    leaf: fc.nat(),
    which: fc.nat(),
    variable: fc.constantFrom(...VARIABLES),
    point: pointArb,
  })
  .map(({ tree, leaf, which, variable, point }) => ({
    text: print(replaceLeaf(tree, leaf, poison(variable, which))),
    variables: VARIABLES,
    point,
  }));
