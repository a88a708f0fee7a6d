import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../../util/atomic.js';
import { NO_POLICY, type ReviewItem } from '../item.js';
import { LIST_SEPARATOR, type TabularOptions, tabularColumns } from './tabular.js';

/**
 * A spreadsheet opens a cell starting with = + - @ (or a tab/CR) as a formula; moderation text,
 * labels and slice values are hostile, so such cells get a leading apostrophe (OWASP CSV-injection
 * advice). Ids are left untouched because verdicts are matched on them.
 */
function defuse(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const MATCHED = new Set(['id', 'external_id']);

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
