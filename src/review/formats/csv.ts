import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../../util/atomic.js';
import type { ReviewItem } from '../item.js';
import { type TabularOptions, tabularColumns } from './tabular.js';

/**
 * A spreadsheet opens a cell starting with = + - @ (or a tab/CR) as a formula; moderation text is
 * hostile, so the text column gets a leading apostrophe there (OWASP CSV-injection advice). Ids are
 * left untouched because verdicts are matched on them.
 */
function defuse(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export async function writeCsvQueue(
  dest: string,
  items: readonly ReviewItem[],
  options: TabularOptions,
): Promise<void> {
  const cols = tabularColumns(items, options);
  const rows = items.map((x) =>
    cols.map((c) => {
      const v = c.value(x);
      if (v === null) return '';
      if (c.name === 'text' && typeof v === 'string') return defuse(v);
      return typeof v === 'boolean' ? String(v) : v;
    }),
  );
  await writeFileAtomic(dest, stringify(rows, { header: true, columns: cols.map((c) => c.name) }));
}
