// One curvature measurement as a job (`saddle hessian` with a seed): the network's parameters travel as a blob, the
// seed picks the example subset, the start vectors and the probes. Timings and eigenvectors are left out, so a
// result is the same bytes on any worker.
import type { DType } from '../core/dtype.js';
import {
  curvatureOperator,
  curvatureReport,
  namedLoss,
  type CurvatureKind,
  type CurvatureReport,
} from '../curvature/index.js';
import { decodeSafetensors, mlpFromStateDict, type Activation } from '../models/index.js';
import type { BlobGetter, BlobRef } from './blobs.js';
import { loadSweepData, type DataSpec } from './data.js';

export interface HessianSettings {
  /** The network, as safetensors (torch nn.Sequential names). */
  params: BlobRef;
  activation: Activation;
  data: DataSpec;
  loss: 'ce' | 'mse';
  /** A seeded subset of this many examples (default every row). */
  examples?: number;
  batch: number;
  kind: CurvatureKind;
  top: number;
  bottom: number;
  /** Hutchinson with this many probes, when given. */
  trace?: number;
  /** Compute in this dtype (saddle hessian's default: float32). */
  dtype: DType;
  seed: number;
}

export type HessianResult = Omit<CurvatureReport, 'seconds' | 'vectors'>;

export async function runHessianJob(settings: HessianSettings, get: BlobGetter): Promise<HessianResult> {
  const params = mlpFromStateDict(decodeSafetensors(await get(settings.params), { source: 'params' }).tensors, {
    source: 'params',
  });
  const full = await loadSweepData(settings.data, get, settings.loss === 'ce');
  const data = { x: full.x, y: full.y };
  const loss = namedLoss(settings.loss, settings.activation);
  const op = curvatureOperator({
    loss,
    params,
    data,
    batchSize: settings.batch,
    kind: settings.kind,
    examples: settings.examples,
    seed: settings.seed,
    dtype: settings.dtype,
  });
  const {
    seconds: _,
    vectors: __,
    ...report
  } = curvatureReport(op, {
    seed: settings.seed,
    top: settings.top,
    bottom: settings.bottom,
    trace: settings.trace === undefined ? false : { probes: settings.trace },
  });
  return report;
}
