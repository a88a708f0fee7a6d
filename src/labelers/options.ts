import { z } from 'zod';
import { LabelersSettingsSchema } from '../contracts/labelers-report.js';

/**
 * `modeval labelers` options: the golden dataset, where the judgements come from (its
 * `annotations` column, or a long labelling log), and the settings recorded in labelers.json.
 */
export const LabelersOptionsSchema = LabelersSettingsSchema.extend({
  /** The golden dataset (Arrow): ids, golden labels, slices, and the wide `annotations` column. */
  dataset: z.string().min(1),
  /** The dataset's spec file; default: found beside the dataset. */
  spec: z.string().min(1).optional(),
  /** A long labelling log (Arrow, Parquet, CSV, TSV, JSONL): one row per judgement. Default: the annotations column. */
  log: z.string().min(1).optional(),
  /**
   * What the log is: `table` (one row per judgement), a Label Studio JSON export (`label-studio`),
   * an Argilla record export or `to_disk` folder (`argilla`), or `auto`: a folder, `.json` or
   * `.jsonl` file whose first record has a tool's shape is that tool's export, anything else a table.
   */
  logFormat: z.enum(['auto', 'table', 'label-studio', 'argilla']).default('auto'),
  /** A bad judgement (label outside the set, empty id or annotator, bad time): stop (`error`) or leave it out and count it (`skip`). */
  onInvalid: z.enum(['error', 'skip']).default('error'),
  /** Log column of the item id (matched with the dataset's id). */
  itemColumn: z.string().min(1).default('item_id'),
  annotatorColumn: z.string().min(1).default('annotator'),
  /** Log column of the label (Utf8); multi-policy sets: a List<Utf8> of policies, or text split on `labelDelimiter`. */
  labelColumn: z.string().min(1).default('label'),
  labelDelimiter: z.string().min(1).default('|'),
  /** Log column of when the judgement was made (ISO text or epoch milliseconds): orders repeats; default `timestamp` when present. */
  timestampColumn: z.string().min(1).optional(),
  /** Log column of the seconds spent on the judgement; default `seconds` when present. */
  secondsColumn: z.string().min(1).optional(),
  /** Log column of the batch or queue a judgement belongs to (Utf8), for `by: 'batch'`; default `batch` when present. */
  batchColumn: z.string().min(1).optional(),
});
export type LabelersOptions = z.input<typeof LabelersOptionsSchema>;
export type ResolvedLabelersOptions = z.output<typeof LabelersOptionsSchema>;
