import { basename, dirname, extname, join, resolve as resolvePath } from 'node:path';
import {
  Bool,
  type Data,
  DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { z } from 'zod';
import { type ArrowWriter, openArrowWriter } from '../dataset/arrow-writer.js';
import { type Dataset, openDataset } from '../dataset/open.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import { RowStatus } from '../dataset/validate.js';
import { writeFileAtomic } from '../util/atomic.js';
import { BadInputError, formatLocation, truncate } from '../util/errors.js';
import { readTextFile } from '../util/files.js';
import { sha256File } from '../util/hash.js';
import { checkOption } from '../util/zod.js';
import { parseArgillaExport } from './formats/argilla-import.js';
import { parseLabelStudioExport } from './formats/labelstudio-import.js';
import { parseCsvVerdicts, parseJsonlVerdicts } from './formats/tabular-import.js';
import {
  type ParsedVerdicts,
  type Verdict,
  type VerdictFormat,
  VerdictFormatSchema,
  type VerdictProblem,
} from './verdicts.js';

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

export const ConflictPolicySchema = z.enum(['keep', 'majority', 'fail']);
export type ConflictPolicy = z.infer<typeof ConflictPolicySchema>;

export interface VerdictSource {
  file: string;
  /** Default: from the extension (.csv, .jsonl) or, for .json, from the content. */
  format?: VerdictFormat;
}

export interface ReviewImportOptions {
  dataset: string;
  spec?: DatasetSpecInput | DatasetSpec | string;
  sources: readonly VerdictSource[];
  /** The new golden version (Arrow IPC file). Must differ from the dataset path. */
  out: string;
  onConflict?: ConflictPolicy;
  /** Reviewer name for CSV/JSONL rows without a `reviewer` cell. */
  defaultReviewer?: string;
  /** How many problems a failed import lists. Default 50. */
  maxProblems?: number;
}

export const ConflictSchema = z.object({
  id: z.string(),
  golden: z.string(),
  answers: z.array(
    z.object({ reviewer: z.string(), label: z.string(), file: z.string(), row: z.number().int() }),
  ),
  resolution: z.string(),
  policy: ConflictPolicySchema,
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const ReviewImportSummarySchema = z.object({
  output: z.string(),
  report: z.string(),
  spec: z.string(),
  previous: z.object({ file: z.string(), fingerprint: z.string() }),
  rows: z.number().int(),
  verdicts: z.number().int(),
  skipped: z.number().int(),
  reviewed: z.number().int(),
  relabelled: z.number().int(),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int() })),
  conflicts: z.array(ConflictSchema),
});
export type ReviewImportSummary = z.infer<typeof ReviewImportSummarySchema>;

/** Every row problem of a rejected import; the message names the first, `problems` has them all. */
export class VerdictProblemsError extends BadInputError {
  constructor(
    readonly problems: readonly VerdictProblem[],
    readonly total: number,
  ) {
    const first = problems[0]!;
    const more =
      total > 1
        ? ` (and ${total - 1} more problem${total > 2 ? 's' : ''}; nothing was written)`
        : ' (nothing was written)';
    super(`${first.message}${more}`, {
      file: first.file,
      row: first.row,
      ...(first.line !== undefined ? { line: first.line } : {}),
      ...(first.id !== undefined ? { id: first.id } : {}),
      ...(first.field !== undefined ? { field: first.field } : {}),
    });
    this.name = 'VerdictProblemsError';
  }
}

export function formatProblem(p: VerdictProblem): string {
  const where = formatLocation({
    file: p.file,
    ...(p.line !== undefined ? { line: p.line } : {}),
    row: p.row,
    ...(p.id !== undefined ? { id: p.id } : {}),
    ...(p.field !== undefined ? { field: p.field } : {}),
  });
  return `${where}: ${p.message}`;
}

