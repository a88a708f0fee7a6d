import { writeFileAtomic } from '../../util/atomic.js';
import type { ReviewItem } from '../item.js';
import { type TabularOptions, tabularColumns } from './tabular.js';

/** One JSON object per line; reviewers fill `verdict` (and `reviewer`) and import the file back. */
export async function writeJsonlQueue(
  dest: string,
  items: readonly ReviewItem[],
  options: TabularOptions,
): Promise<void> {
  const cols = tabularColumns(items, options);
  const lines = items.map((x) => JSON.stringify(Object.fromEntries(cols.map((c) => [c.name, c.value(x)]))));
  await writeFileAtomic(dest, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
