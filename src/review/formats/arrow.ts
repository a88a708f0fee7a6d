import { Bool, type DataType, Float64, Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { writeFileAtomic } from '../../util/atomic.js';
import type { ReviewItem } from '../item.js';
import { type ColumnType, type TabularOptions, tabularColumns } from './tabular.js';

function arrowType(t: ColumnType): DataType {
  return t === 'string' ? new Utf8() : t === 'float' ? new Float64() : t === 'int' ? new Int32() : new Bool();
}

/** Review queue as an Arrow IPC file (the same columns as the other tabular exports). */
export async function writeArrowQueue(
  dest: string,
  items: readonly ReviewItem[],
  options: TabularOptions,
): Promise<void> {
  const cols = tabularColumns(items, options);
  const vectors = Object.fromEntries(
    cols.map((c) => [c.name, vectorFromArray(items.map(c.value) as never[], arrowType(c.type))]),
  );
  await writeFileAtomic(dest, tableToIPC(new Table(vectors), 'file'));
}
