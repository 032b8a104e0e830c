// The one progress bar of the CLI: on standard error, only on a terminal, never mixed into a JSON document.

export interface ProgressBar {
  /** Redraws the bar: `done` of `of`, with what is being done. */
  update(done: number, of: number, label?: string): void;
  /** Erases the bar, so the next line of output starts clean. */
  clear(): void;
}

const silent: ProgressBar = { update: () => {}, clear: () => {} };

/** A bar of `width` cells, or one that draws nothing when standard error is no terminal or `json` is set. */
export function progressBar(options: { json?: boolean; prefix?: string; width?: number } = {}): ProgressBar {
  if (options.json || !process.stderr.isTTY) return silent;
  const width = options.width ?? 30;
  const prefix = options.prefix ?? ' ';
  return {
    update(done, of, label = '') {
      const filled = Math.max(0, Math.min(width, Math.round((done / Math.max(of, 1)) * width)));
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      process.stderr.write(`\r\x1b[K${prefix} [${bar}] ${label}`.slice(0, 200));
    },
    clear() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
