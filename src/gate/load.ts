import type { Comparison } from '../contracts/gate-report.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { loadEvalSet } from '../evaluate/join.js';
import { type PairedSet, pairedFromEvalSet } from '../evaluate/paired-set.js';
import { predictionFiles } from '../io/prediction-files.js';
import { type MetricFamilies, taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { statRegularFile } from '../util/files.js';
import { type ComparedSets, pairedSetSpace, perPolicySpace } from './compared-sets.js';
import type { CompareModelsOptions } from './options.js';
import { policyViews } from './policy-views.js';

export interface LoadPairedOptions {
  baseline: string;
  candidate: string;
  dataset: string;
  spec?: DatasetSpecInput | DatasetSpec | string;
  onInvalid?: 'error' | 'skip';
  rejectsPath?: string;
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
  const set = await loadJoinedPair(options);
  mustHavePairs(set);
  return pairedFromEvalSet(set);
}

/** How each kind of comparison the task view names builds its compared sets. */
const SPACES: Readonly<Record<MetricFamilies['comparison'], (set: EvalSet) => ComparedSets>> = {
  'paired-set': (set) => pairedSetSpace(pairedFromEvalSet(set)),
  'per-policy': (set) => perPolicySpace(policyViews(set, set.taxonomy), set.taxonomy),
};

/**
 * The paired sets of a joined evaluation set with two models (baseline first): the set itself, or
 * (multilabel) one binary view per policy with the taxonomy closure.
 */
export function comparedSetsOf(set: EvalSet): ComparedSets {
  mustHavePairs(set);
  return SPACES[taskViewOf(set).metrics.comparison](set);
}

/** Like loadPairedSet, for any task: the compared sets compare and gate decide on. */
export async function loadComparedSets(options: LoadPairedOptions): Promise<ComparedSets> {
  return comparedSetsOf(await loadJoinedPair(options));
}

/** Load both predictions files joined to the golden set (one join), then compare them. */
export async function compareModels(options: CompareModelsOptions): Promise<Comparison> {
  return (await loadComparedSets(options)).compare(options);
}

function mustHavePairs(set: EvalSet): void {
  if (set.n === 0) {
    throw new BadInputError('no golden item has a prediction from both models; nothing to compare', {
      file: set.dataset.file,
    });
  }
}

async function loadJoinedPair(options: LoadPairedOptions): Promise<EvalSet> {
  await mustExist(predictionFiles(options.baseline), 'baseline predictions');
  await mustExist(predictionFiles(options.candidate), 'candidate predictions');
  await mustExist([options.dataset], 'golden dataset');
  // Predictions of another dataset file (the golden version before a relabel) are joined by id
  // with the warning eval and compare give (dataset-mismatch.ts).
  return loadEvalSet({
    dataset: options.dataset,
    ...(options.spec === undefined ? {} : { spec: options.spec }),
    predictions: [options.baseline, options.candidate],
    ...(options.onInvalid === undefined ? {} : { onInvalid: options.onInvalid }),
    ...(options.rejectsPath === undefined ? {} : { rejectsPath: options.rejectsPath }),
  });
}
