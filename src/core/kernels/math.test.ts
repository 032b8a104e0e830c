// The float32 transcendental kernels of asm/math.ts against the reference kernels: Math.fround(UNARY_FUNCTIONS[op](x)),
// float64 Math rounded once. The float32 kernels round correctly; the
// reference differs from correct rounding only where Math's float64 result falls on the wrong side of a float32
// midpoint: 93 of the 6·2^32 inputs of exp … softplus and 2 of sin, none of them among these
// (scripts/check-math.mjs runs all 2^32 and judges each mismatch with mpmath).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { UNARY_FUNCTIONS } from './elementwise.js';
import { wasmHeap } from './wasm/heap.js';
import { wasmRuntime, type Runtime } from './wasm/module.js';

const OPS = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus', 'sin', 'cos'] as const;
type Op = (typeof OPS)[number];
/** A block of the heap for the kernels' inputs and outputs (two million floats and a guard). */
const BASE = wasmHeap()?.alloc(8 * 1_000_000 + 64) ?? -1;

/** Where each op changes regime: overflow and underflow, saturation, and the switch points of its range reductions. */
const LN2 = Math.LN2;
const both = (...values: number[]): number[] => values.flatMap((v) => [v, -v]);
const FLT_MIN = 1.1754943508222875e-38;
const FLT_MAX = 3.4028234663852886e38;
const THRESHOLDS: Record<Op, number[]> = {
  // log(FLT_MAX + ulp/2), log(2^-126), log(2^-149), log(2^-150), exp rounding to 1, k·ln2 ± ln2/2
  exp: [88.72283935546875, -87.33654475, -103.2789299, -103.97207708, ...both(2 ** -25, 0.5 * LN2, 1.5 * LN2, 1)],
  // the split around √½ and √2, 1, the float32 subnormal boundary, the largest float
  log: [1, Math.SQRT1_2, Math.SQRT2, 2, 0.5, 2 ** -126, 2 ** -140, 3.4028234663852886e38, 2 ** 100],
  // 1 + x at √½ and √2, -1, 0, 2^53 where 1 + x stops being exact in double
  log1p: [0, -1 + 2 ** -24, Math.SQRT2 - 1, Math.SQRT1_2 - 1, ...both(2 ** -24), 2 ** 53, 1, 3],
  // 0, tanh rounding to x (2^-12), the k switches of 2|x| = ln2/2, 3ln2/2, saturation atanh(1 - 2^-25), the clamp
  tanh: [0, ...both(2 ** -12, 0.25 * LN2, 0.75 * LN2, 9.010913, 20)],
  // the branch at 0, exp(-|x|) switches, subnormal and zero tails, saturation to 1, the sigmoid(-40) tail
  sigmoid: [0, ...both(0.5 * LN2), -87.33654475, -103.2789299, -103.97207708, 16.635532, 17.32868, -40, -104],
  // the log1p switch at e^-|x| = √2 - 1, softplus(x) = x from about 16.6, the subnormal and zero tails
  softplus: [0, ...both(0.881373587), 16.635532, 17.32868, 15.942385, -87.33654475, -103.2789299, -103.97207708],
  // sin rounding to x, the accurate path's switch at 0.78, the fast path's limit 2^20, π/2, π, the largest float
  sin: [0, ...both(2 ** -12, 0.78, 2 ** 20, Math.PI / 2, Math.PI, FLT_MAX)],
  cos: [0, ...both(2 ** -12, 0.78, 2 ** 20, Math.PI / 2, Math.PI, FLT_MAX)],
};

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
/** Every switch of the range reductions: exp's k·ln2 ± ln2/2 (k to ±150), log's 2^k·√2, tanh's 2|x| = k·ln2 ± ln2/2. */
const SWITCHES: Record<Op, number[]> = {
  exp: range(-150, 128).map((k) => (k + 0.5) * LN2),
  log: range(-150, 128).map((k) => 2 ** k * Math.SQRT2),
  log1p: range(-1, 128).map((k) => 2 ** k * Math.SQRT2 - 1),
  tanh: range(0, 58).flatMap((k) => both(((k + 0.5) * LN2) / 2)),
  sigmoid: range(-150, 0).flatMap((k) => both((k + 0.5) * LN2)),
  softplus: range(-150, 0).flatMap((k) => both((k + 0.5) * LN2)),
  // sin and cos switch quadrant at (k + 1/2)·π/2, and 16367173·2^72 is the float32 closest to a multiple of π/2
  sin: [...range(0, 300).flatMap((k) => both(((k + 0.5) * Math.PI) / 2)), 16367173 * 2 ** 72],
  cos: [...range(0, 300).flatMap((k) => both(((k + 0.5) * Math.PI) / 2)), 16367173 * 2 ** 72],
};

