import {
  type DuckDBListValue,
  type DuckDBStructType,
  type DuckDBStructValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import {
  Bool,
  type Data,
  DataType,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeBuilder,
  makeData,
  Precision,
  Struct,
  Utf8,
} from 'apache-arrow';

/**
 * How one DuckDB result column becomes one Arrow column. Our own typed mapping, because DuckDB's
 * `arrow` extension cannot be installed offline:
 *
 * | DuckDB | Arrow | why |
 * | --- | --- | --- |
 * | VARCHAR | Utf8 | |
 * | BOOLEAN | Bool | |
 * | TINYINT, SMALLINT, INTEGER, UTINYINT, USMALLINT | Int32 | fits; plain JS numbers downstream |
 * | BIGINT, UINTEGER, UBIGINT, HUGEINT, UHUGEINT | Int64 | width kept; the unsigned/128-bit ones are CAST to BIGINT, so a value out of range is an error, never a wrap |
 * | FLOAT / DOUBLE | Float32 / Float64 | DECIMAL is CAST to DOUBLE (≈15 significant digits) |
 * | DATE | Utf8 `YYYY-MM-DD` | dates and times become ISO 8601 text: every extra column is a categorical slice, and slices are read as strings; text also keeps microseconds exactly |
 * | TIMESTAMP (and _S/_MS/_NS, CAST to µs) | Utf8 `YYYY-MM-DDTHH:MM:SS[.ffffff]` | no zone: the source had none |
 * | TIMESTAMP WITH TIME ZONE | Utf8 `...Z` | the UTC instant |
 * | VARCHAR[] | List<Utf8> | multilabel `labels` |
 * | FLOAT[] / DOUBLE[] | List<Float32> / List<Float64> | features, scores |
 * | STRUCT(annotator VARCHAR, label VARCHAR)[] | List<Struct<annotator: Utf8, label: Utf8>> | the `annotations` column |
 *
 * Anything else (MAP, UNION, INTERVAL, BLOB, UUID, other structs and lists...) is refused by name.
 */
export interface ColumnMapping {
  /** Arrow type of the output column. */
  readonly type: DataType;
  /** SQL type to CAST the source column to before reading it, when DuckDB's own type is not read directly. */
  readonly castTo?: string;
  /** Convert one non-null DuckDB value (of the post-CAST type) to what the Arrow builder appends. */
  readonly convert: (value: DuckDBValue) => unknown;
}

export const SUPPORTED_TYPES_HINT =
  'supported: VARCHAR, BOOLEAN, integers, FLOAT, DOUBLE, DECIMAL, DATE, TIMESTAMP, VARCHAR[], FLOAT[], DOUBLE[], STRUCT(annotator VARCHAR, label VARCHAR)[]';

export const annotationStruct = (): Struct =>
  new Struct([new Field('annotator', new Utf8(), true), new Field('label', new Utf8(), true)]);

const identity = (v: DuckDBValue): unknown => v;
const asString = (v: DuckDBValue): string => String(v);

/** The Arrow mapping for a DuckDB column type, or undefined when the type is not supported. */
export function mapDuckDBType(type: DuckDBType): ColumnMapping | undefined {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return { type: new Utf8(), convert: identity };
    case DuckDBTypeId.BOOLEAN:
      return { type: new Bool(), convert: identity };
    case DuckDBTypeId.INTEGER:
      return { type: new Int32(), convert: identity };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return { type: new Int32(), castTo: 'INTEGER', convert: identity };
    case DuckDBTypeId.BIGINT:
      return { type: new Int64(), convert: identity };
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { type: new Int64(), castTo: 'BIGINT', convert: identity };
    case DuckDBTypeId.FLOAT:
      return { type: new Float32(), convert: identity };
    case DuckDBTypeId.DOUBLE:
      return { type: new Float64(), convert: identity };
    case DuckDBTypeId.DECIMAL:
      return { type: new Float64(), castTo: 'DOUBLE', convert: identity };
    case DuckDBTypeId.DATE:
      return { type: new Utf8(), convert: asString };
    case DuckDBTypeId.TIMESTAMP:
      return { type: new Utf8(), convert: (v) => isoTimestamp(v as DuckDBTimestampValue, false) };
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return {
        type: new Utf8(),
        castTo: 'TIMESTAMP',
        convert: (v) => isoTimestamp(v as DuckDBTimestampValue, false),
      };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return {
        type: new Utf8(),
        convert: (v) => isoTimestamp(new DuckDBTimestampValue((v as DuckDBTimestampValue).micros), true),
      };
    case DuckDBTypeId.LIST:
      return mapList(type.valueType);
    default:
      return undefined;
  }
}

