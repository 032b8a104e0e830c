// Weight initialisers for a layer with fanIn inputs and fanOut outputs (weights [fanIn, fanOut]).
// uniform: U[−1/√n, 1/√n], variance 1/(3n) (the "common heuristic" of Glorot & Bengio 2010, which
// shrinks back-propagated gradients); xavier: variance 2/(fanIn + fanOut) (Glorot & Bengio 2010);
// he: variance 2/fanIn for ReLU (He et al. 2015).
import { SaddleError } from '../core/errors.js';
import { full, type DType, type Tensor } from '../core/index.js';
import { normal, uniform, type Rng } from '../random/index.js';

export type Initializer =
  'zero' | 'constant' | 'uniform' | 'xavier-uniform' | 'xavier-normal' | 'he-uniform' | 'he-normal';

export const INITIALIZERS: readonly Initializer[] = [
  'zero',
  'constant',
  'uniform',
  'xavier-uniform',
  'xavier-normal',
  'he-uniform',
  'he-normal',
];

export function initialize(
  kind: Initializer,
  fanIn: number,
  fanOut: number,
  options: { rng: Rng; dtype?: DType; value?: number },
): Tensor {
  const { rng, dtype = 'float64' } = options;
  const shape = [fanIn, fanOut];
  switch (kind) {
    case 'zero':
      return full(shape, 0, { dtype });
    case 'constant':
      return full(shape, options.value ?? 0.1, { dtype });
    case 'uniform': {
      const a = 1 / Math.sqrt(fanIn);
      return uniform(rng, shape, { low: -a, high: a, dtype });
    }
    case 'xavier-uniform': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      return uniform(rng, shape, { low: -a, high: a, dtype });
    }
    case 'xavier-normal':
      return normal(rng, shape, { std: Math.sqrt(2 / (fanIn + fanOut)), dtype });
    case 'he-uniform': {
      const a = Math.sqrt(6 / fanIn);
      return uniform(rng, shape, { low: -a, high: a, dtype });
    }
    case 'he-normal':
      return normal(rng, shape, { std: Math.sqrt(2 / fanIn), dtype });
  }
  throw new SaddleError(`unknown initializer '${String(kind)}'; use ${INITIALIZERS.join(', ')}`);
}
