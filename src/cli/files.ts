// Reading the user's files with errors that name them, and writing results atomically (a temporary file in the same
// folder, then a rename), so an interrupted write never leaves a half-written file where a previous result stood.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './arguments.js';

/** A temporary file this old belongs to no live write even if its pid was reused by another process. */
export const STALE_TEMPORARY_MS = 15 * 60 * 1000;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files a killed writer of `path` left behind (`.<name>.<pid>.tmp`). Another writer that is
 * still running keeps its file: only a dead pid's file, or one older than STALE_TEMPORARY_MS, is removed.
 */
export function removeStaleTemporaries(path: string, now = Date.now()): string[] {
  const folder = dirname(path);
  const pattern = new RegExp(`^\\.${escape(basename(path))}\\.(\\d+)\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return []; // the write itself reports an unreadable folder
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    const file = join(folder, name);
    try {
      if (processAlive(Number(m[1])) && now - statSync(file).mtimeMs < STALE_TEMPORARY_MS) continue;
      unlinkSync(file);
      removed.push(file);
    } catch {
      // gone already (its writer finished), or not ours to remove
    }
  }
  return removed;
}

export function writeAtomic(path: string, content: string | Uint8Array): void {
  removeStaleTemporaries(path);
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
    throw new UsageError(
      `cannot write ${path}${code ? ` (${code})` : ''}: check that its folder exists and is writable`,
    );
  }
}

/** A text file the user named, or a UsageError saying which file and why it could not be read. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/**
 * Creates the folder `path` and its missing parents, one at a time. Node's mkdir {recursive: true} loops for ever
 * where mkdir answers ENOENT for a child of a folder that exists (/proc/x: /proc accepts no new entries).
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    let stats;
    try {
      stats = statSync(at);
    } catch {
      missing.push(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
      continue;
    }
    if (!stats.isDirectory()) throw new UsageError(`cannot create ${path}: ${at} is a file, not a folder`);
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue; // made meanwhile by another process
      throw new UsageError(
        `cannot create ${path}: ${folder} could not be made (${code ?? 'error'}); choose a folder ` +
          'you can write to',
      );
    }
  }
}
