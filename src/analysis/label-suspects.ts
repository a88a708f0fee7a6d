import type { ClusterExample, ClustersReport } from '../contracts/clusters-report.js';
import type { LabelEvidence } from '../contracts/label-evidence.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import {
  decideLabelEvidence,
  evidenceRuleText,
  type LabelEvidenceOptions,
  LabelEvidenceOptionsSchema,
} from './label-evidence.js';
import { findLabelIssues } from './label-issues.js';

/** Which errors' golden labels are in doubt, each model's evidence for an item, and the decision. */
export interface LabelSuspects {
  /** Whether the rule questioned labels at all (`agreement`); else every error is unchecked. */
  checked: boolean;
  relabel: Set<number>;
  evidence: (r: number) => ClusterExample['labelEvidence'];
  summary: LabelEvidence;
}

/** Model m's confident-learning flags on its own probabilities (one label per row). */
function labelFlags(set: EvalSet, m: number): Set<number> {
  const k = set.labels.length;
  const scores = set.models[m]!.scores;
  const probs = Array.from({ length: set.n }, (_, r) => scores.subarray(r * k, (r + 1) * k));
  return new Set(findLabelIssues(Array.from(set.truth), probs, {}, set.ids).issues.map((i) => i.index));
}

/** Suspects of one target by the evidence rule (label-evidence.ts), flags computed once per model. */
function suspectsFrom(
  set: EvalSet,
  policy: number | null,
  judged: number,
  options: LabelEvidenceOptions,
  pGolden: (m: number, r: number) => number,
): LabelSuspects {
  const memo = new Map<number, Set<number>>();
  const flags = (m: number) => {
    let f = memo.get(m);
    if (!f) {
      f = policy === null ? labelFlags(set, m) : policyIssues(set, m, policy);
      memo.set(m, f);
    }
    return f;
  };
  const { summary, relabel } = decideLabelEvidence(set, policy, judged, flags, options);
  const checked = summary.decidedBy !== 'too-few-opinions';
  return {
    checked: summary.decidedBy === 'agreement',
    relabel,
    // Evidence is shown wherever confident learning ran (agreement or the cap), for every model.
    evidence: (r) =>
      checked
        ? set.models.map((m, i) => ({
            model: `${m.meta.model.name}@${m.meta.model.version}`,
            flagged: flags(i).has(r),
            pGolden: Number(pGolden(i, r).toFixed(6)),
          }))
        : undefined,
    summary,
  };
}

/** Golden-label suspects among model `judged`'s errors on the labels of a single-label set. */
export function labelSuspects(
  set: EvalSet,
  judged: number,
  options: LabelEvidenceOptions = {},
): LabelSuspects {
  const k = set.labels.length;
  return suspectsFrom(set, null, judged, options, (m, r) => set.models[m]!.scores[r * k + set.truth[r]!]!);
}

/**
 * The same rule for one policy of a multi-policy set, each model's confident learning run
 * one-vs-rest on that policy (policyIssues); pGolden is the model's probability of the golden
 * flag (p when golden has the policy, 1 − p when not).
 */
export function policySuspects(
  set: EvalSet,
  j: number,
  judged: number,
  options: LabelEvidenceOptions = {},
): LabelSuspects {
  const k = set.labels.length;
  return suspectsFrom(set, j, judged, options, (m, r) => {
    const s = set.models[m]!.scores[r * k + j]!;
    return set.truthFlags[r * k + j] ? s : 1 - s;
  });
}

/** The rule behind the golden-label badges, as printed in clusters.json and the report. */
export function labelIssueRule(
  models: readonly string[],
  options: LabelEvidenceOptions,
  targets: readonly LabelEvidence[],
): NonNullable<ClustersReport['labelIssues']> {
  const o = LabelEvidenceOptionsSchema.parse(options);
  const errors = targets.reduce((s, t) => s + t.errors, 0);
  const flagged = targets.reduce((s, t) => s + t.flagged, 0);
  return {
    models: [...models],
    minModels: o.minOpinions,
    checked: targets.some((t) => t.decidedBy === 'agreement'),
    rule:
      models.length < o.minOpinions
        ? `golden labels not checked: confident learning on one model's own (in-sample) probabilities flags exactly the items that model is confidently wrong on, so at least ${o.minOpinions} models must agree (give more predictions files) before a golden label is called into question`
        : `${evidenceRuleText(o)}. ${targets.map((t) => t.rule).join('; ')}`,
    settings: o,
    errors,
    flagged,
    share: errors === 0 ? null : flagged / errors,
    targets: [...targets],
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