function sniffFormat(file: string, text: string): VerdictFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const head = text.trimStart();
  if (head.startsWith('[')) {
    // Label Studio tasks carry `data` + `annotations`; Argilla records carry `fields`/`responses`.
    const probe = head.slice(0, 20_000);
    if (/"annotations"\s*:/.test(probe) && /"data"\s*:/.test(probe)) return 'labelstudio';
    if (/"responses"\s*:|"fields"\s*:/.test(probe)) return 'argilla';
    if (/"item_id"\s*:/.test(probe) && /"label"\s*:/.test(probe)) return 'labelstudio'; // JSON-MIN
  }
  if (head.startsWith('{"records"') || /^\{\s*"records"\s*:/.test(head)) return 'argilla';
  if (head.startsWith('{')) return 'jsonl';
  throw new BadInputError('cannot tell the verdict format; pass --format labelstudio|argilla|jsonl|csv', {
    file,
  });
}

export async function readVerdicts(source: VerdictSource, defaultReviewer: string): Promise<ParsedVerdicts> {
  const text = await readTextFile(source.file, 'verdict file');
  const format = source.format
    ? checkOption(VerdictFormatSchema, source.format, 'format')
    : sniffFormat(source.file, text);
  switch (format) {
    case 'labelstudio':
      return parseLabelStudioExport(source.file, text, defaultReviewer);
    case 'argilla':
      return parseArgillaExport(source.file, text);
    case 'jsonl':
      return parseJsonlVerdicts(source.file, text, defaultReviewer);
    case 'csv':
      return parseCsvVerdicts(source.file, text, defaultReviewer);
  }
}

interface GoldenIndex {
  labels: string[];
  golden: Map<string, string | null>;
}

async function indexGolden(ds: Dataset): Promise<GoldenIndex> {
  if (ds.spec.multilabel) {
    throw new BadInputError('review import supports single-label golden sets', {
      file: ds.source.path,
      field: ds.spec.label,
    });
  }
  const golden = new Map<string, string | null>();
  const observed = new Set<string>();
  for await (const b of ds.scan({ onInvalid: 'collect' })) {
    for (let i = 0; i < b.status.length; i++) {
      if (b.status[i] === RowStatus.rejected) continue;
      const id = b.ids.get(i)!;
      const label = b.labels[i] as string | null;
      golden.set(id, label);
      if (label !== null) observed.add(label);
    }
  }
  const labels = ds.spec.labels ? [...ds.spec.labels] : [...observed].sort();
  return { labels, golden };
}

interface Resolution {
  previous: string | null;
  final: string | null;
  verdicts: Verdict[];
  agreed: string | null;
}

function resolveVerdicts(
  verdicts: readonly Verdict[],
  previous: string | null,
  policy: ConflictPolicy,
): { final: string | null; agreed: string | null; conflict: boolean } {
  const counts = new Map<string, number>();
  for (const v of verdicts) counts.set(v.label, (counts.get(v.label) ?? 0) + 1);
  if (counts.size === 1) {
    const only = verdicts[0]!.label;
    return { final: only, agreed: only, conflict: false };
  }
  if (policy === 'majority') {
    const ranked = [...counts].sort((a, b) => b[1] - a[1]);
    if (ranked[0]![1] > ranked[1]![1]) return { final: ranked[0]![0], agreed: ranked[0]![0], conflict: true };
  }
  return { final: previous, agreed: null, conflict: true };
}

/**
 * Validates every verdict, resolves them per item and writes the new golden version: all original
 * columns (the label column holding the reviewed label) plus provenance columns. Any problem in
 * any row rejects the whole import before a byte is written.
 */
