import type { Taxonomy } from '../dataset/taxonomy.js';
import { type EvalSet, type ModelColumns, scoresLabel } from '../evaluate/eval-set.js';
import type { ModelSide, PairedSet } from '../evaluate/paired-set.js';

/**
 * A multilabel comparison as one binary comparison per policy. For policy p every item is either
 * p (golden flag set) or `not p`; each model's decision is its flag for p and its score the
 * probability of p. Everything compare and gate do for a binary task (paired bootstrap deltas,
 * McNemar, flips with ids, slices) then applies per policy unchanged, and a rule on
 * `recall[offensive/sexism]` is a rule on that policy's view.
 *
 * With a taxonomy, predictions are closed upward first, exactly as the golden labels are: a model
 * flagging a child flags its parents, and a parent's score is at least what the taxonomy's
 * parentScore rule makes of its children's (a model's own parent score is kept when higher).
 */

/** The negative class name of policy p's binary view. */
export function notPolicy(policy: string): string {
  return `not ${policy}`;
}

export interface PolicyView {
  readonly policy: string;
  readonly set: PairedSet;
}

/** Predicted flags and scores of one model, closed upward through the taxonomy (copies). */
export function closedPredictions(
  model: Pick<ModelColumns, 'predictedFlags' | 'scores'>,
  labels: readonly string[],
  n: number,
  taxonomy: Taxonomy | undefined,
): { flags: Uint8Array; scores: Float32Array } {
  const k = labels.length;
  const flags = model.predictedFlags.slice(0, n * k);
  const scores = model.scores.slice(0, n * k);
  taxonomy?.closePredictions(flags, scores, labels, n);
  return { flags, scores };
}

function sideOf(
  m: ModelColumns,
  j: number,
  k: number,
  n: number,
  closed: { flags: Uint8Array; scores: Float32Array },
): ModelSide {
  const predicted = new Int32Array(n);
  const scores = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    predicted[i] = closed.flags[i * k + j] ? 1 : 0;
    const s = closed.scores[i * k + j]!;
    scores[2 * i] = 1 - s;
    scores[2 * i + 1] = s;
  }
  return {
    file: m.file,
    name: m.meta.model.name,
    version: m.meta.model.version,
    sha256: m.meta.model.sha256,
    predicted,
    scores,
  };
}

/**
 * One binary paired view per label of a multilabel evaluation set with two models (baseline
 * first), for the labels both models score.
 */
export function policyViews(set: EvalSet, taxonomy: Taxonomy | undefined): PolicyView[] {
  if (set.task !== 'multilabel') throw new Error('policy views are for multilabel sets');
  if (set.models.length !== 2) throw new Error(`expected 2 models in the set, got ${set.models.length}`);
  const { n, labels } = set;
  const k = labels.length;
  const truthFlags = set.truthFlags.slice(0, n * k);
  // Golden labels are closed the same way (the builder may already have stored them closed).
  if (taxonomy !== undefined) {
    for (let i = 0; i < n; i++) taxonomy.closeFlags(truthFlags.subarray(i * k, (i + 1) * k), labels);
  }
  const [b, c] = set.models as [ModelColumns, ModelColumns];
  const closedB = closedPredictions(b, labels, n, taxonomy);
  const closedC = closedPredictions(c, labels, n, taxonomy);
  // Policies one of the models does not score have no comparison (never a comparison with zeros).
  const both = (j: number) => scoresLabel(b, j) && scoresLabel(c, j);
  return labels.flatMap((policy, j) => {
    if (!both(j)) return [];
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) truth[i] = truthFlags[i * k + j] ? 1 : 0;
    const view: PolicyView = {
      policy,
      set: {
        dataset: { file: set.dataset.file, fingerprint: set.dataset.fingerprint },
        labels: [notPolicy(policy), policy],
        positiveIndex: 1,
        ids: set.ids,
        truth,
        slices: set.slices,
        baseline: sideOf(b, j, k, n, closedB),
        candidate: sideOf(c, j, k, n, closedC),
        warnings: set.warnings,
      },
    };
    return [view];
  });
}

/**
 * The policies a rule's class names: a policy, `parent/*` (its children), `parent/**` (every
 * descendant). Without a taxonomy, `prefix/*` matches labels one level under the prefix. Returns
 * undefined for a name that matches nothing, so the caller can name it in its error.
 */
export function expandPolicyPattern(
  pattern: string,
  labels: readonly string[],
  taxonomy: Taxonomy | undefined,
): string[] | undefined {
  if (taxonomy !== undefined) {
    const found = taxonomy.expand(pattern);
    return found?.filter((p) => labels.includes(p));
  }
  if (pattern.endsWith('/**') || pattern.endsWith('/*')) {
    const deep = pattern.endsWith('/**');
    const prefix = pattern.slice(0, deep ? -2 : -1);
    const found = labels.filter(
      (l) =>
        l.startsWith(prefix) && l.length > prefix.length && (deep || !l.slice(prefix.length).includes('/')),
    );
    return found.length > 0 ? found : undefined;
  }
  return labels.includes(pattern) ? [pattern] : undefined;
}

/** The policy a class-less rule applies to: the taxonomy's roll-up, else the only label. */
export function rollupOf(views: readonly PolicyView[], taxonomy: Taxonomy | undefined): string | undefined {
  if (taxonomy?.rollup !== undefined) return taxonomy.rollup;
  return views.length === 1 ? views[0]!.policy : undefined;
}
