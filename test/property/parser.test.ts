// parse(text), property-based: generated expressions of the whole grammar come back as the tree they were
// printed from; mutated and pathological text gives a ParseError with a column inside the input, quickly.
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { mutatedArb, printedArb, stressArb } from './arbitraries.js';
import { checkParse, checkReformat, checkRoundTrip, holds } from './checks.js';

describe('parse (property-based, seeded)', () => {
  test('parse(print(tree)) is the tree, with any spacing, spare parentheses and ** for ^', () => {
    fc.assert(
      fc.property(printedArb(), (p) => holds(checkRoundTrip(p))),
      { seed: 1201, numRuns: 1500 },
    );
  });

  test('parse of mutated text returns an AST or throws ParseError with a column inside the input', () => {
    fc.assert(
      fc.property(mutatedArb, (text) => holds(checkParse(text))),
      { seed: 1202, numRuns: 3000 },
    );
  });

  test('parse(format(parse(text))) is parse(text) for every mutated text that parses', () => {
    fc.assert(
      fc.property(mutatedArb, (text) => holds(checkReformat(text))),
      { seed: 1203, numRuns: 3000 },
    );
  });

  test('parse of deep nesting, long chains and over-long text ends in time with an AST or a ParseError', () => {
    fc.assert(
      fc.property(stressArb, (text) => holds(checkParse(text))),
      { seed: 1204, numRuns: 150 },
    );
  });
});
