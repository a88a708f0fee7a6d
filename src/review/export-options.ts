import { z } from 'zod';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import { EvalSetOptionsSchema } from '../evaluate/eval-set.js';
import { GoldenModeSchema } from './formats/format.js';
import { ALL_FORMATS, ExportFormatSchema } from './formats/registry.js';
import { SelectOptionsSchema } from './select-options.js';

// The format enum is the registry's; re-exported where the options always offered it.
export { ALL_FORMATS, type ExportFormat, ExportFormatSchema } from './formats/registry.js';

/** The options of `exportReview` / `modeval review export`, with the defaults both use. */
export const ReviewExportOptionsSchema = z.object({
  dataset: z.string().min(1),
  spec: z.custom<DatasetSpecInput | DatasetSpec | string>().optional(),
  predictions: z.array(z.string().min(1)).min(1),
  /** Output folder; each export writes `<out>/<queue>/batch-NNNN/`. */
  out: z.string().min(1),
  /** Bad golden rows: stop at the first, or leave each out into `<out>/rejected-golden.jsonl`. */
  onInvalid: EvalSetOptionsSchema.shape.onInvalid,
  /** Letters, digits, `.`, `_`, `-` (checked by checkQueueName, which names the rule). */
  queue: z.string().default('review'),
  /** DuckDB file remembering what each queue received. Default `<out>/review-store.duckdb`. */
  store: z.string().min(1).optional(),
  select: SelectOptionsSchema,
  /** clusters.json from `modeval clusters` (needed by `cluster:<id>` rules and the `cluster` priority). */
  clusters: z.string().min(1).optional(),
  formats: z.array(ExportFormatSchema).default([...ALL_FORMATS]),
  /**
   * How Label Studio receives the golden label. Default `prediction` (model_version `golden`): an
   * imported annotation would mark the task as already labelled and reviewers could skip it.
   * `annotation` imports it as a ground-truth annotation; `hidden` drops it from every format.
   */
  golden: GoldenModeSchema.default('prediction'),
  /** Texts longer than this are cut (the item says so). */
  maxTextChars: z.number().int().positive().default(20_000),
  /** Clock for `exportedAt` (tests pin it). */
  now: z.custom<() => Date>((v) => typeof v === 'function').optional(),
});
export type ReviewExportOptions = z.input<typeof ReviewExportOptionsSchema>;
