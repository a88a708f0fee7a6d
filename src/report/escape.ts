/**
 * The one way dataset text reaches the report. Ids, texts, labels, slice values and model names are
 * hostile (this is moderation data): every interpolation into HTML goes through `html```, which
 * escapes whatever is not already `SafeHtml`, and chart data goes through `cleanText` (vega escapes
 * markup itself; `audit.ts` checks the result).
 */

/**
 * Characters that change how surrounding text is displayed without being visible: C0/C1 controls
 * (except tab and newline), bidi embeddings, overrides, isolates and marks, the BOM, and line or
 * paragraph separators. A right-to-left override can make `exe.txt` read as `txt.exe`; showing them
 * as a visible code keeps the evidence without the effect. Kept as the body of a regex character
 * class so the terminal output (src/cli/table.ts) cleans exactly the same set.
 */
export const INVISIBLE_CLASS =
  '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';
const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'g');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleCode(ch: string): string {
  return `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/**
 * Plain text safe to display: invisible controls shown as `[U+XXXX]`, lone surrogates replaced,
 * newlines kept only when `multiline`, and at most `max` code points (an ellipsis marks the cut).
 */
export function cleanText(value: string, max: number, multiline = false): string {
  let s = value.replace(LONE_SURROGATE, '\ufffd');
  s = multiline ? s.replace(/\r\n?/g, '\n') : s.replace(/[\r\n\t]+/g, ' ');
  s = s.replace(INVISIBLE, visibleCode);
  const points = Array.from(s);
  return points.length > max ? `${points.slice(0, Math.max(0, max - 1)).join('')}…` : s;
}

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

/**
 * Display names for a list of labels: cleaned, capped and made unique (two labels that differ only
 * after the cap would otherwise merge into one chart category).
 */
export function uniqueDisplay(values: readonly string[], max: number): string[] {
  const used = new Set<string>();
  return values.map((v) => {
    const base = cleanText(v, max);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base} (#${n})`;
    used.add(name);
    return name;
  });
}
