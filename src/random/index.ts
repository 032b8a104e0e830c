export { Rng } from './rng.js';
export { normal, permutation, rademacher, uniform, type RandomOptions } from './tensors.js';
export { minibatches, type MinibatchOptions, type Minibatches } from './minibatch.js';
