/** The two floating-point types saddle computes in. float32 results are rounded at every op. */
export type DType = 'float64' | 'float32';

/** The storage behind a concrete tensor. */
export type Data = Float64Array | Float32Array;

export const DTYPES: readonly DType[] = ['float64', 'float32'];

export function isDType(value: unknown): value is DType {
  return value === 'float64' || value === 'float32';
}

export function allocate(dtype: DType, size: number): Data {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** Unit roundoff u = 2^-53 (float64) or 2^-24 (float32); machine epsilon is 2u. */
export function unitRoundoff(dtype: DType): number {
  return dtype === 'float64' ? 2 ** -53 : 2 ** -24;
}

/** Machine epsilon: the gap between 1 and the next representable number. */
export function epsilon(dtype: DType): number {
  return 2 * unitRoundoff(dtype);
}

/** Rounds a JavaScript number to the nearest value of the dtype. */
export function roundTo(dtype: DType, value: number): number {
  return dtype === 'float64' ? value : Math.fround(value);
}
