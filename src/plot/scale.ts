// Linear scales and "nice" ticks (1, 2, 5 × 10^k steps), as d3-scale does, made total: any domain
// (flat, one ulp wide, ±1e308 where max − min overflows, non-finite ends) gives a working scale.

export interface Scale {
  (v: number): number;
  /** Finite, strictly increasing, inside the domain, at most MAX_TICKS of them. */
  ticks: number[];
  /** A tick's label, with as many digits as it takes to tell neighbouring ticks apart. */
  format(t: number): string;
  /** The domain drawn: the one given, with non-finite ends replaced and a flat one widened. */
  domain: [number, number];
}

/** No axis needs more labels than this; a tick count past it is clamped. */
export const MAX_TICKS = 50;
/**
 * Pixel positions are clamped this far beyond the range: off-canvas either way, and an SVG renderer
 * given 1e300 px (a diverged trace) may fail outright.
 */
const PIXEL_SLACK = 1e6;

export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const step = (unit >= 5 ? 10 : unit >= 2 ? 5 : unit >= 1 ? 2 : 1) * power;
  // Near the ends of the doubles the nice step over- or underflows: the raw one still works.
  return Number.isFinite(step) && step > 0 ? step : raw;
}

/** The domain made usable: non-finite ends replaced, a flat domain widened in proportion to its value. */
function usableDomain([a, b]: [number, number]): [number, number] {
  let d0 = Number.isFinite(a) ? a : Number.isFinite(b) ? b : 0;
  let d1 = Number.isFinite(b) ? b : Number.isFinite(a) ? a : 1;
  if (d0 === d1) {
    // ±1 as before for ordinary values; for large ones ±1 would not change them at all.
    const pad = Math.max(1, Math.abs(d0) * 2 ** -20);
    [d0, d1] = [Math.max(-Number.MAX_VALUE, d0 - pad), Math.min(Number.MAX_VALUE, d1 + pad)];
  }
  return [d0, d1];
}

/**
 * Ticks k·step for the integers k in [lo/step, hi/step]: computed from the index, never by
 * accumulation (t += step stalls when step < ulp(t)), and replaced by the two ends when the index
 * cannot be counted exactly (the range is a few ulps wide) or would give more than MAX_TICKS.
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const n = Math.min(Math.max(1, count), MAX_TICKS);
  // In halves when hi − lo overflows (±1e308): the same step, as half the span over half the count.
  const step = Number.isFinite(hi - lo) ? niceStep(hi - lo, n) : niceStep(hi / 2 - lo / 2, n / 2);
  const k0 = Math.ceil(lo / step);
  // The 1e-9 keeps an end that k·step misses by a rounding (0.3 against 3 × 0.1) as a tick.
  const k1 = Math.floor(hi / step + 1e-9);
  const countable = Number.isSafeInteger(k0) && Number.isSafeInteger(k1) && k1 - k0 < MAX_TICKS;
  const ticks: number[] = [];
  if (countable) {
    for (let k = k0; k <= k1; k++) {
      const t = Math.min(hi, Math.max(lo, k * step));
      if (Number.isFinite(t) && (ticks.length === 0 || t > ticks[ticks.length - 1])) ticks.push(t);
    }
  }
  // Below two distinct ticks the step is finer than the doubles there: label the ends instead.
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/** Two decimals (stable snapshots) when that tells the ticks apart, otherwise enough significant digits. */
function tickFormatter(ticks: readonly number[]): (t: number) => string {
  let gap = Infinity;
  for (let i = 1; i < ticks.length; i++) gap = Math.min(gap, ticks[i] - ticks[i - 1]);
  const magnitude = ticks.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  if (gap >= 0.01 && magnitude < 1e15) {
    return (t) => {
      const x = Math.round(t * 100) / 100;
      return Object.is(x, -0) ? '0' : String(x);
    };
  }
  const digits = Math.min(17, Math.max(1, Math.ceil(Math.log10(magnitude / gap)) + 1));
  return (t) => {
    if (t === 0) return '0';
    // Rounding the largest doubles up gives Infinity: those keep all their digits.
    const short = Number(t.toPrecision(digits));
    return String(Number.isFinite(short) ? short : t);
  };
}

export function linearScale(domain: [number, number], range: [number, number], tickCount = 6): Scale {
  const [d0, d1] = usableDomain(domain);
  const [r0, r1] = range;
  // The span in halves when it overflows (d0 = −1e308, d1 = 1e308); halving is exact there.
  const wide = !Number.isFinite(d1 - d0);
  const lowest = Math.min(r0, r1) - PIXEL_SLACK;
  const highest = Math.max(r0, r1) + PIXEL_SLACK;
  const f = ((v: number) => {
    if (!Number.isFinite(v)) return NaN;
    let t = wide ? (v / 2 - d0 / 2) / (d1 / 2 - d0 / 2) : (v - d0) / (d1 - d0);
    if (!Number.isFinite(t)) t = (v / 2 - d0 / 2) / (d1 / 2 - d0 / 2);
    return Math.min(highest, Math.max(lowest, r0 + t * (r1 - r0)));
  }) as Scale;
  f.domain = [d0, d1];
  f.ticks = niceTicks(Math.min(d0, d1), Math.max(d0, d1), tickCount);
  f.format = tickFormatter(f.ticks);
  return f;
}

/** [min, max] of the finite values ([0, 1] when there are none). */
export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
