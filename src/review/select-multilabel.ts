import { policyIssues } from '../analysis/label-suspects.js';
import { type EvalSet, type ModelColumns, scoresLabel } from '../evaluate/eval-set.js';
import { ownValue } from '../util/keyed.js';
import { type Candidate, type ClusterMembership, candidateAt } from './candidate.js';
import type { Reason } from './item.js';
import type { ParsedSelectOptions } from './select-options.js';

/**
 * Review selection on a multi-policy (multilabel) set. Golden labels and predictions arrive closed
 * upward through the taxonomy (join.ts), so a missed child is also a missed parent where the
 * model did not flag the parent itself. Every rule reads per policy:
 * - `model-vs-golden`: the model and golden disagree on at least one policy;
 * - `model-vs-model`: two models disagree on at least one policy;
 * - `low-margin`: some policy's score lies within `below` of that policy's threshold;
 * - `label-issue`: one-vs-rest confident learning (cleanlab's treatment of multi-label data)
 *   flags the golden flag of at least one policy under the first model.
 */

/** Per-policy errors of one model on one row: golden X and model not X; model X and golden not X. */
export interface PolicyErrors {
  missed: string[];
  overEnforced: string[];
}

export function policyErrors(set: EvalSet, m: number, r: number): PolicyErrors {
  const k = set.labels.length;
  const model = set.models[m]!;
  const flags = model.predictedFlags;
  const missed: string[] = [];
  const overEnforced: string[] = [];
  for (let j = 0; j < k; j++) {
    // A policy the model does not score is neither missed nor over-enforced: its flag is unknown.
    if (!scoresLabel(model, j)) continue;
    const g = set.truthFlags[r * k + j]!;
    const p = flags[r * k + j]!;
    if (g && !p) missed.push(set.labels[j]!);
    else if (p && !g) overEnforced.push(set.labels[j]!);
  }
  return { missed, overEnforced };
}

/** The labels flagged on row r of a row-major n × K flag matrix, in label order. */
export function flaggedLabels(labels: readonly string[], flags: Uint8Array, r: number): string[] {
  const k = labels.length;
  return labels.filter((_, j) => flags[r * k + j] === 1);
}

/** Whether two flag rows differ on a policy both sides score (golden scores every policy). */
function differs(
  a: Uint8Array,
  b: Uint8Array,
  r: number,
  k: number,
  ...models: Pick<ModelColumns, 'scored'>[]
): boolean {
  for (let j = 0; j < k; j++) {
    if (!models.every((m) => scoresLabel(m, j))) continue;
    if (a[r * k + j] !== b[r * k + j]) return true;
  }
  return false;
}

/** A model's threshold for each label; a parent the model does not score uses 0.5. */
function thresholds(set: EvalSet, m: number): number[] {
  const own = set.models[m]!.meta.model.thresholds;
  return set.labels.map((l) => (Object.hasOwn(own, l) ? own[l]! : 0.5));
}

/**
 * Costs of an error on a policy, in the single-label syntax `golden>predicted`: `X>none` is a
 * missed X, `none>X` an over-enforced X (`*>X` also matches the latter); unlisted errors cost 1.
 * A row costs the sum over its policies' errors.
 */
function costOf(costs: Readonly<Record<string, number>>, e: PolicyErrors): number {
  let total = 0;
  for (const x of e.missed) total += ownValue(costs, `${x}>none`) ?? 1;
  for (const x of e.overEnforced) total += ownValue(costs, `none>${x}`) ?? ownValue(costs, `*>${x}`) ?? 1;
  return total;
}

/** Applies the rules to a multilabel set; candidates come in row order. */
export function selectMultilabelCandidates(
  set: EvalSet,
  opts: ParsedSelectOptions,
  clusters: ReadonlyMap<string, ClusterMembership>,
  entropy: ReadonlyMap<number, number>,
): Candidate[] {
  const k = set.labels.length;
  const t = set.models.map((_, m) => thresholds(set, m));
  // One-vs-rest confident learning per policy, first model; any flagged policy flags the row.
  const flagged = new Set<number>();
  for (let j = 0; j < k; j++) {
    if (scoresLabel(set.models[0]!, j)) for (const r of policyIssues(set, 0, j)) flagged.add(r);
  }
  const m0 = set.models[0]!;
  const out: Candidate[] = [];
  for (let r = 0; r < set.n; r++) {
    let margin = 1;
    set.models.forEach((m, mi) => {
      for (let j = 0; j < k; j++) {
        if (scoresLabel(m, j)) margin = Math.min(margin, Math.abs(m.scores[r * k + j]! - t[mi]![j]!));
      }
    });
    const membership = clusters.get(set.ids[r]!);
    const reasons = new Set<Reason>();
    for (const rule of opts.rules) {
      if (rule.kind === 'model_vs_golden') {
        const m = set.models[rule.model]!;
        if (differs(m.predictedFlags, set.truthFlags, r, k, m)) reasons.add('model_vs_golden');
      } else if (rule.kind === 'model_vs_model') {
        const [a, b] = [set.models[rule.a]!, set.models[rule.b]!];
        if (differs(a.predictedFlags, b.predictedFlags, r, k, a, b)) reasons.add('model_vs_model');
      } else if (rule.kind === 'low_margin') {
        if (margin < rule.below) reasons.add('low_margin');
      } else if (rule.kind === 'label_issue') {
        if (flagged.has(r)) reasons.add('label_issue');
      } else if (rule.kind === 'annotator_disagreement') {
        if (entropy.has(r)) reasons.add('annotator_disagreement');
      } else if (rule.kind === 'cluster' && membership?.cluster === rule.cluster) reasons.add('cluster');
    }
    if (reasons.size === 0) continue;
    const errors = policyErrors(set, 0, r);
    const wrong = errors.missed.length + errors.overEnforced.length > 0;
    // Label quality: the first model's probability of the golden flag on its least sure policy.
    let quality = 1;
    for (let j = 0; j < k; j++) {
      if (!scoresLabel(m0, j)) continue;
      const s = m0.scores[r * k + j]!;
      quality = Math.min(quality, set.truthFlags[r * k + j] ? s : 1 - s);
    }
    out.push(
      candidateAt(set, r, {
        reasons,
        margin,
        issue: wrong ? flagged.has(r) : null,
        labelQuality: quality,
        entropy,
        membership,
        cost: costOf(opts.costs, errors),
      }),
    );
  }
  return out;
}
