import type { ClusterExample, ClustersReport } from '../contracts/clusters-report.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { findLabelIssues } from './label-issues.js';

/** Which errors' golden labels are in doubt, and each model's evidence for an item. */
export interface LabelSuspects {
  checked: boolean;
  relabel: Set<number>;
  evidence: (r: number) => ClusterExample['labelEvidence'];
}

/** Suspects where at least `minModels` of the models' flag sets hold the item. */
function suspectsFrom(
  set: EvalSet,
  flags: readonly Set<number>[],
  minModels: number,
  pGolden: (m: number, r: number) => number,
): LabelSuspects {
  const relabel = new Set<number>();
  for (let r = 0; r < set.n; r++) if (flags.filter((f) => f.has(r)).length >= minModels) relabel.add(r);
  return {
    checked: true,
    relabel,
    evidence: (r) =>
      set.models.map((m, i) => ({
        model: `${m.meta.model.name}@${m.meta.model.version}`,
        flagged: flags[i]!.has(r),
        pGolden: Number(pGolden(i, r).toFixed(6)),
      })),
  };
}

const UNCHECKED: LabelSuspects = { checked: false, relabel: new Set(), evidence: () => undefined };

/**
 * Golden-label suspects by agreement: every model's confident learning (its own probabilities over
 * the whole set) flags items; an item is a suspect when at least `minModels` models flag it.
 * With fewer models than that nothing is checked.
 */
export function labelSuspects(set: EvalSet, minModels: number): LabelSuspects {
  const k = set.labels.length;
  if (set.models.length < minModels) return UNCHECKED;
  const flags = set.models.map((m) => {
    const probs = Array.from({ length: set.n }, (_, r) => m.scores.subarray(r * k, (r + 1) * k));
    return new Set(findLabelIssues(Array.from(set.truth), probs, {}, set.ids).issues.map((i) => i.index));
  });
  return suspectsFrom(set, flags, minModels, (m, r) => set.models[m]!.scores[r * k + set.truth[r]!]!);
}

/**
 * The same agreement rule for one policy of a multi-policy set, each model's confident learning
 * run one-vs-rest on that policy (policyIssues); pGolden is the model's probability of the golden
 * flag (p when golden has the policy, 1 − p when not).
 */
export function policySuspects(set: EvalSet, j: number, minModels: number): LabelSuspects {
  const k = set.labels.length;
  if (set.models.length < minModels) return UNCHECKED;
  const flags = set.models.map((_, m) => policyIssues(set, m, j));
  return suspectsFrom(set, flags, minModels, (m, r) => {
    const s = set.models[m]!.scores[r * k + j]!;
    return set.truthFlags[r * k + j] ? s : 1 - s;
  });
}

/** The rule behind the golden-label badges, as printed in clusters.json and the report. */
export function labelIssueRule(
  models: readonly string[],
  minModels: number,
): NonNullable<ClustersReport['labelIssues']> {
  const checked = models.length >= minModels;
  return {
    models: [...models],
    minModels,
    checked,
    rule: checked
      ? `"check the golden label" when the confident learning (Northcutt et al. 2021) of at least ${minModels} of the ${models.length} models (${models.join(', ')}) flags the item, each on its own probabilities`
      : `golden labels not checked: confident learning on one model's own (in-sample) probabilities flags exactly the items that model is confidently wrong on, so at least ${minModels} models must agree (give more predictions files) before a golden label is called into question`,
  };
}

/**
 * One policy of a multilabel set seen as a binary task (cleanlab's one-vs-rest treatment of
 * multi-label data): golden flag per row and the model's [P(not X), P(X)].
 */
export function policyIssues(set: EvalSet, model: number, j: number): Set<number> {
  const k = set.labels.length;
  const m = set.models[model]!;
  const truth = Array.from({ length: set.n }, (_, r) => set.truthFlags[r * k + j]!);
  const probs = Array.from({ length: set.n }, (_, r) => {
    const s = m.scores[r * k + j]!;
    return [1 - s, s];
  });
  return new Set(findLabelIssues(truth, probs, {}, set.ids).issues.map((i) => i.index));
}
