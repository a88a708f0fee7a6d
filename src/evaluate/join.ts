import { basename } from 'node:path';
import { type Dataset, openDataset } from '../dataset/open.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import { RowStatus, type ValidationSummary } from '../dataset/validate.js';
import { openPredictions, type PredictionsSource } from '../run/predictions.js';
import type { PredictionsMeta } from '../run/schema.js';
import { BadInputError, truncate } from '../util/errors.js';
import { sha256File } from '../util/hash.js';
import { sameStringSet } from '../util/sets.js';
import type { IdProblem } from './schema.js';

/**
 * Joins golden labels to one or more predictions files by id, into a columnar in-memory
 * evaluation set.
 *
 * Memory: O(rows × (K + slices)) numbers. Per evaluated row: its id string and a Map entry, an
 * Int32 truth (multilabel: K bytes), one Int32 code per slice/identity column, and per model an
 * Int32 prediction (multilabel: K bytes) and K Float32 scores. The scores are kept on purpose:
 * ROC-AUC, average precision, curves and bootstrap intervals need all of them. Datasets are
 * read once, one record batch at a time; each predictions file is read once.
 *
 * When several models are joined, the set holds the rows that every model scored, so that
 * comparisons are paired; each model's missing ids are counted and reported.
 */

export interface EvalSetOptions {
  /** Golden dataset (Arrow IPC file or stream). */
  dataset: string;
  /** Dataset spec: an object or a JSON file path. Default: discovered beside the data. */
  spec?: DatasetSpecInput | DatasetSpec | string;
  /** Predictions files (one per model), as written by `modeval run`. */
  predictions: readonly string[];
  /** How many example ids each problem list keeps. Default 10. */
  maxExamples?: number;
}

/** A categorical column, dictionary-encoded: `codes[i]` indexes `values`, -1 = null. */
export interface EncodedColumn {
  readonly name: string;
  readonly values: readonly string[];
  readonly codes: Int32Array;
}

export interface EvalAnnotations {
  readonly annotators: readonly string[];
  /** Eval labels first, then any annotation-only categories (undeclared label sets). */
  readonly categories: readonly string[];
  /** Row-major rows × annotators category indices; -1 = that annotator did not label the row. */
  readonly ratings: Int32Array;
}

export interface ModelColumns {
  readonly file: string;
  readonly meta: PredictionsMeta;
  /** Single-label: predicted label index per row (eval label order). */
  readonly predicted: Int32Array;
  /** Multilabel: row-major rows × K flags (1 = label predicted); empty otherwise. */
  readonly predictedFlags: Uint8Array;
  /** Row-major rows × K probabilities, reordered into the eval label order. */
  readonly scores: Float32Array;
  /** Labelled dataset rows with no prediction in this file. */
  readonly missing: IdProblem;
  /** Predicted ids that are not in the dataset at all. */
  readonly unknown: IdProblem;
  /** Predicted ids of dataset rows that are unlabelled (excluded, not an error). */
  readonly unlabelled: number;
  /** Predicted ids of dataset rows the validator rejected. */
  readonly rejected: number;
  /** Prediction rows read. */
  readonly rows: number;
}

export type EvalTask = 'binary' | 'multiclass' | 'multilabel';

export interface EvalSet {
  readonly dataset: {
    readonly file: string;
    /** sha256 of the dataset file's bytes (the same fingerprint `modeval run` records). */
    readonly fingerprint: string;
    readonly specOrigin: string;
  };
  readonly task: EvalTask;
  readonly labels: readonly string[];
  /** Declared by the spec, else taken from the models' metadata. */
  readonly labelsSource: 'spec' | 'models';
  readonly positive: string | null;
  /** Index of `positive` in `labels`, -1 when none. */
  readonly positiveIndex: number;
  /** Rows in the set. */
  readonly n: number;
  readonly ids: readonly string[];
  /** Single-label: golden label index per row. */
  readonly truth: Int32Array;
  /** Multilabel: row-major n × K flags; empty otherwise. */
  readonly truthFlags: Uint8Array;
  readonly slices: readonly EncodedColumn[];
  readonly crossings: readonly (readonly string[])[];
  readonly identity: readonly EncodedColumn[];
  readonly annotations: EvalAnnotations | undefined;
  readonly models: readonly ModelColumns[];
  readonly counts: {
    readonly datasetRows: number;
    readonly rejected: number;
    readonly unlabelled: number;
    readonly labelled: number;
    /** Labelled rows left out because at least one model has no prediction for them. */
    readonly droppedMissingPrediction: number;
  };
  readonly validation: ValidationSummary;
  /** Human-readable notes about the join (fingerprint of another file, dropped rows...). */
  readonly warnings: readonly string[];
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Dictionary encoder that assigns codes in first-seen order; `finish` re-codes by sorted value. */
class Encoder {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [];
  readonly codes = new GrowableInt32();

