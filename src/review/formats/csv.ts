import { extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../../util/atomic.js';
import { BadInputError } from '../../util/errors.js';
import { NO_POLICY } from '../item.js';
import type { ParsedVerdicts, VerdictReadOptions } from '../verdicts.js';
import { defineFormat, type QueueBatch } from './format.js';
import { readFlatRow } from './shared/flat-verdicts.js';
import { LIST_SEPARATOR, tabularColumns } from './shared/tabular-columns.js';

/**
 * A spreadsheet opens a cell starting with = + - @ (or a tab/CR) as a formula; moderation text,
 * labels and slice values are hostile, so such cells get a leading apostrophe (OWASP CSV-injection
 * advice). Ids are left untouched because verdicts are matched on them.
 */
function defuse(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const MATCHED = new Set(['id', 'external_id']);

export async function writeCsvQueue(dest: string, batch: QueueBatch): Promise<void> {
  const cols = tabularColumns(batch);
  const rows = batch.items.map((x) =>
    cols.map((c) => {
      const v = c.value(x);
      if (v === null) return '';
      // A CSV cell holds one value: reasons (plain identifiers) are comma-joined, policies
      // LIST_SEPARATOR-joined; an answer with no policy reads NO_POLICY.
      let cell = v;
      if (Array.isArray(v)) {
        if (c.type !== 'label_list') cell = v.join(',');
        else cell = v.length === 0 && c.answer ? NO_POLICY : v.join(LIST_SEPARATOR);
      }
      if (typeof cell === 'string' && !MATCHED.has(c.name)) return defuse(cell);
      return typeof cell === 'boolean' ? String(cell) : cell;
    }),
  );
  await writeFileAtomic(dest, stringify(rows, { header: true, columns: cols.map((c) => c.name) }));
}

/** The CSV queue with verdicts filled in, or Label Studio's CSV export (`item_id`, `label`, `annotator`). */
export function parseCsvVerdicts(file: string, text: string, read: VerdictReadOptions): ParsedVerdicts {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    // `info` gives each record's line: quoted cells (message text) may span several lines.
    rows = parse(text, { columns: true, skip_empty_lines: true, bom: true, info: true });
  } catch (err) {
    throw new BadInputError(`not a CSV file: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  const header = Object.keys(rows[0]?.record ?? {});
  if (
    rows.length > 0 &&
    (!(header.includes('id') || header.includes('item_id')) ||
      !(header.includes('verdict') || header.includes('label')))
  ) {
    throw new BadInputError(
      `not a verdict CSV: the header needs "id" (or "item_id") and "verdict" (or "label") columns, found ${JSON.stringify(header.slice(0, 8).map((h) => h.slice(0, 30)))}`,
      { file, line: 1 },
    );
  }
  const out: ParsedVerdicts = { verdicts: [], problems: [], skipped: 0 };
  rows.forEach((r, i) => {
    readFlatRow(out, r.record, file, i, r.info.lines, read);
  });
  return out;
}

export const format = defineFormat({
  id: 'csv',
  title: 'CSV',
  files: ['queue.csv'],
  write: (dir, batch) => writeCsvQueue(join(dir, 'queue.csv'), batch),
  read: {
    describe: 'CSV with id + verdict',
    sniff: (file) => (extname(file).toLowerCase() === '.csv' ? 'extension' : null),
    parse: parseCsvVerdicts,
  },
});
