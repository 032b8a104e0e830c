export {
  fitStandardizer,
  loadDataset,
  loadIris,
  loadMnist,
  parseCsv,
  selectRows,
  splitDataset,
  type Dataset,
  type DataSource,
  type Standardizer,
} from './data.js';
export { initialize, INITIALIZERS, type Initializer } from './init.js';
export {
  ACTIVATIONS,
  accuracy,
  classificationLoss,
  forward,
  meanSquaredError,
  mlp,
  type Activation,
  type Layer,
  type MlpOptions,
  type MlpParams,
} from './mlp.js';
export { trainClassifier, type EpochReport, type TrainOptions, type UpdateRule } from './train.js';
export {
  designMatrix,
  fitLinearRegression,
  linearRegression,
  regressionLoss,
  regressionSmoothness,
  unstandardizeWeights,
  type NumericalRegressionOptions,
  type NumericalRegressionResult,
  type RegressionResult,
  type RegressionStep,
} from './regression.js';
export {
  bayesianLinearNll,
  gaussianKl,
  gaussianNll,
  linearRegressionPosterior,
  logisticLoss,
  negativeElbo,
  negativeLogPosterior,
  type BayesianLinearOptions,
  type ElboOptions,
  type MeanFieldGaussian,
} from './objectives.js';
export {
  curveData,
  CURVES,
  empiricalRisk,
  linearData,
  risk,
  toCsv,
  type Curve,
  type LinearDataOptions,
} from './synthetic.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  mlpFromStateDict,
  mlpStateDict,
  type SafetensorsContents,
} from './safetensors.js';
export { decodeTrajectory, encodeTrajectory, type Trajectory } from './trajectory.js';
