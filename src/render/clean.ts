/**
 * Cleaning of hostile text (ids, texts, labels, slice values, model names: this is moderation
 * data) before any display: HTML, Markdown, terminal and chart data all start from `cleanText` or
 * from `INVISIBLE_CLASS`, so every output shows the same evidence.
 */

/**
 * Characters that change how surrounding text is displayed without being visible: C0/C1 controls
 * (except tab and newline), bidi embeddings, overrides, isolates and marks, the BOM, and line or
 * paragraph separators. A right-to-left override can make `exe.txt` read as `txt.exe`; showing them
 * as a visible code keeps the evidence without the effect. Kept as the body of a regex character
 * class so the terminal output (render/terminal.ts) cleans exactly the same set.
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
