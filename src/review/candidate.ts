import type { EvalSet } from '../evaluate/eval-set.js';
import type { Reason } from './item.js';

/** A selected row, before text and store lookups. */
export interface Candidate {
  row: number;
  id: string;
  reasons: Reason[];
  margin: number;
  labelIssue: 'relabel' | 'model_error' | null;
  labelQuality: number;
  annotatorEntropy: number | null;
  cluster: string | null;
  clusterRank: number | null;
  /** Cost of the first model's prediction (0 when it agrees with golden). */
  cost: number;
}

export interface ClusterMembership {
  cluster: string;
  rank: number;
}

/**
 * The candidate for row r: `issue` is null where the first model agrees with golden, else whether
 * confident learning flags the golden label (relabel) or not (model error).
 */
export function candidateAt(
  set: EvalSet,
  r: number,
  facts: {
    reasons: ReadonlySet<Reason>;
    margin: number;
    issue: boolean | null;
    labelQuality: number;
    entropy: ReadonlyMap<number, number>;
    membership: ClusterMembership | undefined;
    cost: number;
  },
): Candidate {
  const { membership, issue } = facts;
  return {
    row: r,
    id: set.ids[r]!,
    reasons: [...facts.reasons],
    margin: facts.margin,
    labelIssue: issue === null ? null : issue ? 'relabel' : 'model_error',
    labelQuality: facts.labelQuality,
    annotatorEntropy: facts.entropy.get(r) ?? null,
    cluster: membership?.cluster ?? null,
    clusterRank: membership?.rank ?? null,
    cost: facts.cost,
  };
}
