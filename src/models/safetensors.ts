// safetensors (https://github.com/huggingface/safetensors, README "Format" and safetensors/src/tensor.rs), so that
// parameters move between PyTorch and saddle both ways. Pure bytes in and out: reading and writing files is the CLI's.
//
//   8 bytes   N, the header length, a little-endian u64 (at most 100 MB, the reference reader's MAX_HEADER_SIZE)
//   N bytes   UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}
//   the rest  the byte buffer: every tensor little-endian, row-major ('C' order), at [begin, end) of this buffer
//
// The reference reader (Metadata::validate) requires the offsets, sorted, to tile the buffer exactly: the first
// begins at 0, each begins where the previous ends, each spans shape × dtype size bytes, and the last ends at the
// end of the file. We check the same, with messages that say which tensor is wrong and how.
import { SaddleError, formatShape } from '../core/errors.js';
import { fromData, transpose, type DType, type Tensor } from '../core/index.js';
import type { MlpParams } from './mlp.js';

/** The reference implementation's limit on the header (MAX_HEADER_SIZE in safetensors/src/tensor.rs). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype of the spec (Dtype::size); only the float ones are readable. */
const DTYPE_SIZES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

const WRITE_DTYPE: Record<DType, 'F32' | 'F64'> = { float32: 'F32', float64: 'F64' };

type Readable = 'F16' | 'BF16' | 'F32' | 'F64';
const READABLE: readonly Readable[] = ['F16', 'BF16', 'F32', 'F64'];

export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Orders strings as the Rust writer does (byte order of UTF-8, which is code-point order), not by UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The safetensors bytes of `tensors` (float32 as F32, float64 as F64) with optional string `metadata`.
 *
 * Laid out as the Rust writer `serialize` does, so a file saddle writes is byte-identical to one written by
 * `safetensors.torch.save_file` of the same tensors: tensors sorted by descending dtype size (F64 before F32, which
 * keeps every tensor aligned to its element size), then by name; compact JSON with "__metadata__" first; the header
 * padded with spaces to a multiple of 8. Metadata keys are sorted (the Rust writer's order is a hash map's).
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => {
    const size = DTYPE_SIZES[WRITE_DTYPE[tensors[b].dtype]] - DTYPE_SIZES[WRITE_DTYPE[tensors[a].dtype]];
    return size !== 0 ? size : compareCodePoints(a, b);
  });
  // Null prototypes, so that a tensor named "__proto__" is just a name.
  const header = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    const sorted = Object.create(null) as Record<string, string>;
    for (const key of Object.keys(metadata).sort(compareCodePoints)) {
      if (typeof metadata[key] !== 'string') {
        throw new SaddleError(
          `encodeSafetensors: metadata '${key}' is a ${typeof metadata[key]}; safetensors metadata ` +
            'values are strings, so convert it with String() or JSON.stringify()',
        );
      }
      sorted[key] = metadata[key];
    }
    header.__metadata__ = sorted;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') {
      throw new SaddleError("encodeSafetensors: the name '__metadata__' is reserved by the format; rename the tensor");
    }
    const t = tensors[name];
    const dtype = WRITE_DTYPE[t.dtype];
    const bytes = t.size * DTYPE_SIZES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    const data = tensors[name].data;
    if (data instanceof Float64Array) {
      for (let i = 0; i < data.length; i++, at += 8) view.setFloat64(at, data[i], true);
    } else {
      for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i], true);
    }
  }
  return out;
}

/**
 * The top-level keys of a JSON object text, in order, duplicates included (JSON.parse keeps only the last of a
 * repeated key, so a repeated tensor name would otherwise pass silently). `text` must already parse.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

interface Entry {
  name: string;
  dtype: Readable;
  shape: number[];
  begin: number;
  end: number;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** One header entry, checked on its own: known float dtype, a shape of counts, offsets spanning shape × size. */
