import type { Taxonomy } from '../dataset/taxonomy.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { modelSide, type PairedSet, pairedSetOf } from '../evaluate/paired-set.js';
import { policyBinaryViews, taskViewOf } from '../task/index.js';

/**
 * A multilabel comparison as one binary paired set per policy: the task view's per-policy views
 * (task/policy-views.ts) of two models, as the paired sets compare and gate take.
 */

export { closedPredictions, expandPolicyPattern, notPolicy, rollupOf } from '../task/index.js';

export interface PolicyView {
  readonly policy: string;
  readonly set: PairedSet;
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
    set: pairedSetOf(
      set,
      v,
      modelSide(v.sides[0]!.model, v.sides[0]!),
      modelSide(v.sides[1]!.model, v.sides[1]!),
    ),
  }));
}
