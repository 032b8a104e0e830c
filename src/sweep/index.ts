export { BlobSet, sha256, type BlobGetter, type BlobRef } from './blobs.js';
export { loadSweepData, type DataSpec } from './data.js';
export { errorMessage, inlineExecutor, type Executor, type JobHandlers } from './executor.js';
export { newCache, runJob, type Job, type JobKind, type JobKinds, type JobSpec, type WorkerCache } from './jobs.js';
export { landscapeContext, type LandscapeContext, type LandscapeSpec } from './landscape-job.js';
export { runTrainJob, type TrainResult, type TrainSettings } from './train-job.js';
export { checkReproduce, runReproduceJob, type ReproduceResult, type ReproduceSettings } from './reproduce-job.js';
export { runHessianJob, type HessianResult, type HessianSettings } from './hessian-job.js';
