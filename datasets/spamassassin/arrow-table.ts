import {
  Bool,
  type DataType,
  Field,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

/** One output row; every column is non-null (slice values use explicit `unknown`/`none`). */
export interface DatasetRow {
  id: string;
  text: string;
  label: 'spam' | 'ham';
  corpus_group: string;
  has_html: boolean;
  has_attachment: boolean;
  body_length: string;
  sender_tld: string;
  year: string;
  charset: string;
  multipart: boolean;
}

type Column = keyof DatasetRow;

const COLUMN_TYPES: ReadonlyArray<readonly [Column, 'utf8' | 'bool']> = [
  ['id', 'utf8'],
  ['text', 'utf8'],
  ['label', 'utf8'],
  ['corpus_group', 'utf8'],
  ['has_html', 'bool'],
  ['has_attachment', 'bool'],
  ['body_length', 'utf8'],
  ['sender_tld', 'utf8'],
  ['year', 'utf8'],
  ['charset', 'utf8'],
  ['multipart', 'bool'],
];

export const COLUMN_NAMES: readonly Column[] = COLUMN_TYPES.map(([name]) => name);

function arrowType(kind: 'utf8' | 'bool'): DataType {
  return kind === 'utf8' ? new Utf8() : new Bool();
}

export function datasetSchema(metadata: Record<string, string>): Schema {
  const fields = COLUMN_TYPES.map(([name, kind]) => new Field(name, arrowType(kind), false));
  return new Schema(fields, new Map(Object.entries(metadata)));
}

/** Rows per record batch: small enough for readers to stream, large enough to stay cheap. */
export const BATCH_ROWS = 1024;

function toBatch(schema: Schema, rows: readonly DatasetRow[]): RecordBatch {
  const children = COLUMN_TYPES.map(([name, kind]) => {
    const values = rows.map((r) => r[name]);
    const vector = vectorFromArray(values, arrowType(kind));
    // A fresh builder over one array yields one chunk; guard so a silent split cannot drop rows.
    if (vector.data.length !== 1)
      throw new Error(`arrow: column ${name} built into ${vector.data.length} chunks`);
    return vector.data[0];
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Encode rows as an Arrow IPC *file* (random-access format), in batches of BATCH_ROWS. */
export function encodeArrowFile(schema: Schema, rows: readonly DatasetRow[]): Uint8Array {
  const batches: RecordBatch[] = [];
  for (let i = 0; i < rows.length; i += BATCH_ROWS)
    batches.push(toBatch(schema, rows.slice(i, i + BATCH_ROWS)));
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}
