import { BadInputError } from '../util/errors.js';
import type { ModelCard } from './card.js';

/**
 * A multi-policy model's output labels mapped to the dataset's policies (the card's `policies`):
 * a label maps to the policy of the same name unless `policies.map` names another (or null, to
 * drop it). Several labels on one policy are finer classes of it: the policy's score is the
 * `combine` of theirs (`max`, or noisy-or 1 − Π(1 − s)) and it is flagged when any of them is
 * (each class keeps its own threshold). Policies no label maps to are not scored by the model.
 */
export interface PolicyMapping {
  /** The model's output labels (card order). */
  readonly outputs: readonly string[];
  /** The policies scored, in the order their first class appears. */
  readonly policies: readonly string[];
  /** For each policy, the indices of its output labels. */
  readonly sources: readonly (readonly number[])[];
  /** Output label → policy (null: dropped). */
  readonly policyOf: ReadonlyMap<string, string | null>;
  readonly combine: 'max' | 'noisy-or';
}

/** The card's mapping, or undefined when its labels are the policies themselves. */
export function policyMapping(card: ModelCard): PolicyMapping | undefined {
  if (card.policies === undefined) return undefined;
  const policyOf = new Map<string, string | null>();
  const policies: string[] = [];
  const sources: number[][] = [];
  card.labels.forEach((label, j) => {
    const policy = Object.hasOwn(card.policies!.map, label) ? card.policies!.map[label]! : label;
    policyOf.set(label, policy);
    if (policy === null) return;
    let at = policies.indexOf(policy);
    if (at < 0) {
      at = policies.push(policy) - 1;
      sources.push([]);
    }
    sources[at]!.push(j);
  });
  return { outputs: card.labels, policies, sources, policyOf, combine: card.policies.combine };
}

/** The policies a card scores: its mapping's, else its labels. */
export function scoredPolicies(card: ModelCard): readonly string[] {
  return policyMapping(card)?.policies ?? card.labels;
}

/**
 * Check a multi-policy card against the dataset's policies: every policy it scores must be one.
 * The error names the unknown policy and the card field it comes from.
 */
export function checkCardPolicies(card: ModelCard, policies: readonly string[], cardFile: string): void {
  const known = new Set(policies);
  const mapping = policyMapping(card);
  card.labels.forEach((label, j) => {
    const policy = mapping ? mapping.policyOf.get(label)! : label;
    if (policy === null || known.has(policy)) return;
    const mapped = mapping !== undefined && Object.hasOwn(card.policies!.map, label);
    throw new BadInputError(
      `unknown policy ${JSON.stringify(policy)}${mapped ? ` (output label ${JSON.stringify(label)} maps to it)` : ''}; the dataset's policies: ${policies.map((p) => JSON.stringify(p)).join(', ')}${mapped ? '' : '; map the label to a policy in the card\'s "policies.map"'}`,
      { file: cardFile, field: mapped ? `policies.map.${label}` : `labels[${j}]` },
    );
  });
}

/** Row-major n × outputs scores → n × policies scores. */
export function mapScores(m: PolicyMapping, scores: Float32Array, n: number): Float32Array {
  const k = m.outputs.length;
  const p = m.policies.length;
  const out = new Float32Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < p; q++) {
      const src = m.sources[q]!;
      let combined: number;
      if (m.combine === 'max') {
        combined = Number.NEGATIVE_INFINITY;
        for (const j of src) combined = Math.max(combined, scores[i * k + j]!);
      } else {
        let none = 1;
        for (const j of src) none *= 1 - scores[i * k + j]!;
        combined = 1 - none;
      }
      out[i * p + q] = combined;
    }
  }
  return out;
}

/** One row's flagged output labels → its flagged policies (policy order). */
export function mapPredicted(m: PolicyMapping, labels: readonly string[]): string[] {
  const on = new Set<string>();
  for (const l of labels) {
    const policy = m.policyOf.get(l);
    if (policy) on.add(policy);
  }
  return m.policies.filter((p) => on.has(p));
}
