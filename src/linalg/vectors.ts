// Reductions over vectors of any length, and exact scaling by powers of two. Math.max(...v), Math.min(...v) and
// Math.hypot(...v) pass every element as an argument, and past about 10^5 elements the call overflows the stack;
// these loops give the same numbers.

/** Math.max(init, ...values), exactly: NaN when any value is NaN, +0 above -0. */
export function maxOf(values: ArrayLike<number>, init = -Infinity): number {
  let m = init;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]);
  return m;
}

/** Math.min(init, ...values), exactly. */
export function minOf(values: ArrayLike<number>, init = Infinity): number {
  let m = init;
  for (let i = 0; i < values.length; i++) m = Math.min(m, values[i]);
  return m;
}

/** max |v_i| (0 for an empty vector, NaN when any is NaN). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/**
 * ‖v‖₂ as Math.hypot(...v) computes it in V8 (builtins/math.tq): ∞ if any |v_i| is ∞, else NaN if any is NaN; the
 * squares of v_i / max|v| summed with Kahan's compensation, so nothing overflows or underflows, then scaled back.
 */
export function hypot(values: ArrayLike<number>): number {
  let max = 0;
  let nan = false;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (Number.isNaN(a)) nan = true;
    else if (a > max) max = a;
  }
  if (max === Infinity) return Infinity;
  if (nan) return NaN;
  if (max === 0) return 0;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const n = Math.abs(values[i]) / max;
    const summand = n * n - compensation;
    const preliminary = sum + summand;
    compensation = preliminary - sum - summand;
    sum = preliminary;
  }
  return Math.sqrt(sum) * max;
}

/**
 * v · 2^k in two steps, exactly (a power of two only moves the exponent): 2^k alone is not a double past ±1023, and a
 * subnormal result needs k down to -1074, so neither 2^k nor the intermediate product may overflow or underflow when
 * the result does not.
 */
export function ldexp(v: number, k: number): number {
  const half = Math.trunc(k / 2);
  return v * 2 ** half * 2 ** (k - half);
}
