// Parsing of command-line values that users type: errors say what, where and how to fix.
import { SaddleError } from '../core/errors.js';

/** A bad command-line value (exit code 2). */
export class UsageError extends SaddleError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "x=1,y=-2.5" -> {x: 1, y: -2.5}. */
export function parseAssignments(option: string, text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (text.trim() === '') throw new UsageError(`${option} is empty; write it as ${option} "x=1,y=2"`);
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(part);
    if (!m) throw new UsageError(`${option}: '${part.trim()}' is not name=value; write it as ${option} "x=1,y=2"`);
    const [, name, raw] = m;
    const value = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`${option}: ${name}=${raw} is not a finite number`);
    if (out.has(name)) throw new UsageError(`${option}: ${name} is given twice`);
    out.set(name, value);
  }
  return out;
}

/** The values of `variables` from parsed assignments; every variable needed, none unknown. */
export function pointFor(option: string, assignments: Map<string, number>, variables: readonly string[]): number[] {
  for (const name of assignments.keys()) {
    if (!variables.includes(name)) {
      throw new UsageError(
        `${option}: '${name}' is not a variable of the expression (its variables: ${variables.join(', ') || 'none'})`,
      );
    }
  }
  return variables.map((v) => {
    const value = assignments.get(v);
    if (value === undefined) throw new UsageError(`${option} gives no value for '${v}'; add ${v}=<number>`);
    return value;
  });
}
