import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { loadEvalSet } from '../evaluate/join.js';
import { type PairedSet, pairedFromEvalSet } from '../evaluate/paired-set.js';
import { predictionFiles } from '../io/prediction-files.js';
import { BadInputError } from '../util/errors.js';
import { statRegularFile } from '../util/files.js';
import { type PolicyView, policyViews } from './policy-views.js';

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

/** Fail early, and say which role is missing, before any file is parsed (each shard of a list). */
async function mustExist(files: readonly string[], role: string): Promise<void> {
  for (const part of files) {
    await statRegularFile(
      part,
      (code) => `cannot read ${role} (${code === 'ENOENT' ? 'no such file' : code})`,
      role,
    );
  }
}

/**
 * Join baseline and candidate predictions to the golden set. Predictions made on different
 * datasets (fingerprints differ) or over different label sets are a BadInputError from the join.
 */
export async function loadPairedSet(options: LoadPairedOptions): Promise<PairedSet> {
  return pairedFromEvalSet(await loadJoinedPair(options));
}

/** What compare and gate work on: one paired set, or (multilabel) one binary view per policy. */
export type ComparedSets =
  | { readonly task: 'single'; readonly set: PairedSet }
  | { readonly task: 'multilabel'; readonly views: PolicyView[]; readonly taxonomy: Taxonomy | undefined };

/** Like loadPairedSet, but a multilabel set becomes per-policy views instead of an error. */
export async function loadComparedSets(options: LoadPairedOptions): Promise<ComparedSets> {
  const set = await loadJoinedPair(options);
  if (set.task === 'multilabel') {
    return { task: 'multilabel', views: policyViews(set, set.taxonomy), taxonomy: set.taxonomy };
  }
  return { task: 'single', set: pairedFromEvalSet(set) };
}

async function loadJoinedPair(options: LoadPairedOptions): Promise<EvalSet> {
  await mustExist(predictionFiles(options.baseline), 'baseline predictions');
  await mustExist(predictionFiles(options.candidate), 'candidate predictions');
  await mustExist([options.dataset], 'golden dataset');
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
  return set;
}
