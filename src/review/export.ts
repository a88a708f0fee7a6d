import { rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DataType } from 'apache-arrow';
import { z } from 'zod';
import { readTexts } from '../analysis/texts.js';
import { type LabelEvidence, LabelEvidenceSchema } from '../contracts/label-evidence.js';
import { type Dataset, openDataset } from '../dataset/open.js';
import type { EvalSet, GoldenRowRule } from '../evaluate/eval-set.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { loadEvalSet } from '../evaluate/join.js';
import { withOutputFolder } from '../io/guard.js';
import { predictionFiles } from '../io/prediction-files.js';
import { type TaskView, taskViewOf } from '../task/index.js';
import { makeFolder, tempPathFor, writeFileAtomic } from '../util/atomic.js';
import { onInterruptCleanup } from '../util/cleanup.js';
import { BadInputError } from '../util/errors.js';
import { outputFailure } from '../util/fs-errors.js';
import { keyedRecord } from '../util/keyed.js';
import { checkOption } from '../util/zod.js';
import type { Candidate } from './candidate.js';
import { loadClusterMembership } from './cluster-membership.js';
import { type RowDecisions, rowDecisions } from './decisions.js';
import { type ReviewExportOptions, ReviewExportOptionsSchema } from './export-options.js';
import type { QueueBatch, SliceType } from './formats/format.js';
import { type ExportFormat, reviewFormat } from './formats/registry.js';
import {
  checkQueueName,
  clipText,
  externalId,
  type ModelVerdict,
  modelKey,
  NO_POLICY,
  type ReviewItem,
} from './item.js';
import { capAndStratify, prioritise, selectCandidates } from './select.js';
import { SelectOptionsSchema } from './select-options.js';
import { openReviewStore } from './store.js';

export const ReviewExportSummarySchema = z.object({
  queue: z.string(),
  batch: z.string().nullable(),
  dir: z.string().nullable(),
  matched: z.number().int(),
  alreadyExported: z.number().int(),
  exported: z.number().int(),
  byReason: z.record(z.string(), z.number().int()),
  byLabelIssue: z.record(z.string(), z.number().int()),
  /** How `relabel` / `model_error` were decided, per target (analysis/label-evidence.ts). */
  labelEvidence: z.array(LabelEvidenceSchema),
  files: z.array(z.string()),
});
export type ReviewExportSummary = z.infer<typeof ReviewExportSummarySchema>;

function modelVerdicts(set: EvalSet, d: RowDecisions, row: number): ModelVerdict[] {
  const k = set.labels.length;
  const taken = new Set<string>();
  return set.models.map((m, mi) => {
    const model = `${m.meta.model.name}@${m.meta.model.version}`;
    // Float32 scores rounded to 6 decimals so exports read 0.55, not 0.550000011920929.
    const scores = Array.from(m.scores.subarray(row * k, (row + 1) * k), (v) => Number(v.toFixed(6)));
    const key = modelKey(model, taken);
    const predicted = d.predicted(mi, row);
    return {
      model,
      key,
      predicted,
      score: d.confidence(mi, row, scores),
      scores,
      ...d.policyErrors(mi, row),
    };
  });
}

/** A multi-label queue's tools offer NO_POLICY beside the policies, so it must not be one. */
function checkNoPolicyChoice(set: EvalSet, view: TaskView): void {
  if (view.multiLabel && set.labels.includes(NO_POLICY)) {
    throw new BadInputError(
      `policy ${JSON.stringify(NO_POLICY)} clashes with the "no policy" answer of the review tools; rename it`,
      { file: set.dataset.file, field: 'labels' },
    );
  }
}

function sliceValues(set: EvalSet, row: number): Record<string, string | null> {
  const out = keyedRecord<string | null>();
  for (const s of set.slices) {
    const c = s.codes[row]!;
    out[s.name] = c < 0 ? null : s.values[c]!;
  }
  return out;
}

