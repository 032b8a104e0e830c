// safetensors against the format (safetensors/src/tensor.rs) and against files PyTorch wrote
// (fixtures/generate_torch_safetensors.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { SaddleError } from '../core/errors.js';
import { fromData, tensor, type Tensor } from '../core/index.js';
import { Rng } from '../random/index.js';
import { decodeSafetensors, encodeSafetensors, forward, mlp, mlpFromStateDict, mlpStateDict } from './index.js';

type Nested = number[] | number[][];
interface TorchModel {
  file: string;
  state_dict: Record<string, Nested>;
  shapes: Record<string, number[]>;
  input: number[][];
  output: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/torch_mlp.json', import.meta.url), 'utf8')) as {
  metadata: Record<string, string>;
  models: Record<'float32' | 'float64', TorchModel>;
};
const fileBytes = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));

const bitsOf = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

/** A safetensors file from a header (object or raw text) and a byte buffer; `length` overrides the header length. */
function build(header: object | string | Uint8Array, data: Uint8Array | number, length?: bigint): Uint8Array {
  const text =
    header instanceof Uint8Array
      ? header
      : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}

const decodeError = (bytes: Uint8Array): string => {
  try {
    decodeSafetensors(bytes, { source: 'bad.safetensors' });
  } catch (err) {
    expect(err).toBeInstanceOf(SaddleError);
    return (err as Error).message;
  }
  throw new Error('decodeSafetensors accepted a bad file');
};

describe('encodeSafetensors and decodeSafetensors', () => {
  const f64 = [
    0,
    -0,
    1,
    -1.5,
    Math.PI,
    Number.MIN_VALUE,
    1e-310,
    2.2250738585072014e-308,
    Number.MAX_VALUE,
    Infinity,
    -Infinity,
  ];
  const f32 = [
    0,
    -0,
    1,
    -1.5,
    Math.fround(Math.PI),
    2 ** -149,
    2 ** -130,
    2 ** -126,
    3.4028234663852886e38,
    Infinity,
    -Infinity,
    0.1,
  ];

  test('decodeSafetensors(encodeSafetensors(t)) is bit-exact in float64 and float32, with -0 and subnormals', () => {
    const tensors = {
      w64: fromData(Float64Array.from(f64.slice(0, 10)), [2, 5]),
      w32: fromData(Float32Array.from(f32), [3, 2, 2]),
      scalar: tensor(-0, { dtype: 'float64' }),
      empty: fromData(new Float32Array(0), [0, 3]),
      nan: fromData(Float64Array.from([NaN, 1]), [2]),
    };
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { note: 'ünïcode ✓' }));
    expect(metadata).toEqual({ note: 'ünïcode ✓' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const name of ['w64', 'w32', 'scalar', 'empty'] as const) {
      expect(back[name].dtype, name).toBe(tensors[name].dtype);
      expect(back[name].shape, name).toEqual(tensors[name].shape);
      expect(bitsOf(back[name]), name).toEqual(bitsOf(tensors[name]));
    }
    expect(Object.is(back.scalar.item(), -0)).toBe(true);
    expect(Number.isNaN(back.nan.data[0]) && back.nan.data[1] === 1).toBe(true);
  });

  // The expected bytes are those of test_serialization_forced_alignement and test_empty in safetensors/src/tensor.rs.
  test('encodeSafetensors matches the Rust writer byte for byte', () => {
    const bytes = encodeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3], dtype: 'float32' }) });
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    const expected = build(`${json}       `, new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer));
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    expect(bytes[0]).toBe(72);
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(new TextDecoder().decode(encodeSafetensors({}, { framework: 'pt' }).subarray(8))).toBe(
      '{"__metadata__":{"framework":"pt"}}     ',
    );
  });

  test('encodeSafetensors orders F64 before F32 (alignment), then by name, contiguously', () => {
    const bytes = encodeSafetensors({
      b: tensor([1], { dtype: 'float32' }),
      a: tensor([2], { dtype: 'float32' }),
      z: tensor([3, 4]),
    });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + bytes[0]))) as Record<
      string,
      { data_offsets: number[] }
    >;
    expect(Object.keys(header)).toEqual(['z', 'a', 'b']);
    expect(Object.values(header).map((e) => e.data_offsets)).toEqual([
      [0, 16],
      [16, 20],
      [20, 24],
    ]);
  });

  test('encodeSafetensors rejects the reserved name and non-string metadata', () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/'__metadata__' is reserved/);
    expect(() => encodeSafetensors({}, { epochs: 3 as unknown as string })).toThrow(/metadata 'epochs' is a number/);
  });

  test('decodeSafetensors converts F16 and BF16 to float32 exactly', () => {
    const half = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x7bff, 0x7c00, 0x8000, 0x3555, 0x7e00];
    const brain = [0x3f80, 0xc000, 0x4049, 0x0001, 0xff80];
    const data = new Uint8Array(2 * (half.length + brain.length));
    const view = new DataView(data.buffer);
    [...half, ...brain].forEach((bits, i) => view.setUint16(2 * i, bits, true));
    const { tensors } = decodeSafetensors(
      build(
        {
          h: { dtype: 'F16', shape: [3, 3], data_offsets: [0, 18] },
          bf: { dtype: 'BF16', shape: [5], data_offsets: [18, 28] },
        },
        data,
      ),
    );
    expect(tensors.h.dtype).toBe('float32');
    expect(tensors.bf.dtype).toBe('float32');
    expect(Array.from(tensors.h.data)).toEqual([
      1,
      -2,
      2 ** -24,
      1023 * 2 ** -24,
      65504,
      Infinity,
      -0,
      0.333251953125,
      NaN,
    ]);
    expect(Object.is(tensors.h.data[6], -0)).toBe(true);
    expect(Array.from(tensors.bf.data)).toEqual([1, -2, 3.140625, 2 ** -133, -Infinity]);
  });

  test('decodeSafetensors keeps "__proto__" a plain tensor name', () => {
    const { tensors } = decodeSafetensors(build('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(tensors['__proto__'].shape).toEqual([1]);
  });
});

