import { once } from 'node:events';
import { basename } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { z } from 'zod';
import { type AtomicStream, openAtomicStream } from '../util/atomic.js';
import { BadInputError, truncate } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import type { ArrowSource } from './arrow-reader.js';
import {
  type AnnotationsColumn,
  annotationsColumn,
  columnInterner,
  idColumn,
  type SliceColumn,
  type StringColumn,
  type StringListColumn,
  sliceColumn,
  stringColumn,
  stringListColumn,
  ValueState,
} from './columns.js';
import { CompactIdSet } from './compact-id-set.js';
import { firstRowsOf } from './duplicate-rows.js';
import type { ResolvedSpec } from './spec.js';

export const OnInvalid = z.enum(['error', 'skip', 'collect']);
/** error: stop at the first bad row; skip: write it to a side file and go on; collect: count and go on. */
export type OnInvalid = z.infer<typeof OnInvalid>;

export const ProblemKind = z.enum([
  'missing_id',
  'duplicate_id',
  'missing_text',
  'empty_text',
  'invalid_utf8',
  'label_not_in_set',
  'annotation_label_not_in_set',
]);
export type ProblemKind = z.infer<typeof ProblemKind>;

export const Problem = z.object({
  kind: ProblemKind,
  batch: z.number().int(),
  row: z.number().int(),
  id: z.string().nullable(),
  field: z.string(),
  message: z.string(),
});
export type Problem = z.infer<typeof Problem>;

export const ValidationSummary = z.object({
  file: z.string(),
  rows: z.number().int(),
  batches: z.number().int(),
  /** Rows that passed validation (labelled or not). */
  valid: z.number().int(),
  /** Valid rows with a null golden label: kept for inference, excluded from metrics. */
  unlabelled: z.number().int(),
  rejected: z.number().int(),
  problems: z.record(z.string(), z.number().int()),
  /** The first problems found, for display. */
  examples: z.array(Problem),
  /** Golden label counts over valid rows (multilabel: per label). */
  labelCounts: z.record(z.string(), z.number().int()),
  rejectsFile: z.string().optional(),
});
export type ValidationSummary = z.infer<typeof ValidationSummary>;

/** Row status codes in `ValidatedBatch.status`. */
export const RowStatus = { rejected: 0, labelled: 1, unlabelled: 2 } as const;

/** A record batch with its role columns bound and every row's verdict. */
export interface ValidatedBatch {
  readonly batch: RecordBatch;
  readonly index: number;
  /** Global index of this batch's first row in the dataset. */
  readonly rowOffset: number;
  readonly status: Uint8Array;
  readonly ids: StringColumn;
  readonly texts: readonly StringColumn[];
  /** Golden label per row (multilabel: a list); null where unlabelled or rejected. */
  readonly labels: readonly (string | string[] | null)[];
  readonly annotations: AnnotationsColumn | undefined;
  readonly slices: ReadonlyMap<string, SliceColumn>;
  readonly identity: ReadonlyMap<string, SliceColumn>;
}

export interface ScanOptions {
  onInvalid?: OnInvalid;
  /** Where `skip` writes rejected rows (JSONL); required for `skip`. */
  rejectsPath?: string;
  /** How many problem examples the summary keeps. */
  maxExamples?: number;
  /**
   * Detect duplicate ids (default true). The one check whose memory grows with the dataset
   * (see CompactIdSet); turn it off only for streams whose ids are known unique.
   */
  checkDuplicateIds?: boolean;
  /** Rows the dataset holds (the Arrow footer says), so the duplicate-id table is sized once. */
  expectedRows?: number;
}

/** Passes over earlier batches a scan makes to name duplicates' first rows (see firstRowsOf). */
const MAX_LOCATE_PASSES = 16;

/** A batch's problem rows, settled in row order once duplicate suspects are resolved. */
interface Pending {
  items: { i: number; problem: Problem }[];
  /** The row's checks other than the duplicate one (for a fingerprint collision). */
  recheck: (i: number) => Problem | undefined;
}

const MAX_FIELD_ECHO = 200;