const SPECIALS = [NaN, ...both(Infinity, 0, 1, 2, 0.5, 1e-45, FLT_MIN, FLT_MAX, 40, 104, 100, 88.7228)];

function runtime(): Runtime {
  const rt = wasmRuntime();
  if (rt === null) throw new Error('the WASM module did not instantiate');
  return rt;
}

/** op applied by the kernel at BASE, in place when inPlace is set, growing linear memory as needed. */
function kernel(op: Op, xs: Float32Array, inPlace = false): Float32Array {
  const rt = runtime();
  if (BASE < 0 || xs.length > 1_000_000) throw new Error('the test block is missing or too small');
  const input = new Float32Array(rt.memory.buffer, BASE, xs.length);
  input.set(xs);
  const outAt = inPlace ? BASE : BASE + 4 * xs.length;
  rt.exports[`${op}32`](BASE, outAt, xs.length);
  return new Float32Array(rt.memory.buffer, outAt, xs.length).slice();
}

function reference(op: Op, xs: Float32Array): Float32Array {
  const f = UNARY_FUNCTIONS[op];
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = f(xs[i]);
  return out;
}

const bitsOf = (v: number): number => new Int32Array(Float32Array.of(v).buffer)[0];
/** Distance in float32 steps (adjacent floats, across zero, differ by one). */
function ulps(a: number, b: number): number {
  const order = (v: number) => {
    const i = bitsOf(v);
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(order(a) - order(b));
}

interface Comparison {
  mismatches: [number, number, number][];
  maxUlp: number;
}

function compare(op: Op, xs: Float32Array): Comparison {
  const ours = kernel(op, xs);
  const ref = reference(op, xs);
  const mismatches: [number, number, number][] = [];
  let maxUlp = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Object.is(ours[i], ref[i])) continue;
    mismatches.push([xs[i], ref[i], ours[i]]);
    maxUlp = Math.max(maxUlp, Number.isNaN(ours[i]) || Number.isNaN(ref[i]) ? Infinity : ulps(ours[i], ref[i]));
  }
  return { mismatches, maxUlp };
}

/** xorshift32 (Marsaglia 2003): a seeded stream of 32-bit patterns; core may not import src/random. */
function patterns(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s >>> 0;
  }
  return out;
}

/** `count` float32 neighbours on each side of float32(t), and t itself. */
function around(t: number, count: number): number[] {
  const start = bitsOf(t);
  const out: number[] = [];
  const f = new Float32Array(1);
  const i = new Int32Array(f.buffer);
  for (let d = -count; d <= count; d++) {
    // Steps of one ulp away from t, crossing zero through the signed bit pattern order.
    const o = (start < 0 ? -(start & 0x7fffffff) : start) + d;
    i[0] = o < 0 ? -o | 0x80000000 : o;
    out.push(f[0]);
  }
  return out;
}

const USEFUL: Record<Op, [number, number]> = {
  exp: [-110, 90],
  log: [0, 100],
  log1p: [-1, 10],
  tanh: [-10, 10],
  sigmoid: [-110, 40],
  softplus: [-110, 40],
  sin: [-100, 100],
  cos: [-100, 100],
};