describe('decodeSafetensors of hostile input', () => {
  const entry = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
  const good = fileBytes('torch_mlp_f32.safetensors');
  const withLength = (length: bigint) => {
    const copy = good.slice();
    new DataView(copy.buffer).setBigUint64(0, length, true);
    return copy;
  };

  test.each([
    ['a 5-byte file', good.subarray(0, 5), /bad.safetensors: 5 bytes is too short .* truncated/],
    [
      'a header length past the end',
      withLength(10_000n),
      /header length is 10000 bytes but only 460 follow .*truncated/,
    ],
    ['a header length over 100 MB', withLength(2n ** 40n), /1099511627776 bytes, more than the format's limit/],
    [
      'a file cut inside the data',
      good.subarray(0, good.length - 4),
      /tensor '2.weight': data_offsets \[112, 172\] run past the end of the 168-byte buffer/,
    ],
    ['trailing bytes', new Uint8Array([...good, 0, 0, 0, 0]), /fill 172 bytes of the buffer but the file has 176/],
    ['a non-JSON header', build('{"a": {"dtype": "F32",', 0), /bad.safetensors: the header is not valid JSON/],
    ['a header that is not UTF-8', build(new Uint8Array([0x7b, 0xff, 0x7d]), 0), /the header is not valid UTF-8/],
    ['a JSON array', build('[1, 2]', 0), /the header is JSON but not an object of tensors/],
    ['an entry that is not an object', build({ a: 3 }, 0), /tensor 'a': its header entry is not an object/],
    [
      'a name twice',
      build(`{"a":${JSON.stringify(entry('F32', [1], [0, 4]))},"a":${JSON.stringify(entry('F32', [1], [4, 8]))}}`, 8),
      /the name 'a' appears twice in the header/,
    ],
    [
      'offsets out of range',
      build({ a: entry('F32', [4], [0, 16]) }, 8),
      /tensor 'a': data_offsets \[0, 16\] run past the end of the 8-byte buffer/,
    ],
    [
      'overlapping offsets',
      build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) }, 12),
      /tensor 'b': data_offsets \[4, 12\] overlap tensor 'a' \[0, 8\]/,
    ],
    [
      'a hole',
      build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [12, 20]) }, 20),
      /tensor 'b': data_offsets begin at 12, leaving bytes \[8, 12\) of the buffer unused after tensor 'a'/,
    ],
    [
      'a size not shape × dtype',
      build({ a: entry('F32', [3], [0, 8]) }, 8),
      /tensor 'a': data_offsets \[0, 8\] span 8 bytes, but shape \[3\] of F32 \(4 bytes each\) needs 12/,
    ],
    ['offsets that end before they begin', build({ a: entry('F32', [0], [8, 4]) }, 8), /end before they begin/],
    ['negative offsets', build({ a: entry('F32', [1], [-4, 0]) }, 0), /data_offsets \[-4,0\] is not \[begin, end\]/],
    [
      'a negative shape entry',
      build({ w: entry('F32', [-1, 2], [0, 0]) }, 0),
      /tensor 'w': shape \[-1,2\] is not a list of non-negative integers/,
    ],
    ['a fractional shape entry', build({ w: entry('F32', [1.5], [0, 6]) }, 6), /shape \[1.5\] is not a list/],
    ['a string shape entry', build({ w: entry('F32', ['2'], [0, 8]) }, 8), /shape \["2"\] is not a list/],
    ['a huge shape', build({ w: entry('F32', [2 ** 30, 2 ** 30, 2 ** 30], [0, 8]) }, 8), /too large to address/],
    [
      'an I64 tensor',
      build({ steps: entry('I64', [1], [0, 8]) }, 8),
      /tensor 'steps' has dtype I64, which saddle cannot read \(it reads F16, BF16, F32, F64\); .*\.float\(\)/,
    ],
    ['an unknown dtype', build({ w: entry('F128', [1], [0, 16]) }, 16), /tensor 'w': unknown dtype "F128"/],
    ['non-string metadata', build({ __metadata__: { epochs: 3 } }, 0), /metadata 'epochs' is 3; metadata values are/],
  ])('%s is a SaddleError saying what and where', (_, bytes, message) => {
    const text = decodeError(bytes);
    expect(text).toMatch(message);
    expect(text).toMatch(/^bad\.safetensors: /);
  });
});

