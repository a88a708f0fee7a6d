import { taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import type { EncodedColumn, EvalSet, ModelColumns } from './eval-set.js';

/**
 * Two models' single-label predictions on the same golden items, columnar: the view of an
 * evaluation set that compare and gate need. Row i is the same item for every array.
 */

export interface ModelSide {
  readonly file: string;
  readonly name: string;
  readonly version: string;
  readonly sha256: string | null;
  /** sha256 of the card file, when the predictions record it. */
  readonly cardSha256?: string;
  /** The decision thresholds the predictions record as applied. */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Predicted label index per row. */
  readonly predicted: Int32Array;
  /** Row-major rows × K scores in `labels` order. */
  readonly scores: Float32Array;
}

export interface PairedSet {
  readonly dataset: { readonly file: string; readonly fingerprint: string };
  readonly labels: readonly string[];
  /** Index of the positive label of a binary task; -1 when there is none (no score metrics). */
  readonly positiveIndex: number;
  readonly ids: readonly string[];
  /** Golden label index per row. */
  readonly truth: Int32Array;
  readonly slices: readonly EncodedColumn[];
  readonly baseline: ModelSide;
  readonly candidate: ModelSide;
  /** Notes from loading (rows dropped, fingerprints) shown in reports. */
  readonly warnings: readonly string[];
}

/**
 * A model's side of a paired set: its provenance with its decisions and scores, its own or those of
 * a per-policy view of it (gate/policy-views.ts).
 */
export function modelSide(
  m: ModelColumns,
  decisions: { readonly predicted: Int32Array; readonly scores: Float32Array } = m,
): ModelSide {
  return {
    file: m.file,
    name: m.meta.model.name,
    version: m.meta.model.version,
    sha256: m.meta.model.sha256,
    ...(m.meta.model.cardSha256 !== undefined ? { cardSha256: m.meta.model.cardSha256 } : {}),
    thresholds: m.meta.model.thresholds,
    predicted: decisions.predicted,
    scores: decisions.scores,
  };
}

/** A paired set over a joined set's rows, ids, slices and warnings, with its own labels and truth. */
export function pairedSetOf(
  set: EvalSet,
  task: Pick<PairedSet, 'labels' | 'positiveIndex' | 'truth'>,
  baseline: ModelSide,
  candidate: ModelSide,
): PairedSet {
  return {
    dataset: { file: set.dataset.file, fingerprint: set.dataset.fingerprint },
    labels: task.labels,
    positiveIndex: task.positiveIndex,
    ids: set.ids,
    truth: task.truth,
    slices: set.slices,
    baseline,
    candidate,
    warnings: [...set.warnings, ...sameModelWarning(baseline, candidate)],
  };
}

/** Keys in a fixed order, so two records with the same entries compare equal. */
function sortedEntries(r: Readonly<Record<string, number>> | undefined): string {
  return JSON.stringify(Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Baseline and candidate with the same graph, card and thresholds decide alike: the comparison
 * cannot show a difference. (The same graph with another card or threshold is a real change.)
 */
function sameModelWarning(baseline: ModelSide, candidate: ModelSide): string[] {
  const same =
    baseline.sha256 !== null &&
    baseline.sha256 === candidate.sha256 &&
    baseline.cardSha256 !== undefined &&
    baseline.cardSha256 === candidate.cardSha256 &&
    sortedEntries(baseline.thresholds) === sortedEntries(candidate.thresholds);
  return same
    ? [
        `baseline and candidate are the same model (graph sha256 ${baseline.sha256!.slice(0, 12)}…, card sha256 ${baseline.cardSha256!.slice(0, 12)}…, same thresholds): the comparison can show no difference`,
      ]
    : [];
}

/** The paired view of a joined evaluation set with exactly two models (baseline first). */
export function pairedFromEvalSet(set: EvalSet): PairedSet {
  if (set.models.length !== 2) throw new Error(`expected 2 models in the set, got ${set.models.length}`);
  if (taskViewOf(set).metrics.comparison !== 'paired-set') {
    throw new BadInputError(
      'a multilabel set is compared per policy (loadComparedSets), not as one paired set',
      {
        file: set.dataset.file,
        field: 'labels',
      },
    );
  }
  return pairedSetOf(
    set,
    {
      labels: set.labels,
      positiveIndex: set.labels.length === 2 ? set.positiveIndex : -1,
      truth: set.truth,
    },
    modelSide(set.models[0]!),
    modelSide(set.models[1]!),
  );
}
