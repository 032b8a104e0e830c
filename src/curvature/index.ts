export { blockView, leafNames, type Block, type BlockView, type Selection } from './blocks.js';
export {
  crossEntropyLoss,
  customLoss,
  namedLoss,
  negativeElboLoss,
  negativeLogPosteriorLoss,
  squaredErrorLoss,
  type Batch,
  type CurvatureLoss,
  type SquaredErrorReduction,
} from './losses.js';
export {
  CURVATURE_KINDS,
  curvatureOperator,
  type CurvatureKind,
  type CurvatureOperator,
  type CurvatureOptions,
  type Examples,
} from './operator.js';
export { eigenpairs, type Eigenpair, type EigenOptions, type EigenResult, type SymmetricOperator } from './spectrum.js';
export { hutchinson, hutchPlusPlus, type TraceEstimate } from './trace.js';
export {
  spectralDensity,
  wasserstein1,
  wasserstein1Between,
  type DensityOptions,
  type SpectralDensity,
} from './density.js';
export {
  curvatureReport,
  findOutliers,
  type CurvatureReport,
  type CurvatureReportOptions,
  type Outliers,
} from './report.js';
export {
  sharpnessTracker,
  stabilityThreshold,
  type SharpnessOptions,
  type SharpnessPoint,
  type SharpnessTracker,
} from './sharpness.js';
export {
  datasetMetrics,
  interpolate,
  NORMALIZATIONS,
  normalizeDirection,
  pointOnPlane,
  randomDirection,
  trajectoryPca,
  type DirectionOptions,
  type Metrics,
  type Normalization,
  type TrajectoryPca,
} from './geometry.js';
export {
  axis,
  emptyResult,
  LANDSCAPE_MODES,
  landscape,
  landscapePoint,
  pendingPoints,
  recordPoint,
  gridValueAt,
  type EigenMapOptions,
  type GridValues,
  type Landscape,
  type LandscapeResult,
  type LandscapeMode,
  type LandscapeOptions,
  type PointMetrics,
} from './slices.js';
