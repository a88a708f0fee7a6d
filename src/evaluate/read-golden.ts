import type { Dataset } from '../dataset/open.js';
import { RowStatus, type ValidatedBatch, type ValidationSummary } from '../dataset/validate.js';
import {
  type GrowableArray as Growable,
  GrowableArray,
  growableInt32,
  growableUint8,
} from '../util/growable.js';
import { DictionaryEncoder } from './encoder.js';
import type { GoldenRowRule } from './eval-set.js';

/**
 * The golden side of the join: one pass over the dataset, one record batch at a time, keeping the
 * labelled rows (ids, labels, slice and identity codes, annotations). The hash join (read-
 * predictions.ts) also keeps an id → row map and the ids of the rows left out, so a prediction for
 * one of those is counted rather than called unknown; the position join (position-join.ts) needs
 * neither: it matches each row with the predictions as the pass goes (a `RowMatcher`).
 */

/** The ids of the labelled rows, row index = position. */
export interface IdList {
  readonly length: number;
  get(i: number): string;
}

/** Ids as strings (the hash join holds them anyway, as its map's keys). */
class StringIds implements IdList {
  readonly list: string[] = [];
  get length(): number {
    return this.list.length;
  }
  get(i: number): string {
    return this.list[i]!;
  }
}

/**
 * Ids as their UTF-8 bytes end to end, 4 bytes of offset per row (a string is built only when one
 * is asked for); up to 4 GiB of id bytes.
 */
class ByteIds implements IdList {
  private readonly bytes: Growable<Uint8Array>;
  private readonly ends: Growable<Uint32Array>;
  private readonly decoder = new TextDecoder();
  constructor(capacity: number) {
    this.bytes = growableUint8(Math.max(1 << 16, capacity * 8));
    this.ends = new GrowableArray((n) => new Uint32Array(n), capacity);
  }
  get length(): number {
    return this.ends.length;
  }
  push(values: Uint8Array, start: number, end: number): void {
    this.bytes.append(values, start, end);
    if (this.bytes.length > 0xffffffff) throw new RangeError('more than 4 GiB of ids');
    this.ends.push(this.bytes.length);
  }
  get(i: number): string {
    const ends = this.ends.view();
    return this.decoder.decode(this.bytes.view().subarray(i === 0 ? 0 : ends[i - 1]!, ends[i]!));
  }
}

/** Everything the dataset pass keeps about labelled rows (row index = position in these arrays). */
export interface GoldenRows {
  ids: IdList;
  /** Hash join only (empty for the position join). */
  byId: Map<string, number>;
  /** Single-label: golden label per row as an index into `truthValues`. */
  truthCodes: Growable<Int32Array>;
  truthValues: string[];
  /** Multilabel: golden labels per row (empty for single-label). */
  truthLists: (readonly string[])[];
  slices: DictionaryEncoder[];
  identity: DictionaryEncoder[];
  /** Per labelled row: offsets into annotator/label pairs (only when the dataset has annotations). */
  annOffsets: Growable<Int32Array>;
  annAnnotator: Growable<Int32Array>;
  annLabel: string[];
  annotators: Map<string, number>;
  /** Hash join only: ids of rows that are in the dataset but not evaluated, and why. */
  excluded: Map<string, 'unlabelled' | 'rejected'>;
  observedLabels: Set<string>;
}

/** The position join's view of the pass: every dataset row, in order. */
export interface RowMatcher {
  /** Before a batch's rows (may read the predictions ahead). */
  prepare(batch: ValidatedBatch): Promise<void>;
  /** Row i of the batch; `labelled` = its index among labelled rows, or -1 when it is not one. */
  row(batch: ValidatedBatch, i: number, labelled: number): void;
}

function emptyRows(ds: Dataset, positional: boolean, capacity: number): GoldenRows {
  const spec = ds.spec;
  const rows: GoldenRows = {
    ids: positional ? new ByteIds(capacity) : new StringIds(),
    byId: new Map(),
    truthCodes: growableInt32(capacity),
    truthValues: [],
    truthLists: [],
    slices: spec.slices.map((s) => new DictionaryEncoder(s, capacity)),
    identity: spec.identity.map((s) => new DictionaryEncoder(s, capacity)),
    annOffsets: growableInt32(),
    annAnnotator: growableInt32(),
    annLabel: [],
    annotators: new Map(),
    excluded: new Map(),
    observedLabels: new Set(),
  };
  rows.annOffsets.push(0);
  return rows;
}