function mapList(item: DuckDBType): ColumnMapping | undefined {
  const items = (v: DuckDBValue) => (v as DuckDBListValue).items;
  switch (item.typeId) {
    case DuckDBTypeId.VARCHAR:
      return { type: new List(new Field('item', new Utf8(), true)), convert: items };
    case DuckDBTypeId.FLOAT:
      return { type: new List(new Field('item', new Float32(), true)), convert: items };
    case DuckDBTypeId.DOUBLE:
      return { type: new List(new Field('item', new Float64(), true)), convert: items };
    case DuckDBTypeId.STRUCT:
      return isAnnotationStruct(item)
        ? { type: new List(new Field('item', annotationStruct(), true)), convert: annotations }
        : undefined;
    default:
      return undefined;
  }
}

function isAnnotationStruct(type: DuckDBStructType): boolean {
  if (type.entryCount !== 2) return false;
  return ['annotator', 'label'].every(
    (name) => type.entryNames.includes(name) && type.typeForEntry(name).typeId === DuckDBTypeId.VARCHAR,
  );
}

function annotations(v: DuckDBValue): unknown {
  return (v as DuckDBListValue).items.map((item) => {
    if (item === null) return null;
    const { annotator, label } = (item as DuckDBStructValue).entries;
    return { annotator: annotator ?? null, label: label ?? null };
  });
}

/** DuckDB's own rendering (exact microseconds, BC years, infinities) in ISO 8601 form. */
function isoTimestamp(value: DuckDBTimestampValue, utc: boolean): string {
  const text = value.toString();
  if (!value.isFinite) return text;
  return `${text.replace(' ', 'T')}${utc ? 'Z' : ''}`;
}

/**
 * Accumulates one column's values across DuckDB chunks and turns them into one Arrow `Data` per
 * record batch. Scalars are packed straight into typed arrays (apache-arrow's generic builders
 * were ~8x slower on a million-row CSV); lists and structs go through its builders.
 */
export class ColumnAccumulator {
  private values: unknown[] = [];
  constructor(private readonly mapping: ColumnMapping) {}

  appendVector(vector: DuckDBVector, rows: number): void {
    const { values } = this;
    const { convert } = this.mapping;
    for (let i = 0; i < rows; i++) {
      const v = vector.getItem(i);
      values.push(v === null ? null : convert(v));
    }
  }

  /** The first `rows` accumulated values (default: all) as one Arrow Data; the rest stay. */
  flush(rows = this.values.length): Data {
    const values = this.values.length === rows ? this.values : this.values.slice(0, rows);
    this.values = this.values.length === rows ? [] : this.values.slice(rows);
    return packColumn(this.mapping.type, values);
  }
}

const utf8 = new TextEncoder();

function packColumn(type: DataType, values: readonly unknown[]): Data {
  const length = values.length;
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (values[i] === null) nullCount++;
    else validity[i >> 3]! |= 1 << (i & 7);
  }
  const nullBitmap = nullCount > 0 ? validity : undefined;
  if (DataType.isUtf8(type)) {
    const valueOffsets = new Int32Array(length + 1);
    let bytes = new Uint8Array(1 << 16);
    let pos = 0;
    for (let i = 0; i < length; i++) {
      const v = values[i] as string | null;
      if (v !== null) {
        // encodeInto needs room for the worst case of 3 bytes per UTF-16 unit.
        if (pos + v.length * 3 > bytes.length) {
          const grown = new Uint8Array(Math.max(bytes.length * 2, pos + v.length * 3));
          grown.set(bytes.subarray(0, pos));
          bytes = grown;
        }
        pos += utf8.encodeInto(v, bytes.subarray(pos)).written;
        if (pos > 0x7fffffff)
          throw new RangeError('a record batch holds more than 2 GiB of text; lower batchRows');
      }
      valueOffsets[i + 1] = pos;
    }
    return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data: bytes.subarray(0, pos) });
  }
  if (DataType.isBool(type)) {
    const data = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (DataType.isInt(type) && type.bitWidth === 64) {
    const data = new BigInt64Array(length);
    for (let i = 0; i < length; i++) data[i] = (values[i] as bigint | null) ?? 0n;
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (DataType.isInt(type) || DataType.isFloat(type)) {
    const data = DataType.isInt(type)
      ? new Int32Array(length)
      : type.precision === Precision.SINGLE
        ? new Float32Array(length)
        : new Float64Array(length);
    for (let i = 0; i < length; i++) data[i] = (values[i] as number | null) ?? 0;
    return makeData({ type, length, nullCount, nullBitmap, data } as Parameters<typeof makeData>[0]);
  }
  const builder = makeBuilder({ type, nullValues: [null] });
  for (const v of values) builder.append(v);
  return builder.flush();
}
