import { cleanText } from './clean.js';

/**
 * Markdown for pull requests and `$GITHUB_STEP_SUMMARY`. GitHub renders inline HTML in Markdown,
 * and ids, labels and slice values come from hostile data, so every interpolated string goes
 * through `mdText` (HTML-escaped, inline Markdown punctuation backslash-escaped, one line) or
 * `mdCode`. Block syntax (`#`, `-`, `1.`) only acts at the start of a line, and no interpolated
 * text ever starts one. Both first clean the text as the HTML report does (`cleanText`: one line,
 * invisible controls and bidi overrides shown as `[U+XXXX]`, capped in code points), so the two
 * reports show the same evidence.
 */

/** Safe inline text for a Markdown table cell or paragraph. */
export function mdText(s: string, max = 120): string {
  return cleanText(s, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/**
 * Inline code for a table cell: HTML is not interpreted inside a code span, but a backtick would end
 * it and a pipe would end the cell (GFM splits cells before parsing spans), so both are neutralised.
 */
export function mdCode(s: string, max = 120): string {
  return `\`${cleanText(s, max).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** A GitHub-flavoured Markdown table; cells must already be escaped (`mdText`, `mdCode`). */
export function mdTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** How a compared metric's verdict reads in Markdown (the gate, compare and report summaries). */
export const MD_VERDICT: Record<'better' | 'worse' | 'no-significant-change' | 'undefined', string> = {
  better: '▲ better',
  worse: '▼ worse',
  'no-significant-change': 'no sig. change',
  undefined: '—',
};