function checkEntry(where: string, name: string, info: unknown): Entry {
  const at = `${where}: tensor '${name}'`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw new SaddleError(
      `${at}: its header entry is not an object {dtype, shape, data_offsets}; ` + 'the file is not safetensors',
    );
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_SIZES)) {
    throw new SaddleError(
      `${at}: unknown dtype ${JSON.stringify(dtype)}; the format's dtypes are ` +
        `${Object.keys(DTYPE_SIZES).join(', ')}`,
    );
  }
  if (!(READABLE as readonly string[]).includes(dtype)) {
    throw new SaddleError(
      `${at} has dtype ${dtype}, which saddle cannot read (it reads ${READABLE.join(', ')}); ` +
        'save floating-point parameters, e.g. with .float() or .double() in PyTorch',
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new SaddleError(`${at}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new SaddleError(
      `${at}: data_offsets ${JSON.stringify(offsets)} is not [begin, end] with non-negative ` +
        'integers (byte positions in the buffer after the header)',
    );
  }
  const [begin, end] = offsets as number[];
  if (end < begin) throw new SaddleError(`${at}: data_offsets [${begin}, ${end}] end before they begin`);
  const size = DTYPE_SIZES[dtype];
  let bytes = size;
  for (const n of shape as number[]) {
    bytes *= n;
    if (!Number.isSafeInteger(bytes)) {
      throw new SaddleError(`${at}: shape ${formatShape(shape as number[])} of ${dtype} is too large to address`);
    }
  }
  if (end - begin !== bytes) {
    throw new SaddleError(
      `${at}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ` +
        `${formatShape(shape as number[])} of ${dtype} (${size} bytes each) needs ${bytes}; ` +
        'the header is inconsistent',
    );
  }
  return { name, dtype: dtype as Readable, shape: shape as number[], begin, end };
}

/** IEEE half precision bits -> the same number (every half is a float32 exactly). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The numbers of one entry; F16 and BF16 become float32 (exactly: both are subsets of it). */
function readEntry(view: DataView, start: number, e: Entry): Tensor {
  const count = (e.end - e.begin) / DTYPE_SIZES[e.dtype];
  const at = start + e.begin;
  if (e.dtype === 'F64') {
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, true);
    return fromData(data, e.shape);
  }
  const data = new Float32Array(count);
  if (e.dtype === 'F32') for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
  else if (e.dtype === 'F16') for (let i = 0; i < count; i++) data[i] = halfToNumber(view.getUint16(at + 2 * i, true));
  else {
    // bfloat16 is the top half of a float32's bits.
    const bits = new Uint32Array(data.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
  }
  return fromData(data, e.shape);
}

/**
 * The tensors and metadata of safetensors `bytes`. F32 reads as float32, F64 as float64, F16 and BF16 convert to
 * float32 (exactly); any other dtype is an error naming the tensor. Every size and offset is checked against the
 * input before anything is allocated, so a hostile or truncated file is a SaddleError saying what is wrong, in which
 * tensor of `source`, and what to do, never an out-of-range read or a huge allocation.
 */
export function decodeSafetensors(bytes: Uint8Array, options: { source?: string } = {}): SafetensorsContents {
  const where = options.source ?? 'safetensors';
  if (bytes.length < 8) {
    throw new SaddleError(
      `${where}: ${bytes.length} bytes is too short for safetensors, which begins with an 8-byte ` +
        'header length; the file is truncated or not safetensors',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new SaddleError(
      `${where}: the header length is ${declared} bytes, more than the format's limit of ` +
        `${MAX_HEADER_BYTES}; the file is corrupt or not safetensors`,
    );
  }
  const n = Number(declared);
  if (8 + n > bytes.length) {
    throw new SaddleError(
      `${where}: the header length is ${n} bytes but only ${bytes.length - 8} follow it; ` +
        'the file is truncated (copy or download it again)',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SaddleError(`${where}: the header is not valid UTF-8; the file is corrupt or not safetensors`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new SaddleError(
      `${where}: the header is not valid JSON (${(err as Error).message}); the file is corrupt or ` + 'not safetensors',
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SaddleError(`${where}: the header is JSON but not an object of tensors; the file is not safetensors`);
  }
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) {
      throw new SaddleError(`${where}: the name '${key}' appears twice in the header; each tensor needs its own name`);
    }
    seen.add(key);
  }
  const metadata = Object.create(null) as Record<string, string>; // null prototypes, as in encodeSafetensors
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name !== '__metadata__') {
      entries.push(checkEntry(where, name, info));
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) {
      throw new SaddleError(`${where}: "__metadata__" must be an object of strings, got ${JSON.stringify(info)}`);
    }
    for (const [key, value] of Object.entries(info as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        throw new SaddleError(`${where}: metadata '${key}' is ${JSON.stringify(value)}; metadata values are strings`);
      }
      metadata[key] = value;
    }
  }
  const buffer = bytes.length - 8 - n;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    const at = `${where}: tensor '${e.name}'`;
    if (e.end > buffer) {
      throw new SaddleError(
        `${at}: data_offsets [${e.begin}, ${e.end}] run past the end of the ${buffer}-byte buffer; ` +
          'the file is truncated or its header is wrong',
      );
    }
    if (e.begin < expected) {
      throw new SaddleError(
        `${at}: data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' ` +
          `[${previous!.begin}, ${previous!.end}]; every tensor needs its own bytes`,
      );
    }
    if (e.begin > expected) {
      throw new SaddleError(
        `${at}: data_offsets begin at ${e.begin}, leaving bytes [${expected}, ${e.begin}) of ` +
          `the buffer unused${previous ? ` after tensor '${previous.name}'` : ''}; the format requires the tensors ` +
          'to fill the buffer without holes',
      );
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== buffer) {
    throw new SaddleError(
      `${where}: the tensors fill ${expected} bytes of the buffer but the file has ${buffer} ` +
        'after its header; the file has trailing bytes or its header is wrong',
    );
  }
  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const e of entries) tensors[e.name] = readEntry(view, 8 + n, e);
  return { tensors, metadata };
}

