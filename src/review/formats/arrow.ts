import { join } from 'node:path';
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  List,
  Schema,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { writeFileAtomic } from '../../util/atomic.js';
import { defineFormat, type QueueBatch } from './format.js';
import { type ColumnType, tabularColumns } from './shared/tabular-columns.js';

function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'string':
      return new Utf8();
    case 'float':
      return new Float64();
    case 'int':
      return new Int32();
    case 'bool':
      return new Bool();
    case 'string_list':
    case 'label_list':
      return new List(new Field('item', new Utf8(), true));
  }
}

/** Review queue as an Arrow IPC file (the same columns as the other tabular exports). */
export async function writeArrowQueue(dest: string, batch: QueueBatch): Promise<void> {
  const { items } = batch;
  const cols = tabularColumns(batch);
  const vectors = cols.map((c) => vectorFromArray(items.map(c.value) as never[], arrowType(c.type)));
  const schema = new Schema(
    cols.map((c, i) => new Field(c.name, vectors[i]!.type, true)),
    new Map(batch.metadata),
  );
  const table = new Table(schema, Object.fromEntries(cols.map((c, i) => [c.name, vectors[i]!])));
  await writeFileAtomic(dest, tableToIPC(table, 'file'));
}

export const format = defineFormat({
  id: 'arrow',
  title: 'Arrow',
  files: ['queue.arrow'],
  write: (dir, batch) => writeArrowQueue(join(dir, 'queue.arrow'), batch),
});
