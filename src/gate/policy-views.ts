import type { Taxonomy } from '../dataset/taxonomy.js';
import type { EvalSet, ModelColumns } from '../evaluate/eval-set.js';
import type { ModelSide, PairedSet } from '../evaluate/paired-set.js';
import { type PolicySide, policyBinaryViews, taskViewOf } from '../task/index.js';

/**
 * A multilabel comparison as one binary paired set per policy: the task view's per-policy views
 * (task/policy-views.ts) of two models, as the paired sets compare and gate take.
 */

export { closedPredictions, expandPolicyPattern, notPolicy, rollupOf } from '../task/index.js';

export interface PolicyView {
  readonly policy: string;
  readonly set: PairedSet;
}

function sideOf(side: PolicySide<ModelColumns>): ModelSide {
  const m = side.model;
  return {
    file: m.file,
    name: m.meta.model.name,
    version: m.meta.model.version,
    sha256: m.meta.model.sha256,
    predicted: side.predicted,
    scores: side.scores,
  };
}

/**
 * One binary paired view per label of a multilabel evaluation set with two models (baseline
 * first), for the labels both models score.
 */
export function policyViews(set: EvalSet, taxonomy: Taxonomy | undefined): PolicyView[] {
  if (taskViewOf(set).metrics.comparison !== 'per-policy')
    throw new Error('policy views are for multilabel sets');
  if (set.models.length !== 2) throw new Error(`expected 2 models in the set, got ${set.models.length}`);
  return policyBinaryViews(set, taxonomy).map((v) => ({
    policy: v.policy,
    set: {
      dataset: { file: set.dataset.file, fingerprint: set.dataset.fingerprint },
      labels: v.labels,
      positiveIndex: v.positiveIndex,
      ids: set.ids,
      truth: v.truth,
      slices: set.slices,
      baseline: sideOf(v.sides[0]!),
      candidate: sideOf(v.sides[1]!),
      warnings: set.warnings,
    },
  }));
}
