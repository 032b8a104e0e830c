// Every command prints either a readable text or exactly one JSON document (ARCHITECTURE.md, "Figures and
// outputs"); this is the one place that decides which and writes it.
import { VERSION } from '../version.js';

/**
 * A JSON document in which a number that is not finite (a loss past float64's range, κ of a singular matrix) is the
 * string "Infinity", "-Infinity" or "NaN". JSON.stringify would write null, which reads as "not applicable": null
 * appears only where a document's schema says so.
 */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}

/**
 * JSON written by toJson, read back: the strings "Infinity", "-Infinity" and "NaN" become the numbers they stand for
 * (a grid or a result file that saddle reads again keeps its non-finite numbers as numbers).
 */
export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  );
}

/**
 * With `json`, the document (with the saddle version added) as indented JSON; else the text. Both are functions so
 * that only the one printed is built; an empty text prints nothing.
 */
export function printResult(json: boolean | undefined, document: () => object, text: () => string): void {
  if (json) {
    process.stdout.write(`${toJson({ ...document(), version: VERSION })}\n`);
  } else {
    const out = text();
    if (out !== '') process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  }
}
