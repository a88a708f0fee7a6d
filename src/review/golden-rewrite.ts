import {
  Bool,
  type Data,
  DataType,
  Field,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { type ArrowWriter, openArrowWriter } from '../dataset/arrow-writer.js';
import {
  InvalidUtf8Error,
  idColumn,
  isStringType,
  stringColumn,
  stringListColumn,
} from '../dataset/columns.js';
import type { Dataset } from '../dataset/open.js';
import { BadInputError } from '../util/errors.js';
import type { Resolution } from './conflicts.js';

/** Columns every reviewed golden version carries (replaced, not duplicated, on the next import). */
export const PROVENANCE_COLUMNS = [
  'previous_label',
  'new_label',
  'reviewer',
  'reviewed_at',
  'source_queue',
  'relabelled',
  'review_verdicts',
] as const;

export const GOLDEN_REVIEW_META_KEY = 'modeval.review';

/**
 * Streams the dataset batch by batch into the new golden version (temporary file, renamed on
 * commit): all original columns, the label column holding the reviewed label, then the
 * provenance columns.
 */
export async function rewriteGolden(
  ds: Dataset,
  resolutions: ReadonlyMap<string, Resolution>,
  meta: Record<string, unknown>,
  dest: string,
  multilabel = false,
): Promise<void> {
  const src = ds.source.schema;
  const provenance = new Set<string>(PROVENANCE_COLUMNS);
  const kept = src.fields.filter((f) => !provenance.has(f.name));
  // Dictionary columns are written as plain Utf8: the IPC file format forbids replacement
  // dictionaries, and batches of the source may each carry their own.
  const fields = kept.map((f) =>
    f.name === ds.spec.label && multilabel
      ? new Field(f.name, policyListType(), true, f.metadata)
      : DataType.isDictionary(f.type) || f.name === ds.spec.label
        ? new Field(f.name, new Utf8(), true, f.metadata)
        : f,
  );
  const extra = [
    new Field('previous_label', new Utf8(), true),
    new Field('new_label', new Utf8(), true),
    new Field('reviewer', new Utf8(), true),
    new Field('reviewed_at', new Utf8(), true),
    new Field('source_queue', new Utf8(), true),
    new Field('relabelled', new Bool(), false),
    new Field('review_verdicts', new Utf8(), true),
  ];
  const metadata = new Map(src.metadata);
  metadata.set(GOLDEN_REVIEW_META_KEY, JSON.stringify(meta));
  const schema = new Schema([...fields, ...extra], metadata);
  const writer = await openArrowWriter(dest, { format: 'file', schema });
  try {
    await writeBatches(ds, resolutions, { kept, schema, multilabel }, writer);
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 * A string column chunk (Utf8 or Dictionary<Utf8>) as strings, through the dataset readers' strict
 * UTF-8 check: malformed bytes are refused naming the row, never written on as U+FFFD.
 */
function readStrings(ds: Dataset, column: string, data: Data, firstRow: number): (string | null)[] {
  if (!isStringType(data.type)) {
    // A dictionary of non-strings: its values as Arrow decodes them.
    const vector = makeVector(data);
    return Array.from({ length: data.length }, (_, i) => vector.get(i) as string | null);
  }
  const col = stringColumn(data);
  const out: (string | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    try {
      out[i] = col.get(i);
    } catch (err) {
      if (!(err instanceof InvalidUtf8Error)) throw err;
      throw new BadInputError(err.message, { file: ds.source.path, row: firstRow + i, field: column });
    }
  }
  return out;
}

/** The provenance columns of one batch, in PROVENANCE_COLUMNS order. */
function provenanceData(
  ids: readonly (string | null)[],
  resolutions: ReadonlyMap<string, Resolution>,
): Data[] {
  const col = (pick: (r: Resolution) => string | null) =>
    vectorFromArray(
      ids.map((id) => {
        const r = resolutions.get(id!);
        return r ? pick(r) : null;
      }),
      new Utf8(),
    ).data[0]!;
  const latest = (r: Resolution) =>
    r.verdicts
      .map((v) => v.reviewedAt)
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null;
  return [
    col((r) => r.previous),
    col((r) => r.agreed),
    col((r) => [...new Set(r.verdicts.map((v) => v.reviewer))].join(', ')),
    col(latest),
    col((r) => [...new Set(r.verdicts.map((v) => v.queue).filter((q) => q !== null))].join(', ') || null),
    vectorFromArray(
      ids.map((id) => {
        const r = resolutions.get(id!);
        return r !== undefined && r.final !== r.previous;
      }),
      new Bool(),
    ).data[0]!,
    col((r) =>
      JSON.stringify(
        r.verdicts.map((v) => ({
          reviewer: v.reviewer,
          // A multi-policy answer as the reviewer gave it (the resolution compares closed sets).
          label: v.labels ?? v.label,
          reviewed_at: v.reviewedAt,
          queue: v.queue,
        })),
      ),
    ),
  ];
}

/** A multi-policy label column: List<Utf8>. */
const policyListType = () => new List(new Field('item', new Utf8(), true));

/**
 * The multi-policy label column of one batch: a reviewed row gets its resolved policies (the
 * resolution's key is their closed set, taxonomy roll-up applied), the others keep theirs.
 */
function policyLabels(
  data: Data,
  ids: readonly (string | null)[],
  resolutions: ReadonlyMap<string, Resolution>,
): Data {
  const stored = stringListColumn(data);
  const lists = ids.map((id, i) => {
    const r = resolutions.get(id!);
    if (!r) return stored.get(i);
    return r.final === null ? null : (JSON.parse(r.final) as string[]);
  });
  return vectorFromArray(lists, policyListType()).data[0]!;
}

async function writeBatches(
  ds: Dataset,
  resolutions: ReadonlyMap<string, Resolution>,
  layout: { kept: readonly Field[]; schema: Schema; multilabel: boolean },
  writer: ArrowWriter,
): Promise<void> {
  const { kept, schema, multilabel } = layout;
  let firstRow = 0;
  for await (const batch of ds.source.batches()) {
    const n = batch.numRows;
    // Integer ids as their decimal text, the key verdicts are matched by.
    const idData = batch.getChild(ds.spec.id)!.data[0]!;
    const intIds = DataType.isInt(idData.type) ? idColumn(idData) : undefined;
    const ids = intIds
      ? Array.from({ length: n }, (_, i) => intIds.get(i))
      : readStrings(ds, ds.spec.id, idData, firstRow);
    const cols: Data[] = kept.map((f) => {
      const data = batch.getChild(f.name)!.data[0]!;
      if (f.name === ds.spec.label && multilabel) return policyLabels(data, ids, resolutions);
      if (f.name === ds.spec.label) {
        const labels = readStrings(ds, f.name, data, firstRow).map((l, i) => {
          const r = resolutions.get(ids[i]!);
          return r ? r.final : l;
        });
        return vectorFromArray(labels, new Utf8()).data[0]!;
      }
      if (DataType.isDictionary(f.type)) {
        return vectorFromArray(readStrings(ds, f.name, data, firstRow), new Utf8()).data[0]!;
      }
      return data;
    });
    cols.push(...provenanceData(ids, resolutions));
    const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: cols });
    await writer.write(new RecordBatch(schema, struct));
    firstRow += n;
  }
}