/** A problem found in a row (a plain function: checkRow runs per row and allocates only on a problem). */
function problemAt(
  batch: number,
  row: number,
  kind: ProblemKind,
  field: string,
  id: string | null,
  message: string,
): Problem {
  return { kind, batch, row, id, field, message };
}

/**
 * One validating pass over a dataset. Iterate it for batches; read `summary` afterwards.
 * Memory: one record batch at a time, plus 5 bytes per row for duplicate-id detection when the
 * row count is known up front (`expectedRows`; 10-20 otherwise, see CompactIdSet;
 * bench/RESULTS-volume.md measures it).
 */
export class DatasetScan implements AsyncIterable<ValidatedBatch> {
  readonly summary: ValidationSummary;
  private readonly onInvalid: OnInvalid;
  private readonly maxExamples: number;
  private readonly declared: ReadonlySet<string> | undefined;
  private readonly ids: CompactIdSet;
  private locatePasses = 0;
  private pending: Pending | undefined;
  private readonly encoder = new TextEncoder();
  /** Per label/slice column: its values decoded once (see Utf8Interner). */
  private readonly interners = new Map<string, ReturnType<typeof columnInterner>>();
  private rejects: AtomicStream | undefined;
  private started = false;

  constructor(
    readonly source: ArrowSource,
    readonly spec: ResolvedSpec,
    private readonly options: ScanOptions = {},
  ) {
    this.onInvalid = options.onInvalid ?? 'error';
    this.ids = new CompactIdSet(options.checkDuplicateIds === false ? 0 : (options.expectedRows ?? 0));
    this.maxExamples = options.maxExamples ?? 20;
    this.declared = spec.labels ? new Set(spec.labels) : undefined;
    if (this.onInvalid === 'skip' && !options.rejectsPath) {
      throw new Error('DatasetScan: onInvalid "skip" needs a rejectsPath');
    }
    this.summary = {
      file: source.path,
      rows: 0,
      batches: 0,
      valid: 0,
      unlabelled: 0,
      rejected: 0,
      problems: keyedRecord<number>(),
      examples: [],
      labelCounts: keyedRecord<number>(),
      ...(options.rejectsPath && this.onInvalid === 'skip' ? { rejectsFile: options.rejectsPath } : {}),
    };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ValidatedBatch> {
    if (this.started) throw new Error('DatasetScan can be iterated once');
    this.started = true;
    if (this.onInvalid === 'skip') this.rejects = await openAtomicStream(this.options.rejectsPath!);
    let committed = false;
    try {
      let index = 0;
      for await (const batch of this.source.batches()) {
        const vb = this.validate(batch, index++);
        if (this.pending) await this.settle(vb, this.pending);
        yield vb;
        // Rejected rows are written synchronously while validating; let the file catch up per batch
        // so a dataset of mostly bad rows does not pile its side file up in memory.
        if (this.rejects?.stream.writableNeedDrain) await once(this.rejects.stream, 'drain');
      }
      if (this.rejects) await this.rejects.commit();
      committed = true;
    } finally {
      if (this.rejects && !committed) await this.rejects.abort();
    }
  }

  /** Drain the scan (validation only) and return the summary. */
  async run(): Promise<ValidationSummary> {
    for await (const _ of this) {
      // validation happens as batches are produced
    }
    return this.summary;
  }

  private validate(batch: RecordBatch, index: number): ValidatedBatch {
    const { spec } = this;
    const child = (name: string) => batch.getChild(name)!.data[0]!;
    const ids = idColumn(child(spec.id));
    const texts = spec.text.map((t) => stringColumn(child(t)));
    const labelData = child(spec.label);
    const labelCol: StringColumn | StringListColumn = spec.multilabel
      ? stringListColumn(labelData)
      : stringColumn(labelData, this.interner(spec.label));
    const annotations = spec.annotations ? annotationsColumn(child(spec.annotations)) : undefined;
    const slices = new Map(spec.slices.map((s) => [s, sliceColumn(child(s), this.interner(s))] as const));
    const identity = new Map(spec.identity.map((s) => [s, sliceColumn(child(s), this.interner(s))] as const));

    const n = batch.numRows;
    const rowOffset = this.summary.rows;
    const status = new Uint8Array(n);
    const labels: (string | string[] | null)[] = new Array(n).fill(null);

    const check = (i: number, dup: boolean) =>
      this.checkRow(i, rowOffset + i, index, ids, texts, labelCol, annotations, labels, dup);
    const items: Pending['items'] = [];
    for (let i = 0; i < n; i++) {
      const problem = check(i, true);
      if (problem) {
        items.push({ i, problem });
        labels[i] = null;
        continue;
      }
      this.accept(status, labels, i);
    }
    this.pending = items.length > 0 ? { items, recheck: (i) => check(i, false) } : undefined;
    this.summary.rows += n;
    this.summary.batches++;
    return { batch, index, rowOffset, status, ids, texts, labels, annotations, slices, identity };
  }

  /** Count a valid row (labelled or not). */
  private accept(status: Uint8Array, labels: readonly (string | string[] | null)[], i: number): void {
    const label = labels[i];
    if (label === null || label === undefined) {
      status[i] = RowStatus.unlabelled;
      this.summary.unlabelled++;
    } else {
      status[i] = RowStatus.labelled;
      const counts = this.summary.labelCounts;
      // The spec says which shape the label column holds (List<Utf8> or one label). No one-element
      // array per row for a single label: garbage that kept a 10 M-row pass in GC.
      if (this.spec.multilabel) for (const l of label as readonly string[]) counts[l] = (counts[l] ?? 0) + 1;
      else counts[label as string] = (counts[label as string] ?? 0) + 1;
    }
    this.summary.valid++;
  }

  /**
   * Reject a batch's problem rows in row order. A suspected duplicate (its id's fingerprint was
   * seen) is looked up: the earlier row with the same bytes is named, and a fingerprint collision
   * goes on to the row's other checks. After MAX_LOCATE_PASSES lookups a suspect is reported
   * without its first row (a 64-bit fingerprint match).
   */
  private async settle(vb: ValidatedBatch, pending: Pending): Promise<void> {
    this.pending = undefined;
    const suspects = pending.items.filter((x) => x.problem.kind === 'duplicate_id').map((x) => x.i);
    const locate = suspects.length > 0 && this.locatePasses < MAX_LOCATE_PASSES;
    if (locate) this.locatePasses++;
    const first = locate ? await firstRowsOf(this.source, this.spec.id, vb, suspects) : undefined;
    const status = vb.status as Uint8Array;
    const labels = vb.labels as (string | string[] | null)[];
    for (const { i, problem } of pending.items) {
      let found: Problem | undefined = problem;
      if (problem.kind === 'duplicate_id') {
        const at = first?.get(i);
        if (at !== undefined) found = { ...problem, message: `duplicate id (first seen at row ${at})` };
        else if (first) found = pending.recheck(i);
      }
      if (found) {
        this.reject(found, vb.batch, i);
        status[i] = RowStatus.rejected;
        labels[i] = null;
      } else this.accept(status, labels, i);
    }
  }

  private interner(column: string): ReturnType<typeof columnInterner> {
    let it = this.interners.get(column);
    if (it === undefined) {
      it = columnInterner();
      this.interners.set(column, it);
    }
    return it;
  }

  private checkRow(
    i: number,
    row: number,
    batch: number,
    ids: StringColumn,
    texts: readonly StringColumn[],
    labelCol: StringColumn | StringListColumn,
    annotations: AnnotationsColumn | undefined,
    labels: (string | string[] | null)[],
    dupCheck = true,
  ): Problem | undefined {
    const { spec } = this;
    // Ids and texts are checked on their bytes; a string is built only for a row with a problem.
    const idState = ids.state(i);
    if (idState === ValueState.invalidUtf8)
      return problemAt(batch, row, 'invalid_utf8', spec.id, null, 'id is not valid UTF-8');
    if (idState !== ValueState.ok)
      return problemAt(batch, row, 'missing_id', spec.id, null, 'id is null or empty');
    if (dupCheck && this.options.checkDuplicateIds !== false) {
      // A suspect until settle() finds the earlier row with the same bytes.
      if (!this.ids.add(ids.bytes(i) ?? this.encoder.encode(ids.get(i)!)))
        return problemAt(
          batch,
          row,
          'duplicate_id',
          spec.id,
          ids.get(i),
          'duplicate id (an earlier row has it)',
        );
    }

    for (let t = 0; t < texts.length; t++) {
      const field = spec.text[t]!;
      const state = texts[t]!.state(i);
      if (state === ValueState.ok && !texts[t]!.blank(i)) continue;
      const id = ids.get(i);
      if (state === ValueState.invalidUtf8)
        return problemAt(batch, row, 'invalid_utf8', field, id, 'text is not valid UTF-8');
      if (state === ValueState.null) return problemAt(batch, row, 'missing_text', field, id, 'text is null');
      return problemAt(batch, row, 'empty_text', field, id, 'text is empty');
    }

    let label: string | string[] | null;
    try {
      label = labelCol.get(i);
    } catch {
      return problemAt(batch, row, 'invalid_utf8', spec.label, ids.get(i), 'label is not valid UTF-8');
    }
    const outside = label === null ? undefined : this.undeclared(label);
    if (outside !== undefined) {
      return problemAt(
        batch,
        row,
        'label_not_in_set',
        spec.label,
        ids.get(i),
        `label ${JSON.stringify(truncate(outside, 60))} is not in the declared set [${[...this.declared!].join(', ')}]`,
      );
    }
    labels[i] = label;

    if (annotations && this.declared) {
      let list: ReturnType<AnnotationsColumn['get']>;
      try {
        list = annotations.get(i);
      } catch {
        return problemAt(
          batch,
          row,
          'invalid_utf8',
          spec.annotations!,
          ids.get(i),
          'annotation is not valid UTF-8',
        );
      }
      for (const a of list ?? []) {
        if (a.label !== null && !this.declared.has(a.label)) {
          return problemAt(
            batch,
            row,
            'annotation_label_not_in_set',
            spec.annotations!,
            ids.get(i),
            `annotator ${JSON.stringify(truncate(a.annotator, 40))} gave label ${JSON.stringify(truncate(a.label, 60))}, not in the declared set`,
          );
        }
      }
    }
    return undefined;
  }

  /** A label outside the declared set, if any (no array per row for a single label). */
  private undeclared(label: string | readonly string[]): string | undefined {
    const declared = this.declared;
    if (declared === undefined) return undefined;
    if (this.spec.multilabel) return (label as readonly string[]).find((l) => !declared.has(l));
    return declared.has(label as string) ? undefined : (label as string);
  }

  private reject(problem: Problem, batch: RecordBatch, i: number): void {
    if (this.onInvalid === 'error') {
      throw new BadInputError(`${problem.message} (use --on-invalid skip to set such rows aside)`, {
        file: this.source.path,
        batch: problem.batch,
        row: problem.row,
        ...(problem.id !== null ? { id: problem.id } : {}),
        field: problem.field,
      });
    }
    this.summary.rejected++;
    this.summary.problems[problem.kind] = (this.summary.problems[problem.kind] ?? 0) + 1;
    if (this.summary.examples.length < this.maxExamples) this.summary.examples.push(problem);
    if (this.rejects) {
      const record = { ...problem, file: basename(this.source.path), values: rowEcho(batch, i) };
      this.rejects.stream.write(`${JSON.stringify(record)}\n`);
    }
  }
}

/** The rejected row's values, each capped, so the side file stays readable and bounded. */
function rowEcho(batch: RecordBatch, i: number): Record<string, unknown> {
  const out = keyedRecord<unknown>();
  const row = batch.get(i);
  if (!row) return out;
  for (const field of batch.schema.fields) {
    let v: unknown;
    try {
      v = row[field.name];
    } catch {
      v = '<undecodable>';
    }
    out[field.name] = echoValue(v);
  }
  return out;
}

/**
 * A JSON-safe copy of one cell, recursing into lists and structs: JSON.stringify throws on the
 * bigints of Int64 values nested anywhere, and a nested string deserves the same cap as a top one.
 */
function echoValue(v: unknown): unknown {
  if (typeof v === 'string') return truncate(v, MAX_FIELD_ECHO);
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  if ('toJSON' in v && typeof v.toJSON === 'function') return echoValue(v.toJSON());
  if (Array.isArray(v)) return v.map(echoValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, echoValue(x)]));
}
