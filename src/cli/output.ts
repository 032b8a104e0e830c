// Every command prints either a readable text or exactly one JSON document (ARCHITECTURE.md, "Figures and
// outputs"); this is the one place that decides which and writes it.
import { VERSION } from '../version.js';

/**
 * With `json`, the document (with the saddle version added) as indented JSON; else the text. Both are functions so
 * that only the one printed is built; an empty text prints nothing.
 */
export function printResult(json: boolean | undefined, document: () => object, text: () => string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...document(), version: VERSION }, null, 2)}\n`);
  } else {
    const out = text();
    if (out !== '') process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  }
}
