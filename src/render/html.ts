import { cleanText } from './clean.js';

/**
 * The one way dataset text reaches the HTML report. Every interpolation into HTML goes through
 * `html```, which escapes whatever is not already `SafeHtml`, and chart data goes through
 * `cleanText` (vega escapes markup itself; report/audit.ts checks the result).
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escape for text content and double- or single-quoted attribute values. */
export function escapeHtml(value: string, max = DEFAULT_MAX, multiline = false): string {
  return cleanText(value, max, multiline).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Default cap for an interpolated string (ids, labels, names); longer texts ask for more explicitly. */
export const DEFAULT_MAX = 160;

/** Markup that is safe by construction: produced by `html```, `text()` or an audited SVG. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Interpolation =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly Interpolation[];

function interpolate(v: Interpolation): string {
  if (v instanceof SafeHtml) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(interpolate).join('');
  return escapeHtml(String(v));
}

/**
 * Tagged template for report markup: literal parts are trusted (they are our source code), every
 * interpolated value is escaped unless it is `SafeHtml`. Interpolations belong in text content or
 * inside a quoted attribute value, never in a tag or attribute name, URL or style.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Escaped text with an explicit length cap (and newlines kept when `multiline`). */
export function text(value: string, max: number, multiline = false): SafeHtml {
  return new SafeHtml(escapeHtml(value, max, multiline));
}
