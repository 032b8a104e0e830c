// Writing results: atomically (a temporary file in the same folder, then a rename), so an
// interrupted write never leaves a half-written file where a previous result stood.
import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './arguments.js';

export function writeAtomic(path: string, content: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${path}${code ? ` (${code})` : ''}: check that its folder exists and is writable`);
  }
}
