/** `x.toFixed(digits)`, '—' for null, and never "-0.0": a tiny negative rounds to plain zero. */
export function fixed(x: number | null, digits: number): string {
  if (x === null) return '—';
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
