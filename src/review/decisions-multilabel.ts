import { policySuspects } from '../analysis/label-suspects.js';
import type { LabelEvidence } from '../contracts/label-evidence.js';
import { type EvalSet, type ModelColumns, scoresLabel } from '../evaluate/eval-set.js';
import { DEFAULT_THRESHOLD } from '../task/index.js';
import { ownValue } from '../util/keyed.js';
import { NO_POLICY } from './item.js';
import type { RowDecisions } from './row-decisions.js';

/**
 * Rows of a multi-policy (multilabel) set. Golden labels and predictions arrive closed upward
 * through the taxonomy (join.ts), so a missed child is also a missed parent where the model did
 * not flag the parent itself. Every decision reads per policy, on the policies a model scores:
 * - wrong / disagree: the sides differ on at least one policy;
 * - margin: how close some policy's score lies to that model's threshold for it;
 * - label issues: one-vs-rest confident learning (cleanlab's treatment of multi-label data)
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

/** Whether two flag rows differ on a policy every given model scores (golden scores every policy). */
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

/** A model's threshold for each label; a parent the model does not score uses the default. */
function thresholds(set: EvalSet, m: number): number[] {
  const own = set.models[m]!.meta.model.thresholds;
  return set.labels.map((l) => ownValue(own, l) ?? DEFAULT_THRESHOLD);
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

export function multiLabelDecisions(set: EvalSet): RowDecisions {
  const { labels, truthFlags, models } = set;
  const k = labels.length;
  const t = models.map((_, m) => thresholds(set, m));
  let issues: { rows: Set<number>; evidence: LabelEvidence[] } | undefined;
  // The evidence rule per policy the first model scores; a questioned policy flags the row.
  const suspects = () => {
    if (issues) return issues;
    issues = { rows: new Set<number>(), evidence: [] };
    for (let j = 0; j < k; j++) {
      if (!scoresLabel(models[0]!, j)) continue;
      const s = policySuspects(set, j, 0);
      for (const r of s.relabel) issues.rows.add(r);
      issues.evidence.push(s.summary);
    }
    return issues;
  };
  return {
    golden: (r) => flaggedLabels(labels, truthFlags, r),
    predicted: (m, r) => flaggedLabels(labels, models[m]!.predictedFlags, r),
    confidence: (_m, _r, scores) => Math.min(...scores.map((s) => Math.max(s, 1 - s))),
    policyErrors: (m, r) => policyErrors(set, m, r),
    wrong: (m, r) => differs(models[m]!.predictedFlags, truthFlags, r, k, models[m]!),
    disagree: (a, b, r) =>
      differs(models[a]!.predictedFlags, models[b]!.predictedFlags, r, k, models[a]!, models[b]!),
    margin(r) {
      let margin = 1;
      models.forEach((m, mi) => {
        for (let j = 0; j < k; j++) {
          if (scoresLabel(m, j)) margin = Math.min(margin, Math.abs(m.scores[r * k + j]! - t[mi]![j]!));
        }
      });
      return margin;
    },
    labelIssues: () => suspects().rows,
    labelEvidence: () => suspects().evidence,
    labelQuality(r) {
      // The first model's probability of the golden flag on its least sure policy.
      const m0 = models[0]!;
      let quality = 1;
      for (let j = 0; j < k; j++) {
        if (!scoresLabel(m0, j)) continue;
        const s = m0.scores[r * k + j]!;
        quality = Math.min(quality, truthFlags[r * k + j] ? s : 1 - s);
      }
      return quality;
    },
    cost: (r, costs) => costOf(costs, policyErrors(set, 0, r)),
    labelStratum: (r) => flaggedLabels(labels, truthFlags, r).join(', ') || NO_POLICY,
  };
}
