// How the CLI's tables print numbers: integers as they are, others to 12 significant digits.
export const formatNumber = (v: number): string =>
  Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : v.toPrecision(12).replace(/\.?0+(e|$)/, '$1');
