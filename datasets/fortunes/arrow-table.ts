import {
  type Data,
  Field,
  List,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

/** One golden row; `labels` is the upward-closed policy set (empty = no policy applies). */
export interface FortuneRow {
  id: string;
  text: string;
  labels: string[];
  lang: string;
  section: string;
  source: string;
  length: string;
}

const LABELS_TYPE = new List(new Field('item', new Utf8(), false));
const STRING_COLUMNS = ['id', 'text', 'lang', 'section', 'source', 'length'] as const;

export function fortunesSchema(metadata: Record<string, string>): Schema {
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('text', new Utf8(), false),
      new Field('labels', LABELS_TYPE, false),
      new Field('lang', new Utf8(), false),
      new Field('section', new Utf8(), false),
      new Field('source', new Utf8(), false),
      new Field('length', new Utf8(), false),
    ],
    new Map(Object.entries(metadata)),
  );
}

/** Rows per record batch, as for the SpamAssassin set. */
export const BATCH_ROWS = 1024;

function toBatch(schema: Schema, rows: readonly FortuneRow[]): RecordBatch {
  const children: Data[] = schema.fields.map((f) => {
    const vector =
      f.name === 'labels'
        ? vectorFromArray(
            rows.map((r) => r.labels),
            LABELS_TYPE,
          )
        : vectorFromArray(
            rows.map((r) => r[f.name as (typeof STRING_COLUMNS)[number]]),
            new Utf8(),
          );
    // A fresh builder over one array yields one chunk; guard so a silent split cannot drop rows.
    if (vector.data.length !== 1)
      throw new Error(`arrow: column ${f.name} built into ${vector.data.length} chunks`);
    return vector.data[0]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Encode rows as an Arrow IPC file in batches of BATCH_ROWS. */
export function encodeFortunes(schema: Schema, rows: readonly FortuneRow[]): Uint8Array {
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  for (let i = 0; i < rows.length; i += BATCH_ROWS)
    writer.write(toBatch(schema, rows.slice(i, i + BATCH_ROWS)));
  writer.finish();
  return writer.toUint8Array(true);
}

/** Length bucket slice: short texts are where single-keyword models fail. */
export function lengthBucket(text: string): string {
  const n = [...text].length;
  return n < 80 ? 'short' : n < 240 ? 'medium' : 'long';
}
