export { applyUpdates, chain, stateless, type Extras, type GradientTransformation } from './transform.js';
export { takeStep, type Step, type StepOptions } from './fused.js';
export {
  addDecayedWeights,
  addNoise,
  addWeightDecay,
  applyIfFinite,
  clipByValue,
  clipByGlobalNorm,
  scale,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByAdamax,
  scaleByLearningRate,
  scaleByNadam,
  scaleByRadam,
  scaleByRms,
  trace,
  valueAt,
  type AdamOptions,
  type RmsOptions,
  type Schedule,
  type TraceOptions,
} from './transforms.js';
export { adadelta, adagrad, adam, adamax, adamw, nadam, radam, rmsprop, sgd, type Optimizer } from './alias.js';
export { minimize, type MinimizeOptions, type MinimizeResult, type TrajectoryPoint } from './minimize.js';
export {
  constant,
  cosine,
  cosineRestarts,
  expDecay,
  exponential,
  inverseTimeDecay,
  joinSchedules,
  linearWarmup,
  multiStep,
  oneCycle,
  polynomial,
  stepDecay,
} from './schedules.js';
export { newton, perturbedGradientDescent, saddleFreeNewton, type PerturbedOptions } from './second-order.js';
export { makeOptimizer, parseSchedule, OPTIMIZER_NAMES, type OptimizerSettings } from './registry.js';
import { OPTIMIZER_NAMES } from './registry.js';
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
// These read the objective from `extras` (second-order.ts, quasi-newton.ts); a training loop passes only gradients.
const NEEDS_OBJECTIVE: readonly OptimizerName[] = ['newton', 'damped-newton', 'saddle-free-newton', 'bfgs', 'lbfgs'];
/** The optimisers that need nothing but the gradient (perturbed-gd also a seed): what trainClassifier can drive. */
export const FIRST_ORDER_OPTIMIZERS: readonly OptimizerName[] = OPTIMIZER_NAMES.filter(
  (n) => !NEEDS_OBJECTIVE.includes(n),
);
export { backtracking, strongWolfe, type LinePhi } from './line-search.js';
export { bfgs, lbfgs } from './quasi-newton.js';
