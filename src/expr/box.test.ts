import { describe, expect, test } from 'vitest';
import { parseBox } from './index.js';

describe('parseBox (shared by the CLI and the web lab)', () => {
  test("one interval per variable, in the expression's order", () => {
    expect(parseBox('y=0:3, x=-1:2', ['x', 'y'])).toEqual([
      { lo: -1, hi: 2 },
      { lo: 0, hi: 3 },
    ]);
  });
  test('errors name the field they came from', () => {
    expect(() => parseBox('x=2:-1', ['x'])).toThrow(/^box: x=2:-1 is inverted \(2 > -1\); write x=-1:2$/);
    expect(() => parseBox('x=0:1', ['x', 'y'], '--box')).toThrow(/^--box gives no range for 'y'; add y=<low>:<high>$/);
    expect(() => parseBox('x=0:1,z=0:1', ['x'])).toThrow(/'z' is not a variable of the expression/);
  });
});