  constructor(readonly name: string) {}

  push(value: string | null): void {
    if (value === null) {
      this.codes.push(-1);
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.index.set(value, code);
      this.values.push(value);
    }
    this.codes.push(code);
  }

  /** Values sorted (numerically when all are numbers, so 2 < 10), codes remapped; `keep` selects rows. */
  finish(keep: Uint32Array): EncodedColumn {
    const numeric =
      this.values.length > 0 && this.values.every((v) => v.trim() !== '' && Number.isFinite(+v));
    const order = this.values
      .map((v, code) => ({ v, code }))
      .sort((a, b) => (numeric ? +a.v - +b.v : 0) || (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    const remap = new Int32Array(this.values.length);
    order.forEach((o, i) => {
      remap[o.code] = i;
    });
    const src = this.codes.view();
    const codes = new Int32Array(keep.length);
    for (let i = 0; i < keep.length; i++) {
      const c = src[keep[i]!]!;
      codes[i] = c < 0 ? -1 : remap[c]!;
    }
    return { name: this.name, values: order.map((o) => o.v), codes };
  }
}

function problem(): IdProblem {
  return { count: 0, examples: [] };
}

function note(p: IdProblem, id: string, max: number): void {
  p.count++;
  if (p.examples.length < max) p.examples.push(truncate(id, 120));
}

const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(truncate(x, 40))).join(', ')}]`;

/** Everything the dataset pass keeps about labelled rows (row index = position in these arrays). */
interface GoldenRows {
  ids: string[];
  byId: Map<string, number>;
  truth: GrowableInt32;
  truthLists: (readonly string[])[];
  slices: Encoder[];
  identity: Encoder[];
  /** Per labelled row: offsets into annotator/label pairs. */
  annOffsets: GrowableInt32;
  annAnnotator: GrowableInt32;
  annLabel: string[];
  annotators: Map<string, number>;
  /** Ids of rows that are in the dataset but not evaluated, and why. */
  excluded: Map<string, 'unlabelled' | 'rejected'>;
  observedLabels: Set<string>;
}

async function readGolden(
  ds: Dataset,
  maxExamples: number,
): Promise<{ rows: GoldenRows; summary: ValidationSummary }> {
  const spec = ds.spec;
  const rows: GoldenRows = {
    ids: [],
    byId: new Map(),
    truth: new GrowableInt32(),
    truthLists: [],
    slices: spec.slices.map((s) => new Encoder(s)),
    identity: spec.identity.map((s) => new Encoder(s)),
    annOffsets: new GrowableInt32(),
    annAnnotator: new GrowableInt32(),
    annLabel: [],
    annotators: new Map(),
    excluded: new Map(),
    observedLabels: new Set(),
  };
  rows.annOffsets.push(0);
  const scan = ds.scan({ onInvalid: 'collect', maxExamples });
  for await (const b of scan) {
    for (let i = 0; i < b.status.length; i++) {
      const status = b.status[i]!;
      if (status !== RowStatus.labelled) {
        // A rejected row may have no decodable id; the validator already counted it.
        let id: string | null = null;
        try {
          id = b.ids.get(i);
        } catch {
          id = null;
        }
        if (id !== null && !rows.byId.has(id)) {
          rows.excluded.set(id, status === RowStatus.unlabelled ? 'unlabelled' : 'rejected');
        }
        continue;
      }
      const id = b.ids.get(i)!;
      rows.byId.set(id, rows.ids.length);
      rows.ids.push(id);
      const label = b.labels[i]!;
      if (Array.isArray(label)) {
        rows.truthLists.push(label);
        for (const l of label) rows.observedLabels.add(l);
      } else {
        rows.truthLists.push([label as string]);
        rows.observedLabels.add(label as string);
      }
      spec.slices.forEach((name, s) => {
        rows.slices[s]!.push(b.slices.get(name)!.get(i));
      });
      spec.identity.forEach((name, s) => {
        rows.identity[s]!.push(b.identity.get(name)!.get(i));
      });
      if (b.annotations) {
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
      } else {
        rows.annOffsets.push(rows.annAnnotator.length);
      }
    }
  }
  return { rows, summary: scan.summary };
}

interface LabelPlan {
  task: EvalTask;
  labels: string[];
  labelsSource: 'spec' | 'models';
  positive: string | null;
}

function planLabels(ds: Dataset, sources: readonly PredictionsSource[], observed: Set<string>): LabelPlan {
  const spec = ds.spec;
  const first = sources[0]!.meta.model;
  const labels = spec.labels ? [...spec.labels] : [...first.labels];
  const labelsSource = spec.labels ? 'spec' : 'models';
  if (!spec.labels) {
    // Undeclared: the golden labels must all be scored by the model.
    const unknown = [...observed].filter((l) => !labels.includes(l)).sort();
    if (unknown.length > 0) {
      throw new BadInputError(
        `golden labels ${list(unknown)} are not among the model's labels ${list(first.labels)}; declare the label set in the dataset spec or evaluate a model that scores them`,
        { file: sources[0]!.path, field: 'labels' },
      );
    }
  }
  for (const src of sources) {
    const m = src.meta.model;
    if (!sameStringSet(m.labels, labels)) {
      throw new BadInputError(
        `the model's labels ${list(m.labels)} differ from the ${labelsSource === 'spec' ? 'dataset spec' : 'first model'}'s labels ${list(labels)}`,
        { file: src.path, field: 'labels' },
      );
    }
    if ((m.task === 'multilabel') !== spec.multilabel) {
      throw new BadInputError(
        `the model's task is ${m.task} but the dataset's golden label is ${spec.multilabel ? 'multilabel (a list)' : 'single-label'}`,
        { file: src.path, field: 'task' },
      );
    }
  }
  let positive = spec.positive ?? null;
  if (positive === null) {
    const declared = [
      ...new Set(sources.map((s) => s.meta.model.positive).filter((p): p is string => p !== null)),
    ];
    if (declared.length > 1) {
      throw new BadInputError(
        `models declare different positive labels ${list(declared)}; set "positive" in the dataset spec`,
        {
          file: sources[1]!.path,
          field: 'positive',
        },
      );
    }
    positive = declared[0] ?? null;
  }
  if (positive !== null && !labels.includes(positive)) {
    throw new BadInputError(
      `positive label ${JSON.stringify(positive)} is not among the labels ${list(labels)}`,
      {
        file: ds.source.path,
        field: 'positive',
      },
    );
  }
  const task: EvalTask = spec.multilabel
    ? 'multilabel'
    : labels.length === 2 && positive !== null
      ? 'binary'
      : 'multiclass';
  return { task, labels, labelsSource, positive };
}

