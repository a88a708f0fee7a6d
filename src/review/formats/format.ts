import { z } from 'zod';
import type { TaskView } from '../../task/index.js';
import type { ReviewItem } from '../item.js';
import type { ParsedVerdicts, VerdictReadOptions } from '../verdicts.js';
import type { SniffShape } from './shared/sniff-shape.js';

/**
 * What a review format is: the contract every module in this folder fills and `registry.ts` lists.
 * A format writes a batch's items into the files it names; one that reviewers' answers come back in
 * also reads those answers (`read`) and recognises its files (`sniff`).
 */

/**
 * How the golden label travels. Default `prediction` (Label Studio: model_version `golden`): an
 * imported annotation would mark the task as already labelled and reviewers could skip it.
 * `annotation` imports it as a ground-truth annotation; `hidden` drops it from every format.
 */
export const GoldenModeSchema = z.enum(['annotation', 'prediction', 'hidden']);
export type GoldenMode = z.infer<typeof GoldenModeSchema>;

export type SliceType = 'string' | 'bool' | 'int' | 'float';

/** Everything a format may write about one batch. */
export interface QueueBatch {
  items: readonly ReviewItem[];
  /** The label set (policies on a multi-policy set), in evaluation order. */
  labels: readonly string[];
  queue: string;
  /** `batch-NNNN`. */
  batch: string;
  golden: GoldenMode;
  /** `golden === 'hidden'`: leave out everything a reviewer could read the golden label off. */
  blind: boolean;
  /** The dataset's type of each slice column (default string); values arrive as strings. */
  sliceTypes: ReadonlyMap<string, SliceType>;
  /** Schema metadata for the typed files (the manifest's provenance). */
  metadata: ReadonlyMap<string, string>;
  /**
   * The set's task view: `multiLabel` says whether an item's golden label and each prediction is
   * one label or a set of policies (reviewers then tick several, or NO_POLICY); `labelsOf` reads
   * either as a list.
   */
  view: TaskView;
}

/**
 * How sure a reader is that a file is its format: its extension (`extension`), a shape only its
 * tool writes (`shape`), or a weak hint (`hint`). The strongest claim wins; on a tie the format
 * listed first in the registry.
 */
export type SniffClaim = 'extension' | 'shape' | 'hint';

export interface VerdictReader {
  /** What the import accepts in this format, for `--help` (`Label Studio JSON or JSON-MIN export`). */
  describe: string;
  /**
   * Whether `file` is this format, from its name and `shape`: whether it is a JSON array or object
   * and the top-level keys of its first record (`shared/sniff-shape.ts`).
   */
  sniff(file: string, shape: SniffShape): SniffClaim | null;
  parse(file: string, text: string, options: VerdictReadOptions): ParsedVerdicts;
  /** A folder given as a verdict source is read through this file in it (Argilla's `to_disk`). */
  folder?: { file: string; what: string };
}

export interface ReviewFormat<Id extends string = string> {
  /** The `--format` name. */
  id: Id;
  /** The name people know it by (`Label Studio`), for help text. */
  title: string;
  /** The paths it writes, relative to the batch folder, in the order it writes them. */
  files: readonly string[];
  /** Writes every file of `files` under `dir`. */
  write(dir: string, batch: QueueBatch): Promise<void>;
  /** Formats that reviewers' answers come back in. */
  read?: VerdictReader;
}

/** Declares a format, keeping its id a literal so the registry's enums are exact. */
export function defineFormat<const Id extends string>(format: ReviewFormat<Id>): ReviewFormat<Id> {
  return format;
}
