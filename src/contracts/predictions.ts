import { z } from 'zod';
import { keyedRecordSchema } from './keyed-record.js';
import { TaskSchema } from './task.js';

/*
 * The schemas of what `modeval run` and `modeval predictions import` leave behind. Kept apart
 * from run.ts so that readers of these files (eval, report) load neither onnxruntime nor piscina.
 */

/**
 * Provenance of a predictions file. It deliberately holds no timestamp, so that the same model,
 * data and options give byte-identical predictions (also across an interrupt and `--resume`);
 * times live in the run's `run.json`.
 */
export const PredictionsMeta = z.object({
  schemaVersion: z.literal(1),
  source: z.enum(['model', 'import']),
  model: z.object({
    name: z.string(),
    version: z.string(),
    sha256: z.string().nullable(),
    task: TaskSchema,
    labels: z.array(z.string()).min(1),
    positive: z.string().nullable(),
    /**
     * The decision thresholds applied, per label: `modeval run`, per output label of the card (the
     * card's value or a `--threshold` override, else the default; none for an argmax task);
     * `predictions import`, those that decided rows from scores.
     */
    thresholds: keyedRecordSchema(z.number()),
    /**
     * sha256 of the model card file's bytes (`model.json`): `sha256` covers the graph only, and the
     * card decides labels, thresholds and preprocessing. Absent for imports and older files.
     */
    cardSha256: z.string().optional(),
    /** The card's labels whose items reports blur (absent when the card names none). */
    sensitive: z.array(z.string()).optional(),
  }),
  dataset: z.object({
    file: z.string(),
    /** sha256 of the dataset file's bytes. */
    fingerprint: z.string(),
    rows: z.number().int().nullable(),
  }),
  harness: z.object({ name: z.literal('modeval'), version: z.string() }),
  runtime: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type PredictionsMeta = z.infer<typeof PredictionsMeta>;

/** The summary `runModel` returns and writes to run.json. */
export const RunSummary = z.object({
  status: z.enum(['completed', 'interrupted']),
  predictions: z.string().nullable(),
  model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }),
  dataset: z.object({ file: z.string(), fingerprint: z.string() }),
  rows: z.number().int(),
  rejected: z.number().int(),
  predicted: z.number().int(),
  invalid: z.number().int(),
  truncated: z.number().int(),
  labelled: z.number().int(),
  /** Share of labelled, predicted rows where the prediction equals the golden label (exact set for multilabel). */
  accuracy: z.number().nullable(),
  seconds: z.number(),
  rowsPerSecond: z.number(),
  workers: z.number().int(),
  threads: z.number().int(),
  provider: z.string(),
  retries: z.number().int(),
  resumedFromRow: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /**
   * Present for `--shard`: the share's dataset rows. It owns the chunks (of batchSize valid rows,
   * cut as a single run cuts them) that start in [firstRow, endRow).
   */
  shard: z
    .object({
      index: z.number().int(),
      count: z.number().int(),
      firstRow: z.number().int(),
      endRow: z.number().int(),
    })
    .optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** `run.json`: the run summary with the predictions' provenance beside it. */
export const RunFileSchema = RunSummary.extend({ meta: PredictionsMeta.optional() });
export type RunFile = z.infer<typeof RunFileSchema>;
