// Argument checks shared by the decompositions: dense numerics here run on concrete float64
// tensors (they are not differentiable; a traced argument is refused rather than silently cut).
import { SaddleError, ShapeError, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';

export class LinAlgError extends SaddleError {
  constructor(message: string) {
    super(message);
    this.name = 'LinAlgError';
  }
}

export function checkMatrix(op: string, a: unknown, options: { square?: boolean; name?: string } = {}): Tensor {
  const name = options.name ?? 'matrix';
  if (!(a instanceof Tensor)) throw new SaddleError(`${op}: ${name} must be a Tensor`);
  if (a.rank !== 2) throw new ShapeError(`${op}: ${name} must be 2-D, got shape ${formatShape(a.shape)}`);
  if (options.square && a.shape[0] !== a.shape[1])
    throw new ShapeError(`${op}: ${name} must be square, got shape ${formatShape(a.shape)}`);
  checkConcreteFloat64(op, a, name);
  return a;
}

export function checkConcreteFloat64(op: string, a: Tensor, name: string): void {
  if (a.trace !== null) {
    throw new SaddleError(
      `${op} is not differentiable in saddle yet; it was called on a traced ${name} inside grad/jvp`,
    );
  }
  if (a.dtype !== 'float64') {
    throw new SaddleError(`${op}: linear algebra works in float64; the ${name} is ${a.dtype}: use cast(x, 'float64')`);
  }
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new LinAlgError(`${op}: the ${name} has a non-finite entry (${d[i]}) at flat index ${i}`);
    }
  }
}

/** Copy of a row-major matrix's data. */
export function copyData(a: Tensor): Float64Array {
  return Float64Array.from(a.data);
}
