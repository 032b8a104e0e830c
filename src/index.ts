// The public library API of saddle.
export * from './core/index.js';
export * from './linalg/index.js';
export * from './random/index.js';
export * from './expr/index.js';
export * from './landscape/index.js';
export * from './curvature/index.js';
export * from './optim/index.js';
export * from './models/index.js';
export * from './experiments/index.js';
export * from './sweep/index.js';
export * from './plot/index.js';
export { VERSION } from './version.js';
