import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { TextEncoder } from 'node:util';
import type { RecordBatch } from 'apache-arrow';
import { z } from 'zod';
import { openArrow } from '../dataset/arrow-reader.js';
import { openArrowWriter } from '../dataset/arrow-writer.js';
import { isNumberType, isStringType, numberColumn, stringColumn } from '../dataset/columns.js';
import { convertToArrow } from '../dataset/convert.js';
import { IdFingerprintSet } from '../dataset/id-set.js';
import { DEFAULT_THRESHOLD, type DecisionRule } from '../model/card.js';
import { decideRow } from '../model/postprocess.js';
import { BadInputError } from '../util/errors.js';
import { sha256File } from '../util/hash.js';
import { keyedRecord, ownValue } from '../util/keyed.js';
import { harnessVersion } from '../util/version.js';
import { keyedRecordSchema, parseInput } from '../util/zod.js';
import { makePredictionBatch, predictionsSchema } from './predictions.js';
import type { PredictionsMeta } from './schema.js';

/**
 * Normalise predictions made elsewhere (a production log: id + scores and/or decisions) into
 * modeval's predictions format, so eval, compare, gate and report treat them like `modeval run`'s.
 */
export const ImportOptionsSchema = z
  .object({
    /** Arrow IPC, CSV, TSV, JSONL or Parquet. */
    input: z.string().min(1),
    /** Output predictions file (Arrow IPC stream). */
    out: z.string().min(1),
    /** The golden dataset the predictions are for: its fingerprint is stamped into the metadata. */
    dataset: z.string().min(1),
    idColumn: z.string().min(1).default('id'),
    /** Ordered labels: the score order of the output. */
    labels: z.array(z.string().min(1)).min(2),
    task: z.enum(['binary', 'multiclass']).default('binary'),
    positive: z.string().optional(),
    /** label → column holding that label's probability. */
    scoreColumns: keyedRecordSchema(z.string().min(1)).default(() => keyedRecord<string>()),
    /** Column holding the decided label. Without scores, scores become one-hot decisions. */
    decisionColumn: z.string().min(1).optional(),
    thresholds: keyedRecordSchema(z.number().min(0).max(1)).default(() => keyedRecord<number>()),
    modelName: z.string().min(1),
    modelVersion: z.string().min(1).default('unknown'),
  })
  .superRefine((o, ctx) => {
    if (Object.keys(o.scoreColumns).length === 0 && !o.decisionColumn) {
      ctx.addIssue({
        code: 'custom',
        path: ['scoreColumns'],
        message: 'give score columns, a decision column, or both',
      });
    }
    for (const label of [...Object.keys(o.scoreColumns), ...Object.keys(o.thresholds)]) {
      if (!o.labels.includes(label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels'],
          message: `"${label}" is not one of labels [${o.labels.join(', ')}]`,
        });
      }
    }
    if (o.task === 'binary' && o.labels.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'a binary task has exactly two labels' });
    }
    if (o.positive !== undefined && !o.labels.includes(o.positive)) {
      ctx.addIssue({ code: 'custom', path: ['positive'], message: `"${o.positive}" is not one of labels` });
    }
  });
export type ImportOptions = z.input<typeof ImportOptionsSchema>;

export interface ImportSummary {
  out: string;
  rows: number;
  /** How scores were obtained: from the input's probabilities, or one-hot from its decisions. */
  scores: 'probabilities' | 'decisions';
}