interface ModelDraft {
  source: PredictionsSource;
  predicted: Int32Array;
  predictedFlags: Uint8Array;
  scores: Float32Array;
  seen: Uint8Array;
  unknown: IdProblem;
  unlabelled: number;
  rejected: number;
  rows: number;
}

async function readModel(
  source: PredictionsSource,
  golden: GoldenRows,
  plan: LabelPlan,
  maxExamples: number,
): Promise<ModelDraft> {
  const n = golden.ids.length;
  const k = plan.labels.length;
  const multilabel = plan.task === 'multilabel';
  const file = source.path;
  // perm[j] = column of eval label j in this model's score rows.
  const perm = plan.labels.map((l) => source.meta.model.labels.indexOf(l));
  const labelIndex = new Map(plan.labels.map((l, j) => [l, j] as const));
  const draft: ModelDraft = {
    source,
    predicted: new Int32Array(multilabel ? 0 : n),
    predictedFlags: new Uint8Array(multilabel ? n * k : 0),
    scores: new Float32Array(n * k),
    seen: new Uint8Array(n),
    unknown: problem(),
    unlabelled: 0,
    rejected: 0,
    rows: 0,
  };
  let batchIndex = 0;
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.length; i++) {
      const rowNumber = draft.rows + i;
      let id: string | null;
      try {
        id = batch.ids.get(i);
      } catch {
        throw new BadInputError('id is not valid UTF-8', {
          file,
          batch: batchIndex,
          row: rowNumber,
          field: 'id',
        });
      }
      if (id === null)
        throw new BadInputError('id is null', { file, batch: batchIndex, row: rowNumber, field: 'id' });
      const r = golden.byId.get(id);
      if (r === undefined) {
        const why = golden.excluded.get(id);
        if (why === 'unlabelled') draft.unlabelled++;
        else if (why === 'rejected') draft.rejected++;
        else note(draft.unknown, id, maxExamples);
        continue;
      }
      if (draft.seen[r]) {
        throw new BadInputError('duplicate prediction for this id', {
          file,
          row: rowNumber,
          id,
          field: 'id',
        });
      }
      draft.seen[r] = 1;
      const base = i * k;
      for (let j = 0; j < k; j++) {
        const s = batch.scores[base + perm[j]!]!;
        if (!(s >= 0 && s <= 1)) {
          throw new BadInputError(
            `score for label ${JSON.stringify(plan.labels[j])} is ${s}, not a probability in [0, 1]`,
            { file, row: rowNumber, id, field: 'scores' },
          );
        }
        draft.scores[r * k + j] = s;
      }
      const predicted = batch.predicted.get(i);
      if (multilabel) {
        for (const l of (predicted as string[] | null) ?? []) {
          const j = labelIndex.get(l);
          if (j === undefined) {
            throw new BadInputError(
              `predicted label ${JSON.stringify(truncate(l, 60))} is not among the labels ${list(plan.labels)}`,
              {
                file,
                row: rowNumber,
                id,
                field: 'predicted',
              },
            );
          }
          draft.predictedFlags[r * k + j] = 1;
        }
      } else {
        const j = typeof predicted === 'string' ? labelIndex.get(predicted) : undefined;
        if (j === undefined) {
          throw new BadInputError(
            `predicted label ${predicted === null ? 'is null' : JSON.stringify(truncate(String(predicted), 60))} is not among the labels ${list(plan.labels)}`,
            { file, row: rowNumber, id, field: 'predicted' },
          );
        }
        draft.predicted[r] = j;
      }
    }
    draft.rows += batch.length;
    batchIndex++;
  }
  return draft;
}

