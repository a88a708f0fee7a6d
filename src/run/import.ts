import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { TextEncoder } from 'node:util';
import type { DataType, RecordBatch } from 'apache-arrow';
import { z } from 'zod';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import type { PredictionsMeta } from '../contracts/predictions.js';
import { openArrow } from '../dataset/arrow-reader.js';
import { openArrowWriter } from '../dataset/arrow-writer.js';
import {
  idColumn,
  isIdType,
  isNumberType,
  isStringType,
  numberColumn,
  stringColumn,
} from '../dataset/columns.js';
import { convertToArrow } from '../dataset/convert.js';
import { IdFingerprintSet } from '../dataset/id-set.js';
import { openDataset } from '../dataset/open.js';
import { decideRow } from '../model/postprocess.js';
import {
  appliedThresholds,
  DEFAULT_THRESHOLD,
  type DecisionRule,
  type Task,
  TaskSchema,
  taskView,
} from '../task/index.js';
import { BadInputError, type InputLocation } from '../util/errors.js';
import { readJsonFile } from '../util/files.js';
import { sha256File } from '../util/hash.js';
import { keyedRecord, ownValue } from '../util/keyed.js';
import { harnessVersion } from '../util/version.js';
import { parseInput } from '../util/zod.js';
import { planSingleLabelImport, type SingleLabelPlan, unmappedDecision } from './import-labels.js';
import { checkPolicyColumns, decodePolicyBatch, planPolicyImport, type Unmapped } from './import-policies.js';
import { makePredictionBatch, predictionsSchema } from './predictions.js';

/**
 * Normalise predictions made elsewhere (a production log: id + scores and/or decisions) into
 * modeval's predictions format, so eval, compare, gate and report treat them like `modeval run`'s.
 */
/** Log name (API category, flagged name) → policy; null ignores the name. */
export const CategoryMapSchema = keyedRecordSchema(z.string().min(1).nullable());