/** The PyTorch state_dict of `nn.Sequential(Linear, act, Linear, act, …, Linear)` equal to `params`. */
export function mlpStateDict(params: MlpParams): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  params.layers.forEach((layer, k) => {
    // torch.nn.Linear stores weight as [out, in] (y = x Wᵀ + b); saddle's w is [in, out] (y = x w + b).
    dict[`${2 * k}.weight`] = transpose(layer.w);
    dict[`${2 * k}.bias`] = layer.b;
  });
  return dict;
}

const KEY = /^(.*?)(0|[1-9]\d*)\.(weight|bias)$/;

/**
 * MLP parameters from the state_dict of `nn.Sequential(Linear, act, Linear, act, …, Linear)`: keys exactly
 * `2k.weight` [out, in] and `2k.bias` [out] for k = 0 … L-1 (the activations, which hold no parameters, sit at the odd
 * indices). A single prefix shared by every key, such as `net.` or `model.` (a Sequential kept as an attribute of a
 * module), is stripped. Shapes must chain and every tensor share one dtype; errors name the key and list the expected.
 */
export function mlpFromStateDict(dict: Record<string, Tensor>, options: { source?: string } = {}): MlpParams {
  const where = options.source ?? 'state_dict';
  const keys = Object.keys(dict);
  if (keys.length === 0) throw new SaddleError(`${where}: no tensors; expected 0.weight, 0.bias, 2.weight, …`);
  const parsed = keys.map((key) => ({ key, match: KEY.exec(key) }));
  const prefixes = [...new Set(parsed.flatMap(({ match }) => (match ? [match[1]] : [])))];
  const prefix = prefixes.length === 1 ? prefixes[0] : '';
  const hint = `an nn.Sequential of Linear layers and activations has only ${prefix}2k.weight and ${prefix}2k.bias`;
  const bad = parsed.find(({ match }) => match === null || (match[1] !== '' && !match[1].endsWith('.')));
  if (bad !== undefined) throw new SaddleError(`${where}: unexpected key '${bad.key}'; ${hint}`);
  if (prefixes.length > 1) {
    throw new SaddleError(
      `${where}: the keys have different prefixes (${prefixes.map((p) => `'${p}'`).join(', ')}); ` +
        'save the state_dict of the nn.Sequential alone',
    );
  }
  let layers = 0;
  for (const { key, match } of parsed) {
    const index = Number(match![2]);
    if (index % 2 === 1) {
      throw new SaddleError(
        `${where}: '${key}' is at odd index ${index}; ${hint} (Linear layers at even indices, ` +
          'activations between them)',
      );
    }
    layers = Math.max(layers, index / 2 + 1);
  }
  const expected = Array.from({ length: layers }, (_, k) => [
    `${prefix}${2 * k}.weight`,
    `${prefix}${2 * k}.bias`,
  ]).flat();
  const missing = expected.find((key) => !(key in dict));
  if (missing !== undefined) {
    throw new SaddleError(
      `${where}: missing '${missing}'; for ${layers} Linear layers the keys are ` + `${expected.join(', ')}`,
    );
  }
  const dtype = dict[expected[0]].dtype;
  let inputs = -1;
  const result: MlpParams = { layers: [] };
  for (let k = 0; k < layers; k++) {
    const [wKey, bKey] = [expected[2 * k], expected[2 * k + 1]];
    const [weight, bias] = [dict[wKey], dict[bKey]];
    for (const [key, t] of [
      [wKey, weight],
      [bKey, bias],
    ] as const) {
      if (t.dtype !== dtype) {
        throw new SaddleError(
          `${where}: '${key}' is ${t.dtype} but '${expected[0]}' is ${dtype}; save every tensor ` +
            'in one dtype (model.float() or model.double())',
        );
      }
    }
    if (weight.rank !== 2) {
      throw new SaddleError(`${where}: '${wKey}' has shape ${formatShape(weight.shape)}; a Linear weight is [out, in]`);
    }
    const [out, inp] = weight.shape;
    if (bias.rank !== 1 || bias.shape[0] !== out) {
      throw new SaddleError(
        `${where}: '${bKey}' has shape ${formatShape(bias.shape)} but '${wKey}' is ` +
          `${formatShape(weight.shape)}, so the bias should be [${out}]`,
      );
    }
    if (k > 0 && inp !== inputs) {
      throw new SaddleError(
        `${where}: '${wKey}' has shape ${formatShape(weight.shape)}, taking ${inp} inputs, but the ` +
          `layer before it has ${inputs} outputs; expected [${out}, ${inputs}]`,
      );
    }
    inputs = out;
    result.layers.push({ w: transpose(weight), b: bias });
  }
  return result;
}
