import type { LabelersView } from '../contracts/labelers-report.js';
import { adjustPValues } from '../metrics/multiplicity.js';
import { binomialLowerP, fisherLowerP } from '../metrics/proportion-tests.js';
import type { AnnotatorStats } from './annotators.js';

/**
 * Which annotators are below the bar, beyond noise. With a target t: the exact binomial test of
 * H0 accuracy >= t (one-sided). Without: Fisher's exact test of the annotator's accuracy against
 * the pooled accuracy of everyone else in the view (one-sided, lower). An annotator with fewer
 * than `minItems` golden-labelled judgements is "not enough data": not tested, not ranked, not
 * counted in the correction. The p-values of the tested are adjusted by Benjamini–Hochberg; an
 * adjusted p at most `fdr` is "below".
 */
export interface FlagSettings {
  readonly minItems: number;
  readonly target: number | undefined;
  readonly fdr: number;
}

export type Flag = LabelersView['annotators'][number]['flag'];

export function flagTest(s: FlagSettings): string {
  const test =
    s.target !== undefined
      ? `exact binomial test, one-sided, H0: accuracy >= ${s.target}`
      : "Fisher's exact test, one-sided, H0: accuracy >= the pooled accuracy of the other annotators";
  return `${test}; Benjamini–Hochberg across tested annotators, flagged when adjusted p <= ${s.fdr}; fewer than ${s.minItems} golden-labelled judgements: not enough data`;
}

export function flagAnnotators(stats: readonly AnnotatorStats[], s: FlagSettings): Flag[] {
  let teamX = 0;
  let teamN = 0;
  for (const a of stats) {
    teamX += a.accuracy.x;
    teamN += a.accuracy.n;
  }
  const pValues = stats.map((a) => {
    const { x, n } = a.accuracy;
    if (n < s.minItems) return null;
    if (s.target !== undefined) return binomialLowerP(x, n, s.target);
    // Nobody else to compare with: not tested.
    if (teamN - n === 0) return null;
    return fisherLowerP(x, n, teamX - x, teamN - n);
  });
  const adjusted = adjustPValues(pValues, 'benjamini-hochberg');
  const tested = stats
    .map((a, i) => ({ i, acc: a.accuracy.value }))
    .filter(({ i }) => pValues[i] !== null)
    .sort((x, y) => x.acc! - y.acc! || x.i - y.i);
  const rank = new Map(tested.map(({ i }, r) => [i, r + 1]));
  return stats.map((_, i) => {
    const p = pValues[i] ?? null;
    if (p === null) return { status: 'not enough data', pValue: null, adjusted: null, rank: null };
    return {
      status: adjusted[i]! <= s.fdr ? 'below' : 'ok',
      pValue: p,
      adjusted: adjusted[i]!,
      rank: rank.get(i)!,
    };
  });
}