describe('PyTorch files (fixtures/torch_mlp_*.safetensors)', () => {
  describe.each([
    ['float32', 1e-6],
    ['float64', 1e-12],
  ] as const)('%s', (dtype, rtol) => {
    const torch = fixture.models[dtype];
    const bytes = fileBytes(torch.file);
    const decoded = decodeSafetensors(bytes, { source: torch.file });

    test('decodeSafetensors reads torch.nn.Sequential state_dict names, shapes and values exactly', () => {
      expect(decoded.metadata).toEqual(fixture.metadata);
      expect(Object.keys(decoded.tensors).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
      for (const [name, t] of Object.entries(decoded.tensors)) {
        expect(t.dtype).toBe(dtype);
        expect(t.shape).toEqual(torch.shapes[name]);
        expect(t.toArray()).toEqual(torch.state_dict[name]);
      }
    });

    test('mlpFromStateDict transposes torch weights [out, in] into saddle w [in, out]', () => {
      const params = mlpFromStateDict(decoded.tensors, { source: torch.file });
      expect(params.layers.map((l) => [l.w.shape, l.b.shape])).toEqual([
        [[4, 5], [5]],
        [[5, 3], [3]],
      ]);
      const weight = torch.state_dict['0.weight'] as number[][];
      const w = params.layers[0].w.toArray() as number[][];
      for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) expect(w[i][j]).toBe(weight[j][i]);
    });

    test(`forward(mlpFromStateDict(decode(file)), x, 'tanh') equals torch's output (rtol ${rtol})`, () => {
      const params = mlpFromStateDict(decoded.tensors);
      const y = forward(params, tensor(torch.input, { dtype }), 'tanh');
      expect(y.shape).toEqual([3, 3]);
      const expected = torch.output.flat();
      y.data.forEach((v, i) => {
        const bound = rtol * Math.abs(expected[i]) + 1e-3 * rtol;
        expect(Math.abs(v - expected[i]), `output ${i}`).toBeLessThanOrEqual(bound);
      });
    });

    test('encodeSafetensors(mlpStateDict(params), metadata) is byte-identical to the torch-written file', () => {
      const again = encodeSafetensors(mlpStateDict(mlpFromStateDict(decoded.tensors)), decoded.metadata);
      expect(again.length).toBe(bytes.length);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    });
  });
});