/** Hash join: remember a left-out row's id (a rejected row may have no decodable id). */
function noteExcluded(rows: GoldenRows, b: ValidatedBatch, i: number, status: number): void {
  let id: string | null = null;
  try {
    id = b.ids.get(i);
  } catch {
    id = null;
  }
  if (id !== null && !rows.byId.has(id)) {
    rows.excluded.set(id, status === RowStatus.unlabelled ? 'unlabelled' : 'rejected');
  }
}

function pushAnnotations(rows: GoldenRows, b: ValidatedBatch, i: number): void {
  if (b.annotations === undefined) return;
  for (const a of b.annotations.get(i) ?? []) {
    if (a.label === null) continue;
    let who = rows.annotators.get(a.annotator);
    if (who === undefined) {
      who = rows.annotators.size;
      rows.annotators.set(a.annotator, who);
    }
    rows.annAnnotator.push(who);
    rows.annLabel.push(a.label);
  }
  rows.annOffsets.push(rows.annAnnotator.length);
}

/**
 * Read the golden rows. With a `matcher` (position join) ids are kept as bytes, no id map is
 * built and duplicate ids are left to the matcher (see position-join.ts). `capacity`: the
 * dataset's row count when known, so columns are allocated once.
 */
export async function readGolden(
  ds: Dataset,
  maxExamples: number,
  rule: GoldenRowRule,
  matcher?: RowMatcher,
  capacity = 1024,
): Promise<{ rows: GoldenRows; summary: ValidationSummary }> {
  const spec = ds.spec;
  const rows = emptyRows(ds, matcher !== undefined, capacity);
  const byteIds = rows.ids instanceof ByteIds ? rows.ids : undefined;
  const stringIds = rows.ids instanceof StringIds ? rows.ids.list : undefined;
  const truthIndex = new Map<string, number>();
  const encoder = new TextEncoder();
  // The spec declares the golden label's shape (a List<Utf8> column or one label); never guessed per row.
  const multiLabel = spec.multilabel;
  const scan = ds.scan({
    // skip without a file to write to (library callers): counted in the summary, as skip does.
    onInvalid: rule.onInvalid === 'skip' && rule.rejectsPath === undefined ? 'collect' : rule.onInvalid,
    ...(rule.onInvalid === 'skip' && rule.rejectsPath !== undefined ? { rejectsPath: rule.rejectsPath } : {}),
    maxExamples,
    ...(matcher ? { checkDuplicateIds: false } : {}),
  });
  for await (const b of scan) {
    if (matcher) await matcher.prepare(b);
    const sliceCols = spec.slices.map((name) => b.slices.get(name)!);
    const identityCols = spec.identity.map((name) => b.identity.get(name)!);
    for (let i = 0; i < b.status.length; i++) {
      const status = b.status[i]!;
      if (status !== RowStatus.labelled) {
        if (matcher) matcher.row(b, i, -1);
        else noteExcluded(rows, b, i, status);
        continue;
      }
      const r = rows.ids.length;
      const raw = b.ids.raw;
      if (byteIds && raw) byteIds.push(raw.values, raw.offsets[i]!, raw.offsets[i + 1]!);
      else if (byteIds) {
        const bytes = encoder.encode(b.ids.get(i)!);
        byteIds.push(bytes, 0, bytes.length);
      } else {
        const id = b.ids.get(i)!;
        rows.byId.set(id, r);
        stringIds!.push(id);
      }
      const label = b.labels[i]!;
      if (multiLabel) {
        const list = label as string[];
        rows.truthLists.push(list);
        for (const l of list) rows.observedLabels.add(l);
      } else {
        const one = label as string;
        let code = truthIndex.get(one);
        if (code === undefined) {
          code = rows.truthValues.length;
          truthIndex.set(one, code);
          rows.truthValues.push(one);
          rows.observedLabels.add(one);
        }
        rows.truthCodes.push(code);
      }
      for (let s = 0; s < sliceCols.length; s++) rows.slices[s]!.push(sliceCols[s]!.get(i));
      for (let s = 0; s < identityCols.length; s++) rows.identity[s]!.push(identityCols[s]!.get(i));
      pushAnnotations(rows, b, i);
      if (matcher) matcher.row(b, i, r);
    }
  }
  return { rows, summary: scan.summary };
}
