import type { Taxonomy } from '../dataset/taxonomy.js';

/**
 * A multilabel set as one binary view per policy. For policy p every item is either p (golden
 * flag set) or `not p`; each model's decision is its flag for p and its score the probability of
 * p. Everything a binary task gets (paired deltas, McNemar, flips, slices, rules on
 * `recall[offensive/sexism]`) then applies per policy unchanged.
 *
 * With a taxonomy, predictions are closed upward first, exactly as the golden labels are: a model
 * flagging a child flags its parents, and a parent's score is at least what the taxonomy's
 * parentScore rule makes of its children's (a model's own parent score is kept when higher).
 *
 * The inputs are structural (an EvalSet and its ModelColumns fit), so this folder needs nothing
 * from the stages above it.
 */

/** The negative class name of policy p's binary view. */
export function notPolicy(policy: string): string {
  return `not ${policy}`;
}

/** One model's multilabel columns, as an EvalSet's ModelColumns holds them. */
export interface PolicyModelColumns {
  /** Row-major rows × K flags (1 = label predicted). */
  readonly predictedFlags: Uint8Array;
  /** Row-major rows × K probabilities. */
  readonly scores: Float32Array;
  /** 1 for each label the model scores; absent = every label. */
  readonly scored?: Uint8Array;
}

/** A multilabel set's columns, as an EvalSet holds them. */
export interface PolicyColumns<M extends PolicyModelColumns> {
  readonly n: number;
  readonly labels: readonly string[];
  /** Row-major n × K golden flags. */
  readonly truthFlags: Uint8Array;
  readonly models: readonly M[];
}

/** One model's side of a policy's binary view. */
export interface PolicySide<M extends PolicyModelColumns> {
  readonly model: M;
  /** 1 = the model flags the policy, per row. */
  readonly predicted: Int32Array;
  /** Row-major n × 2: [P(not p), P(p)]. */
  readonly scores: Float32Array;
}

/** Policy p as a binary task: labels [`not p`, p], positive index 1. */
export interface PolicyBinaryView<M extends PolicyModelColumns> {
  readonly policy: string;
  /** The policy's index in the set's labels. */
  readonly index: number;
  readonly labels: readonly [string, string];
  readonly positiveIndex: 1;
  /** 1 = the item is golden p, per row. */
  readonly truth: Int32Array;
  /** One per model of the set, in the set's order. */
  readonly sides: readonly PolicySide<M>[];
}

/** Whether model `m` scores label j (a model that scores a subset leaves the others unknown). */
function scores(m: PolicyModelColumns, j: number): boolean {
  return m.scored === undefined || m.scored[j] === 1;
}

/** Predicted flags and scores of one model, closed upward through the taxonomy (copies). */
export function closedPredictions(
  model: Pick<PolicyModelColumns, 'predictedFlags' | 'scores'>,
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

/** Golden flags closed upward through the taxonomy (a copy; the builder may already have closed them). */
export function closedTruth(
  truthFlags: Uint8Array,
  labels: readonly string[],
  n: number,
  taxonomy: Taxonomy | undefined,
): Uint8Array {
  const k = labels.length;
  const flags = truthFlags.slice(0, n * k);
  if (taxonomy !== undefined) {
    for (let i = 0; i < n; i++) taxonomy.closeFlags(flags.subarray(i * k, (i + 1) * k), labels);
  }
  return flags;
}

function sideOf<M extends PolicyModelColumns>(
  model: M,
  j: number,
  k: number,
  n: number,
  closed: { flags: Uint8Array; scores: Float32Array },
): PolicySide<M> {
  const predicted = new Int32Array(n);
  const scores = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    predicted[i] = closed.flags[i * k + j] ? 1 : 0;
    const s = closed.scores[i * k + j]!;
    scores[2 * i] = 1 - s;
    scores[2 * i + 1] = s;
  }
  return { model, predicted, scores };
}

/**
 * One binary view per policy of a multilabel set, for the policies every model of the set scores
 * (a policy one model does not score has no comparison: never a comparison with zeros).
 */
export function policyBinaryViews<M extends PolicyModelColumns>(
  set: PolicyColumns<M>,
  taxonomy: Taxonomy | undefined,
): PolicyBinaryView<M>[] {
  const { n, labels } = set;
  const k = labels.length;
  const truthFlags = closedTruth(set.truthFlags, labels, n, taxonomy);
  const closed = set.models.map((m) => closedPredictions(m, labels, n, taxonomy));
  return labels.flatMap((policy, j) => {
    if (!set.models.every((m) => scores(m, j))) return [];
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) truth[i] = truthFlags[i * k + j] ? 1 : 0;
    const view: PolicyBinaryView<M> = {
      policy,
      index: j,
      labels: [notPolicy(policy), policy],
      positiveIndex: 1,
      truth,
      sides: set.models.map((m, s) => sideOf(m, j, k, n, closed[s]!)),
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

/** The policy a class-less rule applies to: the taxonomy's roll-up, else the only policy viewed. */
export function rollupOf(
  views: readonly { readonly policy: string }[],
  taxonomy: Taxonomy | undefined,
): string | undefined {
  if (taxonomy?.rollup !== undefined) return taxonomy.rollup;
  return views.length === 1 ? views[0]!.policy : undefined;
}
