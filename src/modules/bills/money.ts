/**
 * Exact yuan-string → integer conversion for bill amounts (never floats): `units("0.01", 2)` = 1 fen,
 * `units("0.01000", 5)` = 1000 (thousandths of a fen). Accepts a sign, up to `scale` decimals, and the
 * summary row's Java-double spellings (`45.0`, `1.0E7`). Answers undefined for anything else.
 */
export function units(text: string, scale: number): number | undefined {
  const m = /^(-)?(\d+)(?:\.(\d+))?(?:E(-?\d+))?$/.exec(text);
  if (!m) return undefined;
  let digits = m[2] + (m[3] ?? '');
  let point = m[2].length + Number(m[4] ?? 0); // position of the decimal point within digits
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const whole = digits.slice(0, point).padEnd(point, '0');
  const frac = digits.slice(point);
  if (frac.replace(/0+$/, '').length > scale) return undefined;
  const n = Number((whole || '0') + frac.padEnd(scale, '0').slice(0, scale));
  if (!Number.isSafeInteger(n)) return undefined;
  return m[1] && n !== 0 ? -n : n;
}

/** Fen as a 2-decimal yuan string: 1 → "0.01", -150 → "-1.50". */
export function yuanText(fen: number): string {
  const a = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Thousandths of a fen rounded half away from zero to fen (a fee total). */
export function milliToFen(milli: number): number {
  return Math.sign(milli) * Math.round(Math.abs(milli) / 1000);
}
