// How the CLI's tables print numbers: integers as they are, others to 12 significant digits.

/**
 * Trailing zeros are stripped from the mantissa only: a strip over the whole string reached into the exponent and
 * turned 1.2e-10 into 1.2e-1 and 1e+20 into 1e+2.
 */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const [mantissa, exponent] = v.toPrecision(12).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}
