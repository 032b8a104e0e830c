// Reading the PyTorch curvature fixtures (fixtures/generate_torch_curvature.py) into saddle's terms:
// a state_dict of nested lists becomes MlpParams, and a flat vector in torch's order (per layer:
// weight [out, in] row-major, then bias) becomes the flat vector of saddle's block order.
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/core/index.js';
import { mlpFromStateDict, type MlpParams } from '../../src/models/index.js';
import { blockView } from '../../src/curvature/blocks.js';

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function paramsFrom(stateDict: Record<string, unknown>, dtype: 'float64' | 'float32' = 'float64'): MlpParams {
  const dict: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(stateDict)) dict[k] = tensor(v as number[], { dtype });
  return mlpFromStateDict(dict);
}

/** A flat vector in torch's state_dict order, in saddle's order for the same MLP. */
export function fromTorchOrder(v: readonly number[], layers: readonly (readonly number[])[]): Float64Array {
  const dict: Record<string, number[][] | number[]> = {};
  let t = 0;
  layers.forEach(([inp, out], k) => {
    const w: number[][] = [];
    for (let o = 0; o < out; o++) w.push(v.slice(t + o * inp, t + (o + 1) * inp) as number[]);
    t += inp * out;
    dict[`${2 * k}.weight`] = w;
    dict[`${2 * k}.bias`] = v.slice(t, t + out) as number[];
    t += out;
  });
  return blockView(paramsFrom(dict)).point;
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}
