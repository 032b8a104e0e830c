// derive: everything second order at one point (value, gradient, Hessian, its eigenvalues), in
// float64 or float32. In float32 every derivative is computed in float32; the eigenvalues of that
// float32 Hessian are then computed in float64 (linalg works in float64), as the result says.
import { SaddleError } from '../core/errors.js';
import { allFinite, cast, hessian, tensor, valueAndGrad, type DType } from '../core/index.js';
import { eigh } from '../linalg/index.js';
import { locateNonDifferentiable, locateNonFinite, type Objective } from '../expr/index.js';
import { hypot } from '../linalg/vectors.js';

export interface Derivatives {
  objective: string;
  variables: string[];
  point: Record<string, number>;
  dtype: DType;
  value: number;
  gradient: Record<string, number>;
  gradientNorm: number;
  /** Row-major, variables × variables. */
  hessian: number[][];
  /** Eigenvalues of the Hessian, ascending (computed in float64 from the dtype's Hessian). */
  eigenvalues: number[];
}

function describePoint(variables: readonly string[], point: readonly number[]): string {
  return variables.map((v, i) => `${v}=${point[i]}`).join(', ');
}

export function derive(objective: Objective, point: readonly number[], options: { dtype?: DType } = {}): Derivatives {
  const dtype = options.dtype ?? 'float64';
  const n = objective.variables.length;
  if (point.length !== n) {
    throw new SaddleError(
      `derive: the point has ${point.length} coordinates but the objective has ${n} variables ` +
        `(${objective.variables.join(', ')})`,
    );
  }
  const x = tensor([...point], { dtype });
  const [value, gradient] = valueAndGrad(objective.at)(x);
  const H = hessian(objective.at)(x);
  if (!allFinite(value) || !allFinite(gradient) || !allFinite(H)) {
    const args = [objective.expr, objective.variables, point, dtype] as const;
    const at = describePoint(objective.variables, point);
    const undefinedPart = allFinite(value) ? null : locateNonFinite(...args);
    if (undefinedPart) {
      const { text, column, value: v, reason } = undefinedPart;
      throw new SaddleError(
        `derive: ${objective.text} is undefined at ${at}: ${text} (column ${column}) is ${v} there (${reason}); ` +
          'choose another point',
      );
    }
    const kink = locateNonDifferentiable(...args);
    const what = kink
      ? `${kink.text} (column ${kink.column}) is not differentiable at this point (${kink.reason})`
      : 'a derivative is not finite there (the expression is not differentiable at this point)';
    throw new SaddleError(
      `derive: ${objective.text} has no finite second derivatives at ${at}: ${what}; choose another point`,
    );
  }
  const eigenvalues = n > 0 ? Array.from(eigh(cast(H, 'float64')).eigenvalues.data) : [];
  const g = Array.from(gradient.data);
  const rows = H.toArray() as number[][];
  return {
    objective: objective.text,
    variables: [...objective.variables],
    point: Object.fromEntries(objective.variables.map((v, i) => [v, point[i]])),
    dtype,
    value: value.item(),
    gradient: Object.fromEntries(objective.variables.map((v, i) => [v, g[i]])),
    gradientNorm: hypot(g),
    hessian: n > 0 ? rows : [],
    eigenvalues,
  };
}
