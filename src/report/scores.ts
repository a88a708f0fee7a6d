import type { EvalSet } from '../evaluate/eval-set.js';
import { cleanText, uniqueDisplay } from '../render/clean.js';
import { taskViewOf } from '../task/index.js';

/**
 * Score distributions from the predictions joined to the golden labels: how well the scores
 * separate the classes, which the metrics (taken at one threshold) do not show. Binned here, so
 * the report carries `bins × groups` numbers, never per-item scores.
 */
export interface ScoreHistogram {
  title: string;
  xTitle: string;
  groups: string[];
  bins: { lo: number; hi: number; group: string; count: number }[];
}

/** Histogram of one model's scores: P(positive) by golden label, or top-label confidence by correctness. */
export function scoreHistogram(
  set: EvalSet,
  model: number,
  bins = 20,
  nameChars = 80,
): ScoreHistogram | null {
  const m = set.models[model];
  if (!m || taskViewOf(set).multiLabel || set.n === 0) return null;
  const k = set.labels.length;
  const binOf = (s: number) => Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
  if (set.positiveIndex >= 0) {
    // Unique display names: two labels equal after the cut would merge into one chart group.
    const groups = uniqueDisplay(set.labels, nameChars).map((l) => `golden ${l}`);
    const counts = groups.map(() => new Array<number>(bins).fill(0));
    for (let i = 0; i < set.n; i++) counts[set.truth[i]!]![binOf(m.scores[i * k + set.positiveIndex]!)]!++;
    return {
      title: `Scores by golden label: P(${cleanText(set.labels[set.positiveIndex]!, nameChars)})`,
      xTitle: `P(${cleanText(set.labels[set.positiveIndex]!, nameChars)})`,
      groups,
      bins: histogramRows(groups, counts, bins),
    };
  }
  const groups = ['right', 'wrong'];
  const counts = groups.map(() => new Array<number>(bins).fill(0));
  for (let i = 0; i < set.n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (m.scores[i * k + j]! > m.scores[i * k + best]!) best = j;
    counts[m.predicted[i] === set.truth[i] ? 0 : 1]![binOf(m.scores[i * k + best]!)]!++;
  }
  return {
    title: 'Top-label confidence, right and wrong',
    xTitle: 'top-label confidence',
    groups,
    bins: histogramRows(groups, counts, bins),
  };
}

function histogramRows(groups: string[], counts: number[][], bins: number): ScoreHistogram['bins'] {
  return groups.flatMap((group, g) =>
    counts[g]!.map((count, b) => ({ lo: b / bins, hi: (b + 1) / bins, group, count })),
  );
}
