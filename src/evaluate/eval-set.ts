import { z } from 'zod';
import type { IdProblem } from '../contracts/metrics-report.js';
import type { PredictionsMeta } from '../contracts/predictions.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import type { ValidationSummary } from '../dataset/validate.js';
import type { Task } from '../task/index.js';

/**
 * The evaluation set: golden labels joined by id to one or more models' predictions, columnar and
 * in memory. Every metric, comparison, cluster and review selection reads this one structure;
 * `loadEvalSet` (join.ts) builds it.
 *
 * Memory: O(rows × (K + slices)) numbers. Per evaluated row: its id (UTF-8 bytes and a 4-byte
 * offset after a position join, a string after an id join; `ids` decodes them on first use, which
 * computing metrics never does), an Int32 truth
 * (multilabel: K bytes), one Int32 code per slice/identity column, and per model an Int32
 * prediction (multilabel: K bytes) and K Float32 scores. The scores are kept on purpose: ROC-AUC,
 * average precision, curves and bootstrap intervals need all of them.
 *
 * When several models are joined, the set holds the rows that every model scored, so that
 * comparisons are paired; each model's missing ids are counted and reported.
 */

export const EvalSetOptionsSchema = z.object({
  /** Golden dataset (Arrow IPC file or stream). */
  dataset: z.string(),
  /** Dataset spec: an object or a JSON file path. Unset: discovered beside the data. */
  spec: z.custom<DatasetSpecInput | DatasetSpec | string>().optional(),
  /** Predictions files (one per model), as written by `modeval run`. */
  predictions: z.array(z.string()).readonly(),
  /** How many example ids each problem list keeps. */
  maxExamples: z.number().int().min(0).default(10),
  /**
   * A bad golden row (README "The dataset contract"): `error` stops at the first one with a
   * BadInputError naming the file, batch, row, id and field; `skip` leaves each out, counted, and
   * writes it with its reason to `rejectsPath` (JSON lines) when one is given (the CLI always
   * gives one, beside the command's output).
   */
  onInvalid: z.enum(['error', 'skip']).default('error'),
  rejectsPath: z.string().optional(),
});

/** How a command treats bad golden rows (see EvalSetOptionsSchema). */
export interface GoldenRowRule {
  readonly onInvalid: 'error' | 'skip';
  readonly rejectsPath?: string;
}
export type EvalSetOptions = z.input<typeof EvalSetOptionsSchema>;

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
  /**
   * Multilabel: 1 for each label (eval order) the model scores, directly or as a parent of policies
   * it all scores; absent = every label. Metrics of the others are "not scored", never zeros.
   */
  readonly scored?: Uint8Array;
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

/** The task an evaluation runs (its view: `taskViewOf(set)`, src/task). */
export type EvalTask = Task;

/** Indices (eval label order) of the labels model `m` scores: every label unless it scores a subset. */
export function scoredLabels(labels: readonly string[], m: Pick<ModelColumns, 'scored'>): number[] {
  const out: number[] = [];
  labels.forEach((_, j) => {
    if (scoresLabel(m, j)) out.push(j);
  });
  return out;
}

/** Whether model `m` scores label j (a model that scores a subset leaves the others unknown). */
export function scoresLabel(m: Pick<ModelColumns, 'scored'>, j: number): boolean {
  return m.scored === undefined || m.scored[j] === 1;
}

/** Why a label has no metrics for a model. */
export const NOT_SCORED =
  'not scored by this model (no score column maps to this policy or to all of its children)';

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
  /** The dataset spec's policy taxonomy (multilabel sets that declare one). */
  readonly taxonomy: Taxonomy | undefined;
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
  /**
   * How rows were matched: `position` for a run's own predictions of this dataset file (no id
   * map, see position-join.ts), `id` otherwise. The set is the same either way.
   */
  readonly joinedBy: 'position' | 'id';
  /** Human-readable notes about the join (fingerprint of another file, dropped rows...). */
  readonly warnings: readonly string[];
}
