import type { Task } from '../contracts/task.js';

/**
 * What the labelers stage reads, in one shape whatever the source: the golden items of the
 * dataset and every judgement of them. A wide `annotations` column and the equivalent long log
 * give the same table (labelers.json does not depend on where the judgements came from).
 */

/** The dataset's items, in dataset order. */
export interface GoldenItems {
  readonly task: Task;
  /** The declared labels (spec), or undefined: then the labels seen, sorted. */
  readonly declared: readonly string[] | undefined;
  readonly ids: string[];
  readonly byId: Map<string, number>;
  /** Golden labels per item (one for a single-label set); null when the item has none. */
  readonly golden: (readonly string[] | null)[];
  readonly slices: { readonly name: string; readonly values: (string | null)[] }[];
}

/** One judgement as read. */
export interface RawJudgement {
  readonly item: number;
  readonly annotator: string;
  readonly labels: readonly string[];
  /** When it was made (ms since the epoch), or null. */
  readonly time: number | null;
  readonly seconds: number | null;
  /** The log's batch (queue) value, or null. */
  readonly batch: string | null;
  /** Position in the source (orders repeats without a time). */
  readonly seq: number;
  /** Where it was read, for error messages. */
  readonly where: { readonly row: number; readonly field: string };
}

/** The judgements encoded: annotators sorted by name, judgements by item, annotator, then time. */
export interface JudgementTable {
  readonly items: GoldenItems;
  readonly labels: readonly string[];
  readonly annotators: readonly string[];
  readonly item: Int32Array;
  readonly annotator: Int32Array;
  /** Row-major judgements × K: 1 where the judgement chose the label. */
  readonly flags: Uint8Array;
  /** Seconds per judgement; NaN where not known. */
  readonly seconds: Float64Array;
  /** When each judgement was made (ms since the epoch); NaN where not known. */
  readonly time: Float64Array;
  /** The batch (queue) of each judgement; null where not known. */
  readonly batch: readonly (string | null)[];
  /** Row-major items × K golden flags, and whether the item has a golden label. */
  readonly goldenFlags: Uint8Array;
  readonly hasGolden: Uint8Array;
}
