// Rigorous interval sin and cos. Whether [a, b] contains a crest or a trough depends on a and b
// modulo 2π, and a double x can be as large as 2^1024, where x − 2π·k in floating point has lost every
// digit. So each endpoint is reduced exactly: x = m·2^e is an exact rational, 1/(2π) is held to
// 1200 bits as a BigInt (Payne & Hanek, "Radian reduction for trigonometric functions", 1983, the
// simple form that multiplies by all of 1/(2π)), and the fraction of a turn x/(2π) mod 1 comes out with
// an error far below EPS turns. Crests and troughs within EPS of an endpoint count as inside: the
// answer may be wider, never narrower. Endpoint values come from Math.sin and Math.cos (fdlibm in
// V8 and SpiderMonkey, with full argument reduction and under one ulp of error), moved out by two ulps.

/** Fractional bits of 1/(2π): more than the 1074 + 53 bits a double can shift by, with a margin. */
const F = 1200n;
/** A bound on the error of a reduced fraction of a turn (the arithmetic below keeps it under 2^-52). */
const EPS = 2 ** -50;

/** π·2^bits by Machin's formula, π = 16·atan(1/5) − 4·atan(1/239), in fixed point (error a few units). */
function piFixed(bits: bigint): bigint {
  const one = 1n << (bits + 16n); // 16 guard bits absorb the truncation of each series term
  const atanInverse = (k: bigint): bigint => {
    let term = one / k;
    let sum = term;
    const k2 = k * k;
    for (let n = 1n; term !== 0n; n++) {
      term /= k2;
      sum += (n % 2n === 1n ? -term : term) / (2n * n + 1n);
    }
    return sum;
  };
  return (16n * atanInverse(5n) - 4n * atanInverse(239n)) >> 16n;
}

const W = F + 64n;
/** floor(2^F / (2π)). */
const INV_TWO_PI = (1n << (F + W)) / (2n * piFixed(W));

const view = new DataView(new ArrayBuffer(8));

/** x/(2π) = turns + fraction, with fraction ∈ [0, 1) within EPS, for a finite double x. */
export function reduceTurns(x: number): { turns: bigint; fraction: number } {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const exponentBits = (high >>> 20) & 0x7ff;
  const mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  // x = ±m·2^e exactly.
  const m = exponentBits === 0 ? mantissa : mantissa | (1n << 52n);
  const e = BigInt(exponentBits === 0 ? -1074 : exponentBits - 1075);
  const shift = F - e; // positive: e <= 971 < F
  const product = x < 0 ? -(m * INV_TWO_PI) : m * INV_TWO_PI; // x/(2π)·2^shift
  const turns = product >> shift; // floor, also for negative products
  const rest = product - (turns << shift);
  const fraction = shift > 64n ? Number(rest >> (shift - 64n)) / 2 ** 64 : Number(rest) / 2 ** Number(shift);
  return { turns, fraction: Math.min(fraction, 1 - 2 ** -53) };
}

export interface Range {
  lo: number;
  hi: number;
}

const up2 = (x: number): number => {
  const step = Math.max(Math.abs(x) * 2 ** -50, Number.MIN_VALUE * 4);
  return x + step;
};
const down2 = (x: number): number => -up2(-x);

/**
 * The range of a sinusoid over [lo, hi]: its value function, and where its crest (+1) and trough
 * (−1) fall, in turns (sin: 1/4 and 3/4; cos: 0 and 1/2).
 */
function sinusoid(f: (x: number) => number, crest: number, trough: number, a: Range): Range {
  if (!Number.isFinite(a.lo) || !Number.isFinite(a.hi)) return { lo: -1, hi: 1 };
  const start = reduceTurns(a.lo);
  const end = reduceTurns(a.hi);
  const whole = end.turns - start.turns;
  if (whole >= 2n) return { lo: -1, hi: 1 };
  const from = start.fraction;
  const to = Number(whole) + end.fraction; // in [from, from + 2) up to EPS
  if (to - from >= 1 - 2 * EPS) return { lo: -1, hi: 1 };
  // The crest or trough at phase p is inside when p + k ∈ [from − EPS, to + EPS] for an integer k.
  const reaches = (p: number): boolean => [-1, 0, 1, 2].some((k) => from - EPS <= p + k && p + k <= to + EPS);
  const fa = f(a.lo);
  const fb = f(a.hi);
  return {
    lo: reaches(trough) ? -1 : Math.max(-1, down2(Math.min(fa, fb))),
    hi: reaches(crest) ? 1 : Math.min(1, up2(Math.max(fa, fb))),
  };
}

export function sinRange(a: Range): Range {
  return sinusoid(Math.sin, 0.25, 0.75, a);
}

export function cosRange(a: Range): Range {
  return sinusoid(Math.cos, 0, 0.5, a);
}
