import { Field, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import type { ArrowSource } from './arrow-reader.js';

/**
 * A source without an id column seen with one: each row's id is `(row N)`, N its 0-based row.
 * Only `inspect` uses it, to describe a file that commands would refuse; the ids it makes are
 * unique by construction and name no item, so they are never written anywhere.
 */
export function withRowNumberIds(source: ArrowSource, column: string): ArrowSource {
  const schema = new Schema(
    [...source.schema.fields, new Field(column, new Utf8(), false)],
    source.schema.metadata,
  );
  return {
    path: source.path,
    format: source.format,
    sizeBytes: source.sizeBytes,
    schema,
    async *batches() {
      let row = 0;
      for await (const batch of source.batches()) {
        const n = batch.numRows;
        const ids = vectorFromArray(
          Array.from({ length: n }, (_, i) => `(row ${row + i})`),
          new Utf8(),
        );
        row += n;
        const children = [...batch.data.children, ids.data[0]!];
        yield new RecordBatch(
          schema,
          makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }),
        );
      }
    },
  };
}
