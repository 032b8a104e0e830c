// A training trajectory in one .safetensors file: checkpoint i's tensors under `step<s>.` + its torch name
// (step0.0.weight, step0.0.bias, …) and the steps in the metadata, so the PCA of a trajectory (src/curvature) can be
// computed anywhere the file travels (a worker on another machine gets its bytes, not its path).
import { SaddleError } from '../core/errors.js';
import type { Tensor } from '../core/index.js';
import type { MlpParams } from './mlp.js';
import { decodeSafetensors, encodeSafetensors, mlpFromStateDict, mlpStateDict } from './safetensors.js';

export interface Trajectory {
  /** The optimiser step of each checkpoint, in order. */
  steps: number[];
  checkpoints: MlpParams[];
  metadata: Record<string, string>;
}

export function encodeTrajectory(
  trajectory: { steps: readonly number[]; checkpoints: readonly MlpParams[] },
  metadata: Record<string, string> = {},
): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  trajectory.checkpoints.forEach((params, i) => {
    for (const [name, t] of Object.entries(mlpStateDict(params))) tensors[`step${trajectory.steps[i]}.${name}`] = t;
  });
  return encodeSafetensors(tensors, { ...metadata, steps: trajectory.steps.join(',') });
}

export function decodeTrajectory(bytes: Uint8Array, options: { source?: string } = {}): Trajectory {
  const where = options.source ?? 'trajectory';
  const { tensors, metadata } = decodeSafetensors(bytes, { source: where });
  const steps = (metadata.steps ?? '').split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
  if (steps.some((s) => !Number.isSafeInteger(s)))
    throw new SaddleError(
      `${where}: its metadata has no list of steps; is it a trajectory from saddle train --checkpoints?`,
    );
  const checkpoints = steps.map((step) => {
    const prefix = `step${step}.`;
    const part = Object.fromEntries(
      Object.entries(tensors)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, t]) => [name.slice(prefix.length), t]),
    );
    if (Object.keys(part).length === 0) throw new SaddleError(`${where}: no tensors for step ${step} (${prefix}…)`);
    return mlpFromStateDict(part, { source: `${where} (step ${step})` });
  });
  return { steps, checkpoints, metadata };
}