describe('mlpStateDict and mlpFromStateDict', () => {
  const params = mlp([4, 5, 6, 3], { rng: new Rng(3), dtype: 'float32' });
  const dict = mlpStateDict(params);

  test('mlpStateDict uses torch names at even indices and torch layout [out, in]', () => {
    expect(Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, t.shape]))).toEqual({
      '0.weight': [5, 4],
      '0.bias': [5],
      '2.weight': [6, 5],
      '2.bias': [6],
      '4.weight': [3, 6],
      '4.bias': [3],
    });
    expect(dict['2.weight'].toArray()).toEqual(params.layers[1].w.T.toArray());
  });

  test('mlpFromStateDict(mlpStateDict(p)) is p, also with a shared prefix such as net.', () => {
    const prefixed = Object.fromEntries(Object.entries(dict).map(([k, t]) => [`net.${k}`, t]));
    for (const d of [dict, prefixed]) {
      const back = mlpFromStateDict(d);
      back.layers.forEach((l, k) => {
        expect(bitsOf(l.w)).toEqual(bitsOf(params.layers[k].w));
        expect(bitsOf(l.b)).toEqual(bitsOf(params.layers[k].b));
      });
    }
  });

  const without = (key: string) => Object.fromEntries(Object.entries(dict).filter(([k]) => k !== key));
  test.each([
    ['an empty dict', {}, /model.pt: no tensors; expected 0.weight, 0.bias, 2.weight/],
    [
      'a missing bias',
      without('2.bias'),
      /missing '2.bias'; for 3 Linear layers the keys are 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias/,
    ],
    ['an odd index', { ...dict, '1.weight': dict['0.weight'] }, /'1.weight' is at odd index 1; .*2k.weight/],
    ['a BatchNorm buffer', { ...dict, '0.running_mean': dict['0.bias'] }, /unexpected key '0.running_mean'/],
    [
      'two prefixes',
      { 'a.0.weight': dict['0.weight'], 'b.0.bias': dict['0.bias'] },
      /different prefixes \('a.', 'b.'\)/,
    ],
    ['a prefix without a dot', { 'layer0.weight': dict['0.weight'] }, /unexpected key 'layer0.weight'/],
    [
      'a weight that does not chain',
      { ...dict, '2.weight': tensor(new Array(36).fill(0), { shape: [6, 6], dtype: 'float32' }) },
      /'2.weight' has shape \[6, 6\], taking 6 inputs, but .* 5 outputs; expected \[6, 5\]/,
    ],
    ['a wrong bias', { ...dict, '0.bias': tensor([1, 2], { dtype: 'float32' }) }, /'0.bias' has shape \[2\] .*\[5\]/],
    ['a rank-1 weight', { ...dict, '0.weight': tensor([1, 2], { dtype: 'float32' }) }, /'0.weight' has shape \[2\]/],
    ['mixed dtypes', { ...dict, '4.bias': tensor([1, 2, 3]) }, /'4.bias' is float64 but '0.weight' is float32/],
  ] as [string, Record<string, Tensor>, RegExp][])('mlpFromStateDict rejects %s, naming the key', (_, d, message) => {
    expect(() => mlpFromStateDict(d, { source: 'model.pt' })).toThrow(message);
    expect(() => mlpFromStateDict(d, { source: 'model.pt' })).toThrow(/^model.pt: /);
  });
});
