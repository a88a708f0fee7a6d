import Table from 'cli-table3';
import { INVISIBLE_CLASS } from './clean.js';
import { DASH } from './numbers.js';

export type Cell = string | number | null | undefined;

/** A compact text table for terminal output (borders off: friendlier to logs and copy-paste). */
export function renderTable(head: string[], rows: Cell[][], options: { title?: string } = {}): string {
  const table = new Table({
    // Headings and titles carry labels and column names from the data, so they are cleaned like cells.
    head: head.map(formatCell),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '─',
      'mid-mid': '─',
      right: '',
      'right-mid': '',
      middle: '',
    },
    colAligns: head.map((_, c) => (rows.some((r) => typeof r[c] === 'number') ? 'right' : 'left')),
  });
  for (const r of rows) table.push(r.map(formatCell));
  const body = table.toString();
  return options.title ? `${formatCell(options.title)}\n${body}` : body;
}

/**
 * Terminal output of dataset text: the characters the HTML report shows as `[U+XXXX]` (controls,
 * with which escape sequences start, bidi overrides and marks, invisible separators) are shown as
 * `·` here, so hostile text cannot drive the terminal or reorder what it shows; a cell also loses
 * its tabs and newlines.
 */
const TERMINAL_CONTROL = new RegExp(`[\\t\\n${INVISIBLE_CLASS}]`, 'g');
const TERMINAL_CONTROL_BUT_NEWLINE = new RegExp(`[\\t${INVISIBLE_CLASS}]`, 'g');

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return DASH;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return Number.isFinite(v) ? v.toFixed(4) : String(v);
  }
  return v.replace(TERMINAL_CONTROL, '·');
}

/**
 * `label  value` lines, values left-aligned after the longest label. With `width` (a terminal's
 * columns), a value too long for the line continues on the next lines under itself, so the block
 * never runs past the edge (paths are cut anywhere: they have no spaces to break at).
 */
export function renderKeyValues(rows: readonly (readonly [string, Cell])[], width?: number): string {
  const labels = rows.map(([k]) => formatCell(k));
  const indent = Math.max(0, ...labels.map((l) => [...l].length)) + 2;
  const room = width === undefined ? Number.POSITIVE_INFINITY : Math.max(20, width - indent);
  const lines: string[] = [];
  rows.forEach(([, v], i) => {
    const chars = [...formatCell(v)];
    for (let at = 0, first = true; first || at < chars.length; at += room, first = false) {
      const head = first ? labels[i]!.padEnd(indent) : ' '.repeat(indent);
      lines.push(`${head}${chars.slice(at, at + room).join('')}`.trimEnd());
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * A whole block of terminal output (several lines, tables included) with the same cleaning as
 * `formatCell` except that newlines stay: the last guard for text that did not pass through a cell.
 */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROL_BUT_NEWLINE, '·');
}