describe('float32 transcendental kernels (asm/math.ts)', () => {
  test.each(OPS)('%s32 of special values is the reference exactly (NaN, ±Infinity, ±0, tails)', (op) => {
    const xs = Float32Array.from(SPECIALS);
    const ours = kernel(op, xs);
    const ref = reference(op, xs);
    for (let i = 0; i < xs.length; i++) expect([xs[i], ours[i]]).toEqual([xs[i], ref[i]]);
    for (let i = 0; i < xs.length; i++) expect(Object.is(ours[i], ref[i])).toBe(true);
  });

  test('special values: tanh(-0) = -0, log1p(-0) = -0, exp(-Infinity) = +0, log(0) = -Infinity, log(-1) = NaN', () => {
    const one = (op: Op, x: number) => kernel(op, Float32Array.of(x))[0];
    expect(Object.is(one('tanh', -0), -0)).toBe(true);
    expect(Object.is(one('log1p', -0), -0)).toBe(true);
    expect(Object.is(one('exp', -Infinity), 0)).toBe(true);
    expect(one('log', 0)).toBe(-Infinity);
    expect(one('log', -1)).toBeNaN();
    expect(one('exp', 88.72283935546875)).toBe(Infinity);
    // 88.72283935546875 is the first float32 whose exp rounds to Infinity; the float below it stays finite.
    expect(one('exp', 88.72283172607422)).toBe(3.402798519021476e38);
    expect(one('sigmoid', -40)).toBe(Math.fround(Math.exp(-40) / (1 + Math.exp(-40))));
    // sigmoid(-104) = 6.8e-46 is below half the smallest subnormal and rounds to 0; sigmoid(-103) is subnormal.
    expect(one('sigmoid', -104)).toBe(0);
    expect(one('sigmoid', -103)).toBeGreaterThan(0);
    expect(one('sigmoid', -103)).toBeLessThan(1.1754943508222875e-38);
    expect(one('softplus', 1e30)).toBe(Math.fround(1e30));
  });

  test.each(OPS)('%s32 equals the reference within 2000 ulps of every threshold', (op) => {
    const xs = Float32Array.from(THRESHOLDS[op].flatMap((t) => around(t, 2000)));
    const { mismatches, maxUlp } = compare(op, xs);
    expect(maxUlp).toBeLessThanOrEqual(1);
    expect(mismatches).toEqual([]);
  });

  test.each(OPS)('%s32 equals the reference within 100 ulps of every switch point of its range reduction', (op) => {
    const xs = Float32Array.from(SWITCHES[op].flatMap((t) => around(t, 100)));
    const { mismatches, maxUlp } = compare(op, xs);
    expect(maxUlp).toBeLessThanOrEqual(1);
    expect(mismatches).toEqual([]);
  });

  test.each(OPS)('%s32 equals the reference on 10^6 random bit patterns and 10^6 values in its useful range', (op) => {
    const seed = OPS.indexOf(op) + 1;
    const random = new Float32Array(patterns(1_000_000, seed).buffer);
    const [lo, hi] = USEFUL[op];
    const uniform = Float32Array.from(patterns(1_000_000, 1000 + seed), (u) => lo + ((hi - lo) * u) / 2 ** 32);
    for (const xs of [random, uniform]) {
      const { mismatches, maxUlp } = compare(op, xs);
      expect(maxUlp).toBeLessThanOrEqual(1);
      expect(mismatches).toEqual([]);
    }
  });

  test.each(OPS)('%s32(x, x, n) works in place and writes nothing past n, for n = 0 … 9', (op) => {
    for (let n = 0; n <= 9; n++) {
      const xs = Float32Array.from({ length: n }, (_, i) => (i - 4) * 0.75 + 0.125);
      const rt = runtime();
      const guard = new Float32Array(rt.memory.buffer, BASE + 4 * n, 4);
      guard.fill(-7);
      expect(Array.from(kernel(op, xs, true))).toEqual(Array.from(reference(op, xs)));
      expect(Array.from(new Float32Array(rt.memory.buffer, BASE + 4 * n, 4))).toEqual([-7, -7, -7, -7]);
    }
  });
});

// The float64 kernels of asm/math64.ts against exact values: fixtures/math64.json (fixtures/generate_math64.py, mpmath
// at 60 digits) holds, for about 1,000 inputs per op (every regime switch and its neighbours, the useful range, random
// bit patterns), the correctly rounded result and where the exact value lies from it in ulps.
const OPS64 = ['exp', 'log', 'log1p', 'tanh', 'sigmoid', 'softplus'] as const;
type Op64 = (typeof OPS64)[number];
type Row = [number, number | 'Infinity' | '-Infinity', number];
const EXACT = (
  JSON.parse(readFileSync(new URL('../../../fixtures/math64.json', import.meta.url), 'utf8')) as {
    cases: Record<Op64, Row[]>;
  }
).cases;
const decode = (v: Row[1]): number => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

