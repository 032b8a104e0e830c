// The network and data flags that `saddle hessian` and `saddle landscape` share: parameters from a file (or a fresh
// initialisation), the model spec checked against them and against the data, and the activation.
import type { DType } from '../core/dtype.js';
import { ACTIVATIONS, mlp, type Activation, type Dataset, type Initializer, type MlpParams } from '../models/index.js';
import { Rng } from '../random/index.js';
import { UsageError } from './arguments.js';
import { loadData, type DataFlags } from './datasets.js';
import { readParams, type ParamsFile } from './params.js';

export interface NetworkFlags extends DataFlags {
  params?: string;
  model?: number[];
  activation?: Activation;
  init: Initializer;
  loss: 'ce' | 'mse';
  seed: number;
  dtype: DType;
}

export interface Network {
  params: MlpParams;
  file?: ParamsFile;
  sizes: number[];
  /** mlp:784-128-10 */
  model: string;
  activation: Activation;
  data: Dataset;
  /** Where the parameters came from: the file, or the initialisation. */
  source: string;
}

/** The activation asked for, else the file's, else relu; a file's unknown activation asks for --activation. */
export function activationOf(flags: { activation?: Activation; params?: string }, file?: ParamsFile): Activation {
  const activation = (flags.activation ?? file?.activation ?? 'relu') as Activation;
  if (!ACTIVATIONS.includes(activation)) {
    throw new UsageError(
      `${flags.params}: its activation '${activation}' is not ${ACTIVATIONS.join(', ')}; give --activation`,
    );
  }
  return activation;
}

/** The sizes a second parameter file (--to, a checkpoint) must share with the first. */
export function checkSameModel(sizes: readonly number[], other: ParamsFile, path: string, what: string): void {
  if (other.sizes.join('-') !== sizes.join('-'))
    throw new UsageError(`${what} ${path} holds mlp:${other.sizes.join('-')}, not mlp:${sizes.join('-')}`);
}

/** Parameters, model and data, checked against each other (sizes, classes). */
export async function loadNetwork(flags: NetworkFlags): Promise<Network> {
  const file = flags.params ? readParams(flags.params) : undefined;
  const sizes = flags.model ?? file?.sizes;
  if (!sizes) throw new UsageError('give --params <file> or --model mlp:<in>-…-<out> (a fresh initialisation)');
  if (file && file.sizes.join('-') !== sizes.join('-')) {
    throw new UsageError(
      `--model mlp:${sizes.join('-')} does not match ${flags.params}, which holds mlp:${file.sizes.join('-')}`,
    );
  }
  const activation = activationOf(flags, file);
  const data = await loadData(flags, { classes: flags.loss === 'ce' });
  const features = data.x.shape[1];
  if (sizes[0] !== features)
    throw new UsageError(`--model: the input size ${sizes[0]} does not match the data's ${features} features`);
  const outputs = sizes[sizes.length - 1];
  const classes = data.classNames?.length;
  if (flags.loss === 'ce' && outputs !== classes)
    throw new UsageError(`--model: the output size ${outputs} does not match the data's ${classes} classes`);
  const params = file?.params ?? mlp(sizes, { init: flags.init, rng: new Rng(flags.seed), dtype: flags.dtype });
  const source = flags.params ?? `fresh ${flags.init} initialisation (seed ${flags.seed})`;
  return { params, file, sizes, model: `mlp:${sizes.join('-')}`, activation, data, source };
}
