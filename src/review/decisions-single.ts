import { type LabelSuspects, labelSuspects } from '../analysis/label-suspects.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { ownValue } from '../util/keyed.js';
import type { RowDecisions } from './row-decisions.js';

/** Rows of a single-label set (binary, multiclass): one label index per row and model. */

function topTwoMargin(p: ArrayLike<number>): number {
  let a = Number.NEGATIVE_INFINITY;
  let b = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < p.length; j++) {
    const v = p[j]!;
    if (v > a) {
      b = a;
      a = v;
    } else if (v > b) b = v;
  }
  return p.length < 2 ? 1 : a - b;
}

export function singleLabelDecisions(set: EvalSet): RowDecisions {
  const { labels, truth } = set;
  const k = labels.length;
  const rowScores = (m: number, r: number) => set.models[m]!.scores.subarray(r * k, (r + 1) * k);
  let suspects: LabelSuspects | undefined;
  return {
    golden: (r) => labels[truth[r]!]!,
    predicted: (m, r) => labels[set.models[m]!.predicted[r]!]!,
    confidence: (m, r, scores) => scores[set.models[m]!.predicted[r]!]!,
    policyErrors: () => undefined,
    wrong: (m, r) => set.models[m]!.predicted[r] !== truth[r],
    disagree: (a, b, r) => set.models[a]!.predicted[r] !== set.models[b]!.predicted[r],
    margin(r) {
      let margin = 1;
      for (let m = 0; m < set.models.length; m++) margin = Math.min(margin, topTwoMargin(rowScores(m, r)));
      return margin;
    },
    labelIssues() {
      suspects ??= labelSuspects(set, 0);
      return suspects.relabel;
    },
    labelEvidence() {
      suspects ??= labelSuspects(set, 0);
      return [suspects.summary];
    },
    labelQuality: (r) => rowScores(0, r)[truth[r]!]!,
    cost(r, costs) {
      const g = truth[r]!;
      const p = set.models[0]!.predicted[r]!;
      if (g === p) return 0;
      return ownValue(costs, `${labels[g]}>${labels[p]}`) ?? ownValue(costs, `*>${labels[p]}`) ?? 1;
    },
    labelStratum: (r) => labels[truth[r]!]!,
  };
}