function kernel64(op: Op64, xs: Float64Array, inPlace = false): Float64Array {
  const rt = runtime();
  if (BASE < 0 || xs.length > 500_000) throw new Error('the test block is missing or too small');
  new Float64Array(rt.memory.buffer, BASE, xs.length).set(xs);
  const outAt = inPlace ? BASE : BASE + 8 * xs.length;
  rt.exports[`${op}64`](BASE, outAt, xs.length);
  return new Float64Array(rt.memory.buffer, outAt, xs.length).slice();
}

/** The spacing of doubles just above |r| (numpy.spacing), the smallest subnormal at 0. */
function spacing(r: number): number {
  const a = Math.abs(r);
  if (a === 0) return 5e-324;
  if (a === Number.MAX_VALUE) return 2 ** 971;
  const bits = new BigUint64Array(Float64Array.of(a).buffer);
  bits[0] += 1n;
  return new Float64Array(bits.buffer)[0] - a;
}

describe('float64 transcendental kernels (asm/math64.ts)', () => {
  test.each(OPS64)('%s64 is within 1 ulp of the exact value at every fixture input', (op) => {
    const rows = EXACT[op];
    expect(rows.length).toBeGreaterThan(900);
    const ours = kernel64(
      op,
      Float64Array.from(rows, (r) => r[0]),
    );
    let worst = 0;
    const bad: [number, number, number][] = [];
    rows.forEach(([x, rounded, d], i) => {
      const r = decode(rounded);
      if (!Number.isFinite(r)) {
        if (ours[i] !== r) bad.push([x, r, ours[i]]);
        return;
      }
      const error = Math.abs((ours[i] - r) / spacing(r) - d);
      worst = Math.max(worst, error);
      if (!(error <= 1)) bad.push([x, r, ours[i]]);
    });
    expect(bad).toEqual([]);
    expect(worst).toBeLessThanOrEqual(1);
  });

  test.each(OPS64)('%s64 of special values is Math exactly (NaN, ±Infinity, ±0) and keeps the sign of zero', (op) => {
    const xs = Float64Array.from([
      NaN,
      ...both(Infinity, 0, 1e-320, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE),
    ]);
    const ours = kernel64(op, xs);
    const f = UNARY_FUNCTIONS[op];
    xs.forEach((x, i) => {
      const ref = f(x);
      // Subnormal inputs: exp, tanh, log1p, sigmoid, softplus are smooth there and both sides round to the same
      // double; the log of a subnormal is checked against the fixture instead.
      if (op === 'log' && x !== 0 && Math.abs(x) < 2.2250738585072014e-308) return;
      expect([x, ours[i]]).toEqual([x, ref]);
    });
  });

  test.each(OPS64)('%s64 stays within 3.5 ulps of Math on 10^5 values in its useful range (Math: within 2.5)', (op) => {
    const [lo, hi] = (
      {
        exp: [-740, 709],
        log: [0, 1e6],
        log1p: [-1, 1e3],
        tanh: [-25, 25],
        sigmoid: [-740, 40],
        softplus: [-740, 800],
      } as const
    )[op];
    const u = patterns(100_000, 77 + OPS64.indexOf(op));
    const xs = Float64Array.from(u, (w) => lo + ((hi - lo) * w) / 2 ** 32);
    const ours = kernel64(op, xs);
    const f = UNARY_FUNCTIONS[op];
    let worst = 0;
    xs.forEach((x, i) => {
      const ref = f(x);
      if (ref === 0 || !Number.isFinite(ref)) expect(ours[i]).toBe(ref);
      else worst = Math.max(worst, Math.abs(ours[i] - ref) / spacing(Math.min(Math.abs(ours[i]), Math.abs(ref))));
    });
    expect(worst).toBeLessThanOrEqual(3.5);
  });

  test.each(OPS64)('%s64(x, x, n) works in place and writes nothing past n, for n = 0 … 5', (op) => {
    const rt = runtime();
    for (let n = 0; n <= 5; n++) {
      const xs = Float64Array.from({ length: n }, (_, i) => (i - 2) * 0.75 + 0.125);
      const apart = kernel64(op, xs);
      new Float64Array(rt.memory.buffer, BASE + 8 * n, 4).fill(-7);
      expect(Array.from(kernel64(op, xs, true))).toEqual(Array.from(apart));
      expect(Array.from(new Float64Array(rt.memory.buffer, BASE + 8 * n, 4))).toEqual([-7, -7, -7, -7]);
    }
  });
});
