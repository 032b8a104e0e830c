/**
 * Errors a user can act on: what went wrong, where, and how to fix it.
 * Every error saddle throws for bad input is a SaddleError (or a subclass).
 */
export class SaddleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaddleError';
  }
}

/** Mismatched shapes or dtypes given to an op. The message names the op and the shapes. */
export class ShapeError extends SaddleError {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
