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

function side(m: ModelColumns): ModelSide {
  return {
    file: m.file,
    name: m.meta.model.name,
    version: m.meta.model.version,
    sha256: m.meta.model.sha256,
    predicted: m.predicted,
    scores: m.scores,
  };
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
  return {
    dataset: { file: set.dataset.file, fingerprint: set.dataset.fingerprint },
    labels: set.labels,
    positiveIndex: set.labels.length === 2 ? set.positiveIndex : -1,
    ids: set.ids,
    truth: set.truth,
    slices: set.slices,
    baseline: side(set.models[0]!),
    candidate: side(set.models[1]!),
    warnings: set.warnings,
  };
}