export async function importPredictions(input: ImportOptions): Promise<ImportSummary> {
  const opts = parseInput(ImportOptionsSchema, input);
  const k = opts.labels.length;
  const positive = opts.task === 'binary' ? (opts.positive ?? opts.labels[1]!) : (opts.positive ?? null);
  // Rows with scores but no decision are decided as `modeval run` would: binary thresholds
  // P(positive) (default 0.5), multiclass takes the argmax.
  const rule: DecisionRule =
    opts.task === 'binary' && positive !== null
      ? {
          kind: 'positive-threshold',
          positiveIndex: opts.labels.indexOf(positive),
          threshold: ownValue(opts.thresholds, positive) ?? DEFAULT_THRESHOLD,
        }
      : { kind: 'argmax' };
  const fromScores = Object.keys(opts.scoreColumns).length > 0;
  if (fromScores && Object.keys(opts.scoreColumns).length !== k) {
    const missing = opts.labels.filter((l) => !(l in opts.scoreColumns));
    if (!(opts.task === 'binary' && missing.length === 1)) {
      throw new BadInputError(`score columns missing for labels ${missing.join(', ')}`, {
        field: 'scoreColumns',
      });
    }
  }

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
      await convertToArrow({ input: opts.input, output: arrowPath });
    }
    const source = await openArrow(arrowPath);
    const fields = new Map(source.schema.fields.map((f) => [f.name, f.type]));
    const requireColumn = (name: string, ok: (t: never) => boolean, expected: string) => {
      const type = fields.get(name);
      if (type === undefined) {
        throw new BadInputError(`missing column; the file has: ${[...fields.keys()].join(', ')}`, {
          file: opts.input,
          field: name,
        });
      }
      if (!ok(type as never))
        throw new BadInputError(`column has type ${String(type)}, expected ${expected}`, {
          file: opts.input,
          field: name,
        });
    };
    requireColumn(opts.idColumn, isStringType, 'Utf8');
    for (const col of Object.values(opts.scoreColumns)) requireColumn(col, isNumberType, 'a number');
    if (opts.decisionColumn) requireColumn(opts.decisionColumn, isStringType, 'Utf8');

    const meta: PredictionsMeta = {
      schemaVersion: 1,
      source: 'import',
      model: {
        name: opts.modelName,
        version: opts.modelVersion,
        sha256: null,
        task: opts.task,
        labels: opts.labels,
        positive,
        thresholds: opts.thresholds,
      },
      dataset: { file: basename(opts.dataset), fingerprint: await sha256File(opts.dataset), rows: null },
      harness: { name: 'modeval', version: harnessVersion() },
      runtime: { node: process.versions.node },
      options: { input: basename(opts.input), scores: fromScores ? 'probabilities' : 'decisions' },
    };
    const schema = predictionsSchema(meta);
    const writer = await openArrowWriter(opts.out, { format: 'stream', schema });
    const seen = new IdFingerprintSet();
    const encoder = new TextEncoder();
    let rows = 0;
    let batchIndex = 0;
    try {
      for await (const batch of source.batches()) {
        const out = convertBatch(batch, batchIndex++, rows, opts, rule, seen, encoder);
        rows += out.ids.length;
        await writer.write(makePredictionBatch(schema, out.ids, out.scores, out.predicted));
      }
      if (rows === 0) throw new BadInputError('no predictions in the file', { file: opts.input });
      await writer.commit();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    return { out: opts.out, rows, scores: fromScores ? 'probabilities' : 'decisions' };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

function convertBatch(
  batch: RecordBatch,
  batchIndex: number,
  rowOffset: number,
  opts: z.infer<typeof ImportOptionsSchema>,
  rule: DecisionRule,
  seen: IdFingerprintSet,
  encoder: TextEncoder,
): { ids: string[]; scores: Float32Array; predicted: string[] } {
  const k = opts.labels.length;
  const n = batch.numRows;
  const ids = stringColumn(batch.getChild(opts.idColumn)!.data[0]!);
  const scoreCols = opts.labels.map((label) => {
    const col = ownValue(opts.scoreColumns, label);
    return col === undefined ? undefined : numberColumn(batch.getChild(col)!.data[0]!);
  });
  const hasScores = scoreCols.some((c) => c !== undefined);
  // A binary log often records only P(positive): the other label gets the complement.
  const missing = scoreCols.indexOf(undefined);
  const decisions = opts.decisionColumn
    ? stringColumn(batch.getChild(opts.decisionColumn)!.data[0]!)
    : undefined;
  const outIds: string[] = new Array(n);
  const scores = new Float32Array(n * k);
  const predicted: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rowOffset + i;
    const at = (field: string, id?: string) => ({
      file: opts.input,
      batch: batchIndex,
      row,
      field,
      ...(id ? { id } : {}),
    });
    const id = ids.get(i);
    if (id === null || id === '') throw new BadInputError('id is null or empty', at(opts.idColumn));
    const first = seen.addOrGetRow(encoder.encode(id), row);
    if (first >= 0) throw new BadInputError(`duplicate id (first at row ${first})`, at(opts.idColumn, id));
    outIds[i] = id;
    let decided: string | null = null;
    if (decisions) {
      decided = decisions.get(i);
      if (decided === null || !opts.labels.includes(decided)) {
        throw new BadInputError(
          `decision ${JSON.stringify(decided)} is not one of [${opts.labels.join(', ')}]`,
          at(opts.decisionColumn!, id),
        );
      }
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
            at(opts.scoreColumns[opts.labels[j]!]!, id),
          );
        }
        scores[i * k + j] = v;
        known += v;
      }
      if (missing >= 0) scores[i * k + missing] = Math.max(0, 1 - known);
    } else {
      scores[i * k + opts.labels.indexOf(decided!)] = 1;
    }
    predicted[i] = decided ?? (decideRow(scores, i, k, rule, opts.labels) as string);
  }
  return { ids: outIds, scores, predicted };
}
