import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import { type EvalSet, loadEvalSet, type ModelColumns } from '../evaluate/join.js';
import { BadInputError } from '../util/errors.js';
import { statRegularFile } from '../util/files.js';
import type { ModelSide, PairedSet } from './paired.js';

export interface LoadPairedOptions {
  baseline: string;
  candidate: string;
  dataset: string;
  spec?: DatasetSpecInput | DatasetSpec | string;
  /**
   * Refuse predictions whose recorded dataset fingerprint is not this golden file's (the gate's
   * choice: a release decision on predictions of another file version is not trustworthy).
   * Otherwise the join matches ids and the mismatch is a warning. Files without a recorded
   * fingerprint (imports) are accepted either way.
   */
  strictDataset?: boolean;
}

/** Fail early, and say which role is missing, before any file is parsed. */
async function mustExist(file: string, role: string): Promise<void> {
  await statRegularFile(
    file,
    (code) => `cannot read ${role} (${code === 'ENOENT' ? 'no such file' : code})`,
    role,
  );
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
  if (set.task === 'multilabel') {
    throw new BadInputError('compare and gate support binary and multiclass tasks, not multilabel', {
      file: set.dataset.file,
      field: 'labels',
    });
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

/**
 * Join baseline and candidate predictions to the golden set. Predictions made on different
 * datasets (fingerprints differ) or over different label sets are a BadInputError from the join.
 */
export async function loadPairedSet(options: LoadPairedOptions): Promise<PairedSet> {
  await mustExist(options.baseline, 'baseline predictions');
  await mustExist(options.candidate, 'candidate predictions');
  await mustExist(options.dataset, 'golden dataset');
  const set = await loadEvalSet({
    dataset: options.dataset,
    ...(options.spec === undefined ? {} : { spec: options.spec }),
    predictions: [options.baseline, options.candidate],
  });
  if (options.strictDataset) {
    for (const m of set.models) {
      const printed = m.meta.dataset.fingerprint;
      if (printed !== '' && printed !== set.dataset.fingerprint) {
        throw new BadInputError(
          `predictions were made on another dataset file (sha256 ${printed.slice(0, 12)}…, ${m.meta.dataset.file}) than the golden set given (${set.dataset.fingerprint.slice(0, 12)}…); score this golden set again`,
          { file: m.file, field: 'dataset.fingerprint' },
        );
      }
    }
  }
  if (set.n === 0) {
    throw new BadInputError('no golden item has a prediction from both models; nothing to compare', {
      file: options.dataset,
    });
  }
  return pairedFromEvalSet(set);
}