function count<T>(xs: readonly T[], key: (x: T) => readonly string[]): Record<string, number> {
  const out = keyedRecord<number>();
  for (const x of xs) for (const k of key(x)) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/**
 * Selects disagreements, drops what the queue already received, prioritises, caps and writes the
 * batch in every requested format, then records it in the store (only after every file is in place).
 */
export async function exportReview(options: ReviewExportOptions): Promise<ReviewExportSummary> {
  const inputs = [
    { path: options.dataset, what: 'dataset' },
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
    ...options.predictions.flatMap(predictionFiles).map((path) => ({ path, what: 'predictions file' })),
    ...(options.clusters ? [{ path: options.clusters, what: 'clusters file' }] : []),
  ];
  const golden = goldenRowsBeside(options, options.out, 'review export');
  return withOutputFolder(options.out, 'modeval review export', { outputs: golden.outputs, inputs }, () =>
    exportBatch(options, golden.rule),
  );
}

async function exportBatch(options: ReviewExportOptions, rule: GoldenRowRule): Promise<ReviewExportSummary> {
  // Field by field, so an error names the option as the CLI spells it (`select`, `golden`).
  const field = ReviewExportOptionsSchema.shape;
  const queue = checkQueueName(checkOption(field.queue, options.queue, 'queue'));
  const select = checkOption(SelectOptionsSchema, options.select, 'select');
  const formats = checkOption(field.formats, options.formats, 'formats');
  const golden = checkOption(field.golden, options.golden, 'golden');
  const blind = golden === 'hidden';
  const maxText = checkOption(field.maxTextChars, options.maxTextChars, 'maxTextChars');
  const now = options.now ?? (() => new Date());

  const set = await loadEvalSet({
    dataset: options.dataset,
    predictions: options.predictions,
    ...(options.spec === undefined ? {} : { spec: options.spec }),
    ...rule,
  });
  const view = taskViewOf(set);
  checkNoPolicyChoice(set, view);
  const clusters = options.clusters ? await loadClusterMembership(options.clusters) : new Map();
  if (select.rules.some((r) => r.kind === 'cluster') && !options.clusters) {
    throw new BadInputError('a cluster rule needs --clusters <clusters.json>', { field: 'select' });
  }
  const fingerprint = set.dataset.fingerprint;
  const ext = (c: Candidate) => externalId(fingerprint, c.id, queue);
  const decisions = rowDecisions(set);
  const matched = selectCandidates(set, select, clusters, decisions);

  const store = await openReviewStore(options.store ?? join(options.out, 'review-store.duckdb'));
  try {
    const sent = await store.exportedIds(queue, fingerprint);
    const fresh = matched.filter((c) => !sent.has(c.id));
    const ordered = prioritise(set, fresh, select, ext);
    const chosen = capAndStratify(set, ordered, select.cap, select.stratifyBy);
    const summary = exportSummary(queue, matched, fresh.length, chosen, decisions);
    if (chosen.length === 0) return summary;

    const ds = await openDataset(options.dataset, options.spec === undefined ? {} : { spec: options.spec });
    const texts = await readTexts(ds, new Set(chosen.map((c) => c.id)));
    const items = reviewItems(set, decisions, chosen, texts, { queue, maxText, ext });

    const batch = `batch-${String((await store.batchCount(queue)) + 1).padStart(4, '0')}`;
    const final = join(options.out, queue, batch);
    // The batch is written into a hidden staging folder renamed into place once complete (manifest
    // included): a reviewer never sees a batch without its manifest, and a failure leaves none.
    const staging = await stagingFolder(final);
    const dir = staging.path;
    const exportedAt = now().toISOString();
    let files: string[];
    try {
      const provenance = queueProvenance(
        set,
        { queue, batch, exportedAt, select, golden },
        summary.labelEvidence,
      );
      files = await writeQueueFiles(dir, formats, {
        items,
        labels: set.labels,
        queue,
        batch,
        golden,
        blind,
        sliceTypes: sliceTypes(
          ds,
          set.slices.map((s) => s.name),
        ),
        metadata: new Map([[QUEUE_META_KEY, JSON.stringify(provenance)]]),
        view,
      });
      const manifest = await writeManifest(dir, provenance, items);
      files.push(manifest);
      await staging.commit();
    } catch (err) {
      await staging.abort();
      throw err;
    }
    const placed = files.map((f) => join(final, relative(dir, f)));
    await store.record(
      items.map((x) => ({
        queue,
        externalId: x.externalId,
        id: x.id,
        datasetFingerprint: fingerprint,
        exportedAt,
        batch,
      })),
    );
    return { ...summary, batch, dir: final, files: placed };
  } finally {
    store.close();
  }
}

/** A temporary folder beside `dest`, renamed to `dest` by commit, removed by abort or a signal. */
async function stagingFolder(
  dest: string,
): Promise<{ path: string; commit(): Promise<void>; abort(): Promise<void> }> {
  const path = tempPathFor(dest);
  await makeFolder(path);
  const unregister = onInterruptCleanup(() => rmSync(path, { recursive: true, force: true }));
  let done = false;
  const cleanup = async () => {
    if (!done) await rm(path, { recursive: true, force: true });
    unregister();
  };
  return {
    path,
    async commit() {
      try {
        await rename(path, dest);
        done = true;
      } catch (err) {
        await cleanup();
        throw outputFailure(err, dest, 'write the review batch');
      }
      unregister();
    },
    abort: cleanup,
  };
}

/** Schema-metadata key of the Arrow and Parquet queues: the manifest's provenance as JSON. */
export const QUEUE_META_KEY = 'modeval.review.queue';

/** The dataset's Arrow type of each slice column, so typed queues keep Bool and numeric slices. */
function sliceTypes(ds: Dataset, names: readonly string[]): Map<string, SliceType> {
  const out = new Map<string, SliceType>();
  for (const name of names) {
    let t = ds.source.schema.fields.find((f) => f.name === name)?.type;
    if (t && DataType.isDictionary(t)) t = t.dictionary;
    if (!t) continue;
    if (DataType.isBool(t)) out.set(name, 'bool');
    else if (DataType.isInt(t)) out.set(name, 'int');
    else if (DataType.isFloat(t)) out.set(name, 'float');
  }
  return out;
}

/** One review item per chosen candidate, in priority order, with its text clipped for reviewers. */
function reviewItems(
  set: EvalSet,
  d: RowDecisions,
  chosen: readonly Candidate[],
  texts: ReadonlyMap<string, string>,
  opts: { queue: string; maxText: number; ext: (c: Candidate) => string },
): ReviewItem[] {
  return chosen.map((c, i) => {
    const { text, truncated } = clipText(texts.get(c.id) ?? '', opts.maxText);
    return {
      externalId: opts.ext(c),
      id: c.id,
      queue: opts.queue,
      text,
      textTruncated: truncated,
      golden: d.golden(c.row),
      models: modelVerdicts(set, d, c.row),
      reasons: c.reasons,
      margin: c.margin,
      labelIssue: c.labelIssue,
      labelQuality: c.labelQuality,
      annotatorEntropy: c.annotatorEntropy,
      cluster: c.cluster,
      clusterRank: c.clusterRank,
      slices: sliceValues(set, c.row),
      priority: i + 1,
    };
  });
}

/** Where a batch came from: the manifest's header, also stored in the typed queues' metadata. */
/** The summary before anything is written (no batch, folder or files yet). */
function exportSummary(
  queue: string,
  matched: readonly Candidate[],
  fresh: number,
  chosen: readonly Candidate[],
  decisions: RowDecisions,
): ReviewExportSummary {
  return {
    queue,
    batch: null,
    dir: null,
    matched: matched.length,
    alreadyExported: matched.length - fresh,
    exported: chosen.length,
    byReason: count(chosen, (c) => c.reasons),
    byLabelIssue: count(chosen, (c) => (c.labelIssue ? [c.labelIssue] : [])),
    labelEvidence: [...decisions.labelEvidence()],
    files: [],
  };
}

function queueProvenance<Select, Golden>(
  set: EvalSet,
  b: { queue: string; batch: string; exportedAt: string; select: Select; golden: Golden },
  evidence: readonly LabelEvidence[],
) {
  return {
    queue: b.queue,
    batch: b.batch,
    exportedAt: b.exportedAt,
    dataset: set.dataset,
    labels: set.labels,
    models: set.models.map((m) => ({
      file: m.file,
      model: m.meta.model.name,
      version: m.meta.model.version,
    })),
    select: b.select,
    golden: b.golden,
    // How relabel / model_error were decided, per target (the full decision is in the summary).
    labelEvidence: evidence.map((e) => ({ target: e.target, decidedBy: e.decidedBy, rule: e.rule })),
  };
}

/** Writes the batch in every requested format; returns the files written, in format order. */
async function writeQueueFiles(
  dir: string,
  formats: readonly ExportFormat[],
  batch: QueueBatch,
): Promise<string[]> {
  const files: string[] = [];
  for (const id of formats) {
    const f = reviewFormat(id);
    await f.write(dir, batch);
    files.push(...f.files.map((name) => join(dir, name)));
  }
  return files;
}

/** The batch manifest: the provenance and every item sent with its priority. */
async function writeManifest(dir: string, provenance: object, items: readonly ReviewItem[]): Promise<string> {
  const manifest = join(dir, 'manifest.json');
  await writeFileAtomic(
    manifest,
    `${JSON.stringify(
      {
        ...provenance,
        items: items.map((x) => ({ externalId: x.externalId, id: x.id, priority: x.priority })),
      },
      null,
      1,
    )}\n`,
  );
  return manifest;
}