export const ImportOptionsSchema = z
  .object({
    /** Arrow IPC, CSV, TSV, JSONL or Parquet. */
    input: z.string().min(1),
    /** Output predictions file (Arrow IPC stream). */
    out: z.string().min(1),
    /** The golden dataset the predictions are for: its fingerprint is stamped into the metadata. */
    dataset: z.string().min(1),
    /** The dataset's spec file (multilabel: its policies); default: found beside the dataset. */
    spec: z.string().min(1).optional(),
    idColumn: z.string().min(1).default('id'),
    /**
     * Ordered labels: the score order of the output. Single-label default: the dataset spec's
     * `labels`. Multilabel: the imported policies (default: those with a score source, or every
     * policy of the dataset for a flagged list alone).
     */
    labels: z.array(z.string().min(1)).min(1).optional(),
    task: TaskSchema.default('binary'),
    /** Binary: the positive label (default: the spec's `positive`, else the second label). */
    positive: z.string().optional(),
    /** label (multilabel: policy) → column holding its probability. */
    scoreColumns: keyedRecordSchema(z.string().min(1)).default(() => keyedRecord<string>()),
    /** Column holding the decided label (single-label). Without scores, scores become one-hot decisions. */
    decisionColumn: z.string().min(1).optional(),
    /**
     * Multilabel: column of the flagged policies (the log's decisions): Arrow List<Utf8>, or text
     * holding a JSON array (`["offensive/sexual"]`) or `flaggedDelimiter`-separated names.
     */
    flaggedColumn: z.string().min(1).optional(),
    flaggedDelimiter: z.string().min(1).default(','),
    /**
     * Multilabel: column holding a hosted moderation API's answer (JSON text, or a struct), with
     * per-category booleans `categories` and scores `category_scores`, alone or in `results[0]`.
     */
    moderationColumn: z.string().min(1).optional(),
    /**
     * Log name → the dataset's label. Single-label: a decision value (`remove` → `spam`); a value
     * not in the map must be a label itself. Multilabel: an API category or flagged name → policy;
     * null ignores the name. Several names on one policy: the largest score, flagged when any is.
     * API categories left out are reported as unmapped.
     */
    categoryMap: CategoryMapSchema.default(() => keyedRecord<string | null>()),
    /** A JSON file holding a category map (same shape); `categoryMap` entries override it. */
    categoryMapFile: z.string().min(1).optional(),
    thresholds: keyedRecordSchema(z.number().min(0).max(1)).default(() => keyedRecord<number>()),
    modelName: z.string().min(1),
    modelVersion: z.string().min(1).default('unknown'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const view = taskView(o.task);
    if (view.multiLabel) {
      if (o.decisionColumn) issue('decisionColumn', 'multilabel logs give their decisions as flaggedColumn');
      if (o.positive !== undefined) issue('positive', 'only binary tasks have a positive label');
      return; // policies are checked against the dataset's taxonomy when it is read
    }
    for (const key of ['flaggedColumn', 'moderationColumn'] as const) {
      if (o[key] !== undefined) issue(key, 'only for task multilabel');
    }
    // Labels, positive and the decision map are checked once the spec's defaults are known
    // (import-labels.ts).
  });
export type ImportOptions = z.input<typeof ImportOptionsSchema>;

export interface ImportSummary {
  out: string;
  rows: number;
  /** How scores were obtained: from the input's probabilities, or one-hot from its decisions. */
  scores: 'probabilities' | 'decisions';
  /** The labels (multilabel: policies) the predictions score. */
  labels: string[];
  /** Multilabel: API categories the category map does not cover, with the rows they occur in. */
  unmappedCategories: { name: string; rows: number }[];
}

type Options = z.infer<typeof ImportOptionsSchema>;

/** How rows of one batch become predictions: single-label (labels + decisions) or multi-policy. */
interface Decoder {
  task: Task;
  labels: string[];
  positive: string | null;
  thresholds: Record<string, number>;
  scores: 'probabilities' | 'decisions';
  checkColumns(requireColumn: (name: string, ok: (t: DataType) => boolean, expected: string) => void): void;
  decode(
    batch: RecordBatch,
    at: (i: number, field: string) => InputLocation,
  ): { scores: Float32Array; predicted: (string | string[])[] };
}

async function singleLabelDecoder(opts: Options): Promise<Decoder> {
  const view = taskView(opts.task);
  const plan = await planSingleLabelImport(opts, view);
  const { labels, positive } = plan;
  // Rows with scores but no decision are decided as `modeval run` would: binary thresholds
  // P(positive) (default 0.5), multiclass takes the argmax.
  const threshold = (label: string) => ownValue(opts.thresholds, label) ?? DEFAULT_THRESHOLD;
  const rule: DecisionRule = view.decisionRule(labels, positive, threshold);
  const fromScores = Object.keys(opts.scoreColumns).length > 0;
  if (fromScores && Object.keys(opts.scoreColumns).length !== labels.length) {
    const missing = labels.filter((l) => !(l in opts.scoreColumns));
    // One score column determines a binary task's other score.
    if (!(view.oneScoreSuffices && missing.length === 1)) {
      throw new BadInputError(`score columns missing for labels ${missing.join(', ')}`, {
        field: 'scoreColumns',
      });
    }
  }
  return {
    task: opts.task,
    labels,
    positive,
    // Recorded as applied: only rows decided from scores are thresholded.
    thresholds: fromScores ? appliedThresholds(view, labels, positive, threshold) : {},
    scores: fromScores ? 'probabilities' : 'decisions',
    checkColumns(requireColumn) {
      for (const col of Object.values(opts.scoreColumns)) requireColumn(col, isNumberType, 'a number');
      if (opts.decisionColumn) requireColumn(opts.decisionColumn, isStringType, 'Utf8');
    },
    decode: (batch, at) => convertBatch(batch, opts, plan, rule, at),
  };
}

/** The category map with the map file's entries under it (`categoryMap` entries override them). */
async function withMapFile(opts: Options): Promise<void> {
  if (!opts.categoryMapFile) return;
  const file = opts.categoryMapFile;
  const fromFile = parseInput(CategoryMapSchema, await readJsonFile(file, 'category map'), { file });
  // Entries keep `__proto__` and friends as data.
  opts.categoryMap = keyedRecord([...Object.entries(fromFile), ...Object.entries(opts.categoryMap)]);
}

async function policyDecoder(opts: Options, unmapped: Unmapped): Promise<Decoder> {
  const ds = await openDataset(opts.dataset, opts.spec === undefined ? {} : { spec: opts.spec });
  if (!ds.spec.multilabel || ds.spec.labels === undefined) {
    throw new BadInputError(
      'a multilabel import needs a dataset whose golden label is a list of policies (List<Utf8>) and whose spec declares them (labels or taxonomy)',
      { file: opts.dataset, field: 'labels' },
    );
  }
  const policies = ds.spec.labels;
  const known = new Set(policies);
  const plan = planPolicyImport(opts, policies);
  return {
    task: 'multilabel',
    labels: plan.labels,
    positive: null,
    thresholds: plan.thresholds,
    scores: plan.scores,
    checkColumns: (requireColumn) => checkPolicyColumns(opts, requireColumn),
    decode: (batch, at) => decodePolicyBatch(batch, opts, plan, known, at, unmapped),
  };
}

export async function importPredictions(input: ImportOptions): Promise<ImportSummary> {
  const opts = parseInput(ImportOptionsSchema, input);
  const unmapped: Unmapped = new Map();
  await withMapFile(opts);
  const decoder = taskView(opts.task).multiLabel
    ? await policyDecoder(opts, unmapped)
    : await singleLabelDecoder(opts);

  // Other formats go through `convert` (typed, streaming, located errors) into a temporary Arrow file.
  const ext = extname(opts.input).toLowerCase();
  const tmp =
    ext === '.arrow' || ext === '.arrows' || ext === '.feather'
      ? undefined
      : await mkdtemp(join(tmpdir(), 'modeval-import-'));
  try {
    let arrowPath = opts.input;
    if (tmp) {
      arrowPath = join(tmp, 'input.arrows');
      // A moderation answer nested in JSONL/Parquet arrives as JSON text.
      const jsonText = opts.moderationColumn ? [opts.moderationColumn] : [];
      await convertToArrow({ input: opts.input, output: arrowPath, jsonText });
    }
    const source = await openArrow(arrowPath);
    const fields = new Map(source.schema.fields.map((f) => [f.name, f.type as DataType]));
    const requireColumn = (name: string, ok: (t: DataType) => boolean, expected: string) => {
      const type = fields.get(name);
      if (type === undefined) {
        throw new BadInputError(`missing column; the file has: ${[...fields.keys()].join(', ')}`, {
          file: opts.input,
          field: name,
        });
      }
      if (!ok(type))
        throw new BadInputError(`column has type ${String(type)}, expected ${expected}`, {
          file: opts.input,
          field: name,
        });
    };
    requireColumn(opts.idColumn, isIdType, 'Utf8 or an integer type');
    decoder.checkColumns(requireColumn);
    const rows = await writeImported(opts, source, decoder);
    return {
      out: opts.out,
      rows,
      scores: decoder.scores,
      labels: decoder.labels,
      unmappedCategories: [...unmapped].map(([name, n]) => ({ name, rows: n })),
    };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Write the predictions file: ids checked (non-empty, unique), rows decoded batch by batch. */
async function writeImported(
  opts: Options,
  source: Awaited<ReturnType<typeof openArrow>>,
  decoder: Decoder,
): Promise<number> {
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'import',
    model: {
      name: opts.modelName,
      version: opts.modelVersion,
      sha256: null,
      task: decoder.task,
      labels: decoder.labels,
      positive: decoder.positive,
      thresholds: decoder.thresholds,
    },
    dataset: { file: basename(opts.dataset), fingerprint: await sha256File(opts.dataset), rows: null },
    harness: { name: 'modeval', version: harnessVersion() },
    runtime: { node: process.versions.node },
    options: { input: basename(opts.input), scores: decoder.scores },
  };
  const schema = predictionsSchema(meta);
  const writer = await openArrowWriter(opts.out, { format: 'stream', schema });
  const seen = new IdFingerprintSet();
  const encoder = new TextEncoder();
  let rows = 0;
  let batchIndex = 0;
  try {
    for await (const batch of source.batches()) {
      const offset = rows;
      const b = batchIndex++;
      const ids = idColumn(batch.getChild(opts.idColumn)!.data[0]!);
      const outIds: string[] = new Array(batch.numRows);
      const idOf = new Array<string | undefined>(batch.numRows);
      const at = (i: number, field: string): InputLocation => ({
        file: opts.input,
        batch: b,
        row: offset + i,
        field,
        ...(idOf[i] ? { id: idOf[i] } : {}),
      });
      for (let i = 0; i < batch.numRows; i++) {
        const id = ids.get(i);
        if (id === null || id === '') throw new BadInputError('id is null or empty', at(i, opts.idColumn));
        idOf[i] = id;
        const first = seen.addOrGetRow(encoder.encode(id), offset + i);
        if (first >= 0) throw new BadInputError(`duplicate id (first at row ${first})`, at(i, opts.idColumn));
        outIds[i] = id;
      }
      const out = decoder.decode(batch, at);
      rows += outIds.length;
      await writer.write(makePredictionBatch(schema, outIds, out.scores, out.predicted));
    }
    if (rows === 0) throw new BadInputError('no predictions in the file', { file: opts.input });
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return rows;
}

function convertBatch(
  batch: RecordBatch,
  opts: Options,
  plan: SingleLabelPlan,
  rule: DecisionRule,
  at: (i: number, field: string) => InputLocation,
): { scores: Float32Array; predicted: string[] } {
  const labels = plan.labels;
  const known = new Set(labels);
  const k = labels.length;
  const n = batch.numRows;
  const scoreCols = labels.map((label) => {
    const col = ownValue(opts.scoreColumns, label);
    return col === undefined ? undefined : numberColumn(batch.getChild(col)!.data[0]!);
  });
  const hasScores = scoreCols.some((c) => c !== undefined);
  // A binary log often records only P(positive): the other label gets the complement.
  const missing = scoreCols.indexOf(undefined);
  const decisions = opts.decisionColumn
    ? stringColumn(batch.getChild(opts.decisionColumn)!.data[0]!)
    : undefined;
  const scores = new Float32Array(n * k);
  const predicted: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let decided: string | null = null;
    if (decisions) {
      const value = decisions.get(i);
      decided = value === null ? null : (plan.decisionMap.get(value) ?? (known.has(value) ? value : null));
      if (decided === null)
        throw new BadInputError(unmappedDecision(value, plan), at(i, opts.decisionColumn!));
    }
    if (hasScores) {
      let known = 0;
      for (let j = 0; j < k; j++) {
        const col = scoreCols[j];
        if (!col) continue;
        const v = col.get(i);
        if (v === null || !Number.isFinite(v) || v < 0 || v > 1) {
          throw new BadInputError(
            `score ${v} is not a probability in [0, 1]`,
            at(i, opts.scoreColumns[labels[j]!]!),
          );
        }
        scores[i * k + j] = v;
        known += v;
      }
      if (missing >= 0) scores[i * k + missing] = Math.max(0, 1 - known);
    } else {
      scores[i * k + labels.indexOf(decided!)] = 1;
    }
    predicted[i] = decided ?? (decideRow(scores, i, k, rule, labels) as string);
  }
  return { scores, predicted };
}
