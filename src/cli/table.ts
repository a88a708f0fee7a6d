import Table from 'cli-table3';

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
 * Terminal output of dataset text: control characters (escape sequences start with one) and bidi
 * overrides are shown as `·` so hostile text cannot drive the terminal or reorder what it shows.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const TERMINAL_CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return Number.isFinite(v) ? v.toFixed(4) : String(v);
  }
  return v.replace(TERMINAL_CONTROL, '·');
}

/**
 * A whole block of terminal output (several lines, tables included) with the same cleaning as
 * `formatCell` except that newlines stay: the last guard for text that did not pass through a cell.
 */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROL_BUT_NEWLINE, '·');
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)}%`;
}