/** Load the golden set and every predictions file into one joined, columnar evaluation set. */
export async function loadEvalSet(options: EvalSetOptions): Promise<EvalSet> {
  if (options.predictions.length === 0)
    throw new BadInputError('no predictions file given', { field: 'predictions' });
  const maxExamples = options.maxExamples ?? 10;
  const ds = await openDataset(options.dataset, options.spec === undefined ? {} : { spec: options.spec });
  const sources: PredictionsSource[] = [];
  for (const p of options.predictions) sources.push(await openPredictions(p));
  const warnings: string[] = [];

  // Models in one set must have scored the same dataset file (when they say which).
  const withPrint = sources.filter((s) => s.meta.dataset.fingerprint !== '');
  for (const s of withPrint.slice(1)) {
    if (s.meta.dataset.fingerprint !== withPrint[0]!.meta.dataset.fingerprint) {
      throw new BadInputError(
        `predictions were made on a different dataset (fingerprint ${s.meta.dataset.fingerprint.slice(0, 12)}…) than ${basename(withPrint[0]!.path)} (${withPrint[0]!.meta.dataset.fingerprint.slice(0, 12)}…)`,
        { file: s.path, field: 'dataset.fingerprint' },
      );
    }
  }
  const fingerprint = await sha256File(options.dataset);
  for (const s of withPrint) {
    if (s.meta.dataset.fingerprint !== fingerprint) {
      warnings.push(
        `${basename(s.path)} was made on ${s.meta.dataset.file} (fingerprint ${s.meta.dataset.fingerprint.slice(0, 12)}…), not this dataset file (${fingerprint.slice(0, 12)}…); rows are joined by id`,
      );
    }
  }

  const { rows: golden, summary } = await readGolden(ds, maxExamples);
  const plan = planLabels(ds, sources, golden.observedLabels);
  const drafts: ModelDraft[] = [];
  for (const s of sources) drafts.push(await readModel(s, golden, plan, maxExamples));

  // Keep the rows every model scored.
  const n0 = golden.ids.length;
  const keepList: number[] = [];
  for (let r = 0; r < n0; r++) if (drafts.every((d) => d.seen[r] === 1)) keepList.push(r);
  const keep = Uint32Array.from(keepList);
  const n = keep.length;
  const k = plan.labels.length;
  const labelIndex = new Map(plan.labels.map((l, j) => [l, j] as const));
  const multilabel = plan.task === 'multilabel';

  const truth = new Int32Array(multilabel ? 0 : n);
  const truthFlags = new Uint8Array(multilabel ? n * k : 0);
  for (let i = 0; i < n; i++) {
    const labels = golden.truthLists[keep[i]!]!;
    if (multilabel) for (const l of labels) truthFlags[i * k + labelIndex.get(l)!] = 1;
    else truth[i] = labelIndex.get(labels[0]!)!;
  }

  const models: ModelColumns[] = drafts.map((d) => {
    const missing = problem();
    for (let r = 0; r < n0; r++) if (!d.seen[r]) note(missing, golden.ids[r]!, maxExamples);
    const scores = new Float32Array(n * k);
    const predicted = new Int32Array(multilabel ? 0 : n);
    const predictedFlags = new Uint8Array(multilabel ? n * k : 0);
    for (let i = 0; i < n; i++) {
      const r = keep[i]!;
      scores.set(d.scores.subarray(r * k, (r + 1) * k), i * k);
      if (multilabel) predictedFlags.set(d.predictedFlags.subarray(r * k, (r + 1) * k), i * k);
      else predicted[i] = d.predicted[r]!;
    }
    if (missing.count > 0) {
      warnings.push(`${basename(d.source.path)} has no prediction for ${missing.count} labelled rows`);
    }
    if (d.unknown.count > 0) {
      warnings.push(`${basename(d.source.path)} has ${d.unknown.count} ids that are not in the dataset`);
    }
    return {
      file: d.source.path,
      meta: d.source.meta,
      predicted,
      predictedFlags,
      scores,
      missing,
      unknown: d.unknown,
      unlabelled: d.unlabelled,
      rejected: d.rejected,
      rows: d.rows,
    };
  });

  let annotations: EvalAnnotations | undefined;
  if (golden.annotators.size > 0) {
    const annotators = [...golden.annotators.keys()];
    const categories = [...plan.labels];
    const catIndex = new Map(labelIndex);
    for (const l of golden.annLabel) {
      if (!catIndex.has(l)) {
        catIndex.set(l, categories.length);
        categories.push(l);
      }
    }
    const a = annotators.length;
    const ratings = new Int32Array(n * a).fill(-1);
    const offsets = golden.annOffsets.view();
    const who = golden.annAnnotator.view();
    for (let i = 0; i < n; i++) {
      const r = keep[i]!;
      for (let e = offsets[r]!; e < offsets[r + 1]!; e++)
        ratings[i * a + who[e]!] = catIndex.get(golden.annLabel[e]!)!;
    }
    annotations = { annotators, categories, ratings };
  }

  const dropped = n0 - n;
  return {
    dataset: { file: options.dataset, fingerprint, specOrigin: ds.specOrigin },
    task: plan.task,
    labels: plan.labels,
    labelsSource: plan.labelsSource,
    positive: plan.positive,
    positiveIndex: plan.positive === null ? -1 : plan.labels.indexOf(plan.positive),
    n,
    ids: keepList.map((r) => golden.ids[r]!),
    truth,
    truthFlags,
    slices: golden.slices.map((e) => e.finish(keep)),
    crossings: ds.spec.crossings,
    identity: golden.identity.map((e) => e.finish(keep)),
    annotations,
    models,
    counts: {
      datasetRows: summary.rows,
      rejected: summary.rejected,
      unlabelled: summary.unlabelled,
      labelled: n0,
      droppedMissingPrediction: dropped,
    },
    validation: summary,
    warnings,
  };
}
