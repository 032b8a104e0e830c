export { fitStandardizer, loadIris, loadMnist, parseCsv, splitDataset, type Dataset, type Standardizer } from './data.js';
export { initialize, INITIALIZERS, type Initializer } from './init.js';
export { accuracy, classificationLoss, forward, meanSquaredError, mlp, type Activation, type Layer, type MlpOptions, type MlpParams } from './mlp.js';
export { trainClassifier, type EpochReport, type TrainOptions, type UpdateRule } from './train.js';
export { designMatrix, linearRegression, regressionLoss, unstandardizeWeights, type RegressionResult } from './regression.js';
