/**
 * Numbers as every output shows them (plain strings, no markup): the reports, the gate's Markdown
 * and JUnit, rule messages and the terminal. A missing or undefined value prints as `DASH`.
 */

export const DASH = '—';

type Maybe = number | null | undefined;
const missing = (x: Maybe): x is null | undefined => x === null || x === undefined || !Number.isFinite(x);

/** Three decimals: the reports' metric values. */
export function f3(x: Maybe): string {
  return missing(x) ? DASH : x.toFixed(3);
}

/** A share as a percentage. */
export function pct(x: Maybe, digits = 1): string {
  return missing(x) ? DASH : `${(100 * x).toFixed(digits)}%`;
}

/** `part` of `whole` as a percentage with one decimal; nothing of nothing is `DASH`. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? DASH : `${((100 * part) / whole).toFixed(1)}%`;
}

/** A count with thousands separators. */
export function count(x: number): string {
  return x.toLocaleString('en-US');
}

/** A count and its noun, singular for one: `1 verdict`, `1,183 verdicts`. */
export function plural(x: number, noun: string): string {
  return `${count(x)} ${noun}${x === 1 ? '' : 's'}`;
}

/**
 * As short as exact enough: integers as they are, up to four decimals without trailing zeros, and
 * tiny values in exponent form (so a p-value of 3e-7 does not read as 0). Rule messages and the
 * gate's outputs use it; null is the word `undefined` there.
 */
export function formatNumber(x: number | null): string {
  if (x === null) return 'undefined';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e-3 || x === 0
    ? x.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')
    : x.toExponential(2);
}

/**
 * A metric's value in the gate's and compare's outputs: always four decimals, so the ends of an
 * interval and the values beside them line up (`0.0220 [0.0140, 0.0346]`, never `0.022` beside
 * `0.0346` or `0` beside `0.0000`); null is the word `undefined`.
 */
export function fixed4(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'undefined';
  const text = x.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}

/** A signed delta for reading: `+0.012`, `−0.034` (a true minus sign), `±0.000`. */
export function signed(x: Maybe, fmt: (x: number) => string = f3): string {
  if (missing(x)) return DASH;
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${fmt(Math.abs(x))}`;
}

/** A signed delta in ASCII (`+0.5`, `-0.25`), for rule messages and terminals. */
export function signedPlain(x: number, fmt: (x: number) => string = formatNumber): string {
  return `${x >= 0 ? '+' : '-'}${fmt(Math.abs(x))}`;
}

/** "[+0.012, −0.034]"; `DASH` unless both ends are defined. */
export function signedInterval(
  iv: { low: number | null; high: number | null },
  fmt: (x: number) => string = f3,
): string {
  return iv.low === null || iv.high === null ? DASH : `[${signed(iv.low, fmt)}, ${signed(iv.high, fmt)}]`;
}

/** "0.912 [0.893, 0.930]"; an undefined estimate prints as `DASH`, missing ends are left out. */
export function interval(
  iv: { estimate: number | null; low: number | null; high: number | null } | null | undefined,
  fmt: (x: number | null) => string = f3,
): string {
  if (!iv || iv.estimate === null) return DASH;
  if (iv.low === null || iv.high === null) return fmt(iv.estimate);
  return `${fmt(iv.estimate)} [${fmt(iv.low)}, ${fmt(iv.high)}]`;
}

/** A file size in B, KiB or MiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** A p-value: three decimals, or exponent form below 0.001. */
export function pValue(p: Maybe): string {
  if (missing(p)) return DASH;
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