export async function importReview(options: ReviewImportOptions): Promise<ReviewImportSummary> {
  const policy = checkOption(ConflictPolicySchema, options.onConflict ?? 'keep', 'onConflict');
  const maxProblems = options.maxProblems ?? 50;
  if (options.sources.length === 0) throw new BadInputError('no verdict file given', { field: 'verdicts' });
  const ds = await openDataset(options.dataset, options.spec === undefined ? {} : { spec: options.spec });
  if (resolvePath(options.out) === resolvePath(options.dataset)) {
    throw new BadInputError('the new golden version must not overwrite the dataset it came from', {
      field: 'out',
    });
  }
  const { labels, golden } = await indexGolden(ds);
  const labelSet = new Set(labels);
  const defaultReviewer = options.defaultReviewer ?? 'unknown';

  const problems: VerdictProblem[] = [];
  const verdicts: Verdict[] = [];
  let skipped = 0;
  for (const s of options.sources) {
    const parsed = await readVerdicts(s, defaultReviewer);
    problems.push(...parsed.problems);
    skipped += parsed.skipped;
    verdicts.push(...parsed.verdicts);
  }
  const seen = new Map<string, Verdict>();
  const valid: Verdict[] = [];
  for (const v of verdicts) {
    const at = { file: v.file, row: v.row, ...(v.line !== undefined ? { line: v.line } : {}), id: v.id };
    if (!golden.has(v.id)) {
      problems.push({ ...at, field: 'id', message: 'id is not in the golden set' });
      continue;
    }
    if (!labelSet.has(v.label)) {
      problems.push({
        ...at,
        field: 'label',
        message: `label ${JSON.stringify(truncate(v.label, 60))} is not in the label set [${labels.map((l) => JSON.stringify(l)).join(', ')}]`,
      });
      continue;
    }
    const key = JSON.stringify([v.id, v.reviewer]);
    const before = seen.get(key);
    if (before) {
      problems.push({
        ...at,
        field: 'id',
        message: `duplicate verdict by ${JSON.stringify(v.reviewer)} for this id (first at ${formatLocation({ file: before.file, row: before.row, ...(before.line !== undefined ? { line: before.line } : {}) })})`,
      });
      continue;
    }
    seen.set(key, v);
    valid.push(v);
  }
  if (problems.length > 0) throw new VerdictProblemsError(problems.slice(0, maxProblems), problems.length);

  const byId = new Map<string, Verdict[]>();
  for (const v of valid) {
    let list = byId.get(v.id);
    if (!list) {
      list = [];
      byId.set(v.id, list);
    }
    list.push(v);
  }
  const resolutions = new Map<string, Resolution>();
  const conflicts: Conflict[] = [];
  for (const [id, vs] of [...byId].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const previous = golden.get(id) ?? null;
    const r = resolveVerdicts(vs, previous, policy);
    if (r.conflict) {
      conflicts.push({
        id,
        golden: previous ?? '(unlabelled)',
        answers: vs.map((v) => ({ reviewer: v.reviewer, label: v.label, file: v.file, row: v.row })),
        resolution: r.final ?? '(unlabelled)',
        policy,
      });
    }
    resolutions.set(id, { previous, final: r.final, verdicts: vs, agreed: r.agreed });
  }
  if (policy === 'fail' && conflicts.length > 0) {
    const c = conflicts[0]!;
    throw new BadInputError(
      `reviewers disagree on ${conflicts.length} item(s), e.g. ${c.answers.map((a) => `${a.reviewer}: ${a.label}`).join(' vs ')} (--on-conflict fail; nothing was written)`,
      { id: c.id },
    );
  }

  const fingerprint = await sha256File(options.dataset);
  const reviewMeta = {
    previous: { file: basename(options.dataset), fingerprint },
    sources: options.sources.map((s) => basename(s.file)),
    policy,
    verdicts: valid.length,
  };

  const transitions = new Map<string, number>();
  let relabelled = 0;
  for (const r of resolutions.values()) {
    const from = r.previous ?? '(unlabelled)';
    const to = r.final ?? '(unlabelled)';
    transitions.set(`${from}\u0000${to}`, (transitions.get(`${from}\u0000${to}`) ?? 0) + 1);
    if (r.final !== r.previous) relabelled++;
  }
  const stem = basename(options.out, extname(options.out));
  const specPath = join(dirname(options.out), `${stem}.spec.json`);
  const reportPath = join(dirname(options.out), `${stem}.review.json`);
  const summary: ReviewImportSummary = {
    output: options.out,
    report: reportPath,
    spec: specPath,
    previous: reviewMeta.previous,
    rows: golden.size,
    verdicts: valid.length,
    skipped,
    reviewed: resolutions.size,
    relabelled,
    transitions: [...transitions]
      .map(([k, count]) => {
        const [from, to] = k.split('\u0000') as [string, string];
        return { from, to, count };
      })
      .sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1)),
    conflicts,
  };
  // The spec travels beside the new version with the slice list pinned, so the provenance columns
  // are never mistaken for slices.
  const spec = {
    id: ds.spec.id,
    text: [...ds.spec.text],
    label: ds.spec.label,
    labels,
    ...(ds.spec.positive !== undefined ? { positive: ds.spec.positive } : {}),
    ...(ds.spec.annotations !== undefined ? { annotations: ds.spec.annotations } : {}),
    slices: ds.spec.slices.filter((s) => !(PROVENANCE_COLUMNS as readonly string[]).includes(s)),
    crossings: ds.spec.crossings.map((c) => [...c]),
    identity: [...ds.spec.identity],
  };
  await rewriteGolden(ds, resolutions, reviewMeta, options.out);
  await writeFileAtomic(specPath, `${JSON.stringify(spec, null, 2)}\n`);
  await writeFileAtomic(reportPath, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Reads a string column chunk (Utf8 or Dictionary<Utf8>) into strings: one pass per batch. */
function asStrings(data: Data): (string | null)[] {
  return Array.from({ length: data.length }, (_, i) => getValue(data, i));
}

const utf8 = new TextDecoder();

function getValue(data: Data, i: number): string | null {
  if (data.nullCount > 0 && !data.getValid(i)) return null;
  const t = data.type as DataType;
  if (DataType.isDictionary(t)) {
    const key = (data.values as ArrayLike<number>)[i]!;
    const dict = data.dictionary!;
    return dict.get(key) as string | null;
  }
  const offsets = data.valueOffsets as Int32Array;
  return utf8.decode((data.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!));
}

/** Streams the dataset batch by batch into the new version (temporary file, renamed on commit). */
async function rewriteGolden(
  ds: Dataset,
  resolutions: ReadonlyMap<string, Resolution>,
  meta: Record<string, unknown>,
  dest: string,
): Promise<void> {
  const src = ds.source.schema;
  const provenance = new Set<string>(PROVENANCE_COLUMNS);
  const kept = src.fields.filter((f) => !provenance.has(f.name));
  // Dictionary columns are written as plain Utf8: the IPC file format forbids replacement
  // dictionaries, and batches of the source may each carry their own.
  const fields = kept.map((f) =>
    DataType.isDictionary(f.type) || f.name === ds.spec.label
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
    await writeBatches(ds, resolutions, kept, schema, writer);
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

async function writeBatches(
  ds: Dataset,
  resolutions: ReadonlyMap<string, Resolution>,
  kept: readonly Field[],
  schema: Schema,
  writer: ArrowWriter,
): Promise<void> {
  for await (const batch of ds.source.batches()) {
    const n = batch.numRows;
    const idData = batch.getChild(ds.spec.id)!.data[0]!;
    const ids = asStrings(idData);
    const cols: Data[] = kept.map((f) => {
      const data = batch.getChild(f.name)!.data[0]!;
      if (f.name === ds.spec.label) {
        const labels = asStrings(data).map((l, i) => {
          const r = resolutions.get(ids[i]!);
          return r ? r.final : l;
        });
        return vectorFromArray(labels, new Utf8()).data[0]!;
      }
      if (DataType.isDictionary(f.type)) return vectorFromArray(asStrings(data), new Utf8()).data[0]!;
      return data;
    });
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
    cols.push(
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
            label: v.label,
            reviewed_at: v.reviewedAt,
            queue: v.queue,
          })),
        ),
      ),
    );
    const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: cols });
    await writer.write(new RecordBatch(schema, struct));
  }
}
