// A box of the user's: one closed interval per variable of an expression, parsed from the text the
// CLI and the web lab take ("x=-1:2,y=0:3"), with errors that say what, where and how to fix.
import { SaddleError } from '../core/errors.js';
import type { Interval } from './interval.js';

/**
 * "x=-1:2,y=0:3" -> one interval per variable, in `variables` order: every variable needs a range,
 * none is unknown, and each range is finite with low < high. `option` names the field in messages
 * (the CLI's --box, the lab's box).
 */
export function parseBox(text: string, variables: readonly string[], option = 'box'): Interval[] {
  if (text.trim() === '')
    throw new SaddleError(
      `${option} is empty; write it as ${option} "${variables.map((v) => `${v}=-1:1`).join(',') || 'x=-1:1'}"`,
    );
  const ranges = new Map<string, Interval>();
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^:]*?)\s*:\s*(.*?)\s*$/.exec(part);
    if (!m) throw new SaddleError(`${option}: '${part.trim()}' is not name=low:high; write it as ${option} "x=-1:2"`);
    const [, name, rawLo, rawHi] = m;
    const lo = rawLo === '' ? NaN : Number(rawLo);
    const hi = rawHi === '' ? NaN : Number(rawHi);
    if (!Number.isFinite(lo) || !Number.isFinite(hi))
      throw new SaddleError(`${option}: ${name}=${rawLo}:${rawHi} needs two finite numbers`);
    if (lo > hi)
      throw new SaddleError(
        `${option}: ${name}=${rawLo}:${rawHi} is inverted (${lo} > ${hi}); write ${name}=${rawHi}:${rawLo}`,
      );
    if (lo === hi) throw new SaddleError(`${option}: ${name}=${rawLo}:${rawHi} is empty; give a range with low < high`);
    if (ranges.has(name)) throw new SaddleError(`${option}: ${name} is given twice`);
    ranges.set(name, { lo, hi });
  }
  for (const name of ranges.keys()) {
    if (!variables.includes(name))
      throw new SaddleError(
        `${option}: '${name}' is not a variable of the expression (its variables: ${variables.join(', ') || 'none'})`,
      );
  }
  return variables.map((v) => {
    const r = ranges.get(v);
    if (!r) throw new SaddleError(`${option} gives no range for '${v}'; add ${v}=<low>:<high>`);
    return r;
  });
}
