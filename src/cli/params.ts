// Parameter files users exchange (ARCHITECTURE.md, "Files users exchange"): safetensors with the names and layout of a
// PyTorch nn.Sequential state_dict, so weights move between PyTorch and saddle both ways, and saddle's own JSON for
// small ones (the format `saddle train --save x.json` has always written).
import { readFileSync } from 'node:fs';
import { SaddleError } from '../core/errors.js';
import { isDType, tensor, type Tensor } from '../core/index.js';
import {
  decodeSafetensors,
  decodeTrajectory,
  encodeSafetensors,
  encodeTrajectory,
  mlpFromStateDict,
  mlpStateDict,
  type MlpParams,
} from '../models/index.js';
import { VERSION } from '../version.js';
import { UsageError } from './arguments.js';
import { readText, writeAtomic } from './files.js';

export type ParamsFormat = 'safetensors' | 'json';

export interface ParamsFile {
  params: MlpParams;
  /** Layer widths, input first: [4, 5, 3] for mlp:4-5-3. */
  sizes: number[];
  activation?: string;
  model?: string;
}

/** The format a parameter file's extension names, or a UsageError (naming `what`, e.g. the flag) saying which ones. */
export function paramsFormat(path: string, what = path): ParamsFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.json')) return 'json';
  throw new UsageError(`${what}: ${path} should be a .safetensors file (PyTorch nn.Sequential names) or a .json file`);
}

/** Library errors about the file's contents become usage errors: the user named the file. */
function asUsage<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof SaddleError && !(err instanceof UsageError)) throw new UsageError(err.message);
    throw err;
  }
}

function sizesOf(params: MlpParams): number[] {
  return [params.layers[0].w.shape[0], ...params.layers.map((l) => l.w.shape[1])];
}

/** The JSON of `saddle train --save x.json`: the parameter tree with each tensor's shape, dtype and numbers. */
export function serialize(params: MlpParams, info: { model?: string; activation?: string }) {
  const plain = (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.data) });
  return {
    model: info.model,
    activation: info.activation,
    version: VERSION,
    layers: params.layers.map((l) => ({ w: plain(l.w), b: plain(l.b) })),
  };
}

function parseJsonTensor(path: string, where: string, value: unknown): Tensor {
  const t = value as { shape?: unknown; dtype?: unknown; data?: unknown } | null;
  const ok =
    typeof t === 'object' &&
    t !== null &&
    Array.isArray(t.shape) &&
    isDType(t.dtype) &&
    Array.isArray(t.data) &&
    t.shape.every((n) => Number.isInteger(n) && n >= 0) &&
    t.data.every((v) => typeof v === 'number');
  if (!ok) {
    throw new UsageError(
      `${path}: ${where} is not {shape: [..], dtype: 'float64' | 'float32', data: [numbers]}; ` +
        'was the file written by saddle train --save?',
    );
  }
  return asUsage(() => tensor(t.data as number[], { shape: t.shape as number[], dtype: t.dtype as 'float64' }));
}

function readJson(path: string): ParamsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(readText(path));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const d = doc as { layers?: unknown; model?: unknown; activation?: unknown } | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.layers) || d.layers.length === 0) {
    throw new UsageError(`${path}: expected {layers: [{w, b}, …]} as written by saddle train --save x.json`);
  }
  const layers = d.layers.map((layer: unknown, k) => {
    const l = (layer ?? {}) as { w?: unknown; b?: unknown };
    return { w: parseJsonTensor(path, `layers[${k}].w`, l.w), b: parseJsonTensor(path, `layers[${k}].b`, l.b) };
  });
  layers.forEach(({ w, b }, k) => {
    const previous = k > 0 ? layers[k - 1].w.shape[1] : w.shape[0];
    if (w.rank !== 2 || w.shape[0] !== previous || b.rank !== 1 || b.shape[0] !== w.shape[1] || b.dtype !== w.dtype) {
      throw new UsageError(
        `${path}: layers[${k}] has w ${JSON.stringify(w.shape)} (${w.dtype}) and b ` +
          `${JSON.stringify(b.shape)} (${b.dtype}); w must be [${previous}, out] and b [out], in one dtype`,
      );
    }
  });
  const params = { layers };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { params, sizes: sizesOf(params), activation: text(d.activation), model: text(d.model) };
}

/** MLP parameters from a .safetensors file (PyTorch nn.Sequential state_dict) or saddle's .json. */
export function readParams(path: string): ParamsFile {
  if (paramsFormat(path) === 'json') return readJson(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
  const { tensors, metadata } = asUsage(() => decodeSafetensors(bytes, { source: path }));
  const params = asUsage(() => mlpFromStateDict(tensors, { source: path }));
  return { params, sizes: sizesOf(params), activation: metadata.activation, model: metadata.model };
}

/**
 * Writes `params` atomically as .safetensors (torch names and layout; metadata format 'pt' as transformers writes,
 * plus the model spec, activation and saddle version) or as saddle's .json, by the extension of `path`.
 */
export function writeParams(path: string, params: MlpParams, info: { model?: string; activation?: string } = {}): void {
  if (paramsFormat(path) === 'json') {
    writeAtomic(path, JSON.stringify(serialize(params, info), null, 0));
    return;
  }
  const metadata: Record<string, string> = { format: 'pt', saddle_version: VERSION };
  if (info.model !== undefined) metadata.model = info.model;
  if (info.activation !== undefined) metadata.activation = info.activation;
  writeAtomic(path, encodeSafetensors(mlpStateDict(params), metadata));
}

/** The trajectory file `saddle train --save p.safetensors --checkpoints N` writes beside p. */
export function trajectoryPath(params: string): string {
  return params.replace(/\.(safetensors|json)$/i, '') + '.trajectory.safetensors';
}

/**
 * Writes checkpoints as one .safetensors file (models/trajectory.ts): tensors under `step<s>.` + their torch names,
 * the steps, model and activation in the metadata.
 */
export function writeTrajectory(
  path: string,
  trajectory: { steps: number[]; checkpoints: MlpParams[] },
  info: { model?: string; activation?: string } = {},
): void {
  const metadata: Record<string, string> = { format: 'pt', saddle_version: VERSION };
  if (info.model !== undefined) metadata.model = info.model;
  if (info.activation !== undefined) metadata.activation = info.activation;
  writeAtomic(path, encodeTrajectory(trajectory, metadata));
}

/** The bytes of a file the user named, or a UsageError saying why not. */
export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** The checkpoints of a file writeTrajectory wrote, each with its sizes. */
export function readTrajectory(
  path: string,
  bytes: Uint8Array = readBytes(path),
): { steps: number[]; checkpoints: ParamsFile[] } {
  const t = asUsage(() => decodeTrajectory(bytes, { source: path }));
  return {
    steps: t.steps,
    checkpoints: t.checkpoints.map((params) => ({
      params,
      sizes: sizesOf(params),
      activation: t.metadata.activation,
      model: t.metadata.model,
    })),
  };
}
