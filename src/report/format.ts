import type { MetricComparison } from '../gate/schema.js';
import type { Interval } from '../metrics/schema.js';

/** Number formatting shared by the HTML and Markdown reports (plain strings, no markup). */

export const DASH = '—';

export function f3(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(3);
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${(100 * x).toFixed(digits)}%`;
}

export function signed(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(3)}`;
}

/** "[+0.012, −0.034]"; "—" unless both ends are defined. */
export function signedInterval(iv: { low: number | null; high: number | null }): string {
  return iv.low === null || iv.high === null ? DASH : `[${signed(iv.low)}, ${signed(iv.high)}]`;
}

/** Baseline, candidate, delta and the delta's interval of one compared metric, in both report formats. */
export function deltaCells(m: MetricComparison): [string, string, string, string] {
  return [f3(m.baseline), f3(m.candidate), signed(m.delta), signedInterval(m.interval)];
}

export function count(x: number): string {
  return x.toLocaleString('en-US');
}

/** "0.912 [0.893, 0.930]"; an undefined estimate prints as "—". */
export function interval(iv: Interval | null | undefined, fmt: (x: number | null) => string = f3): string {
  if (!iv || iv.estimate === null) return DASH;
  if (iv.low === null || iv.high === null) return fmt(iv.estimate);
  return `${fmt(iv.estimate)} [${fmt(iv.low)}, ${fmt(iv.high)}]`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
