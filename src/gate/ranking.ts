import type { Interval } from '../contracts/metric-results.js';
import type { ModelSide, PairedSet } from '../evaluate/paired-set.js';
import { allRows, type Rows } from '../evaluate/rows.js';
import { type BootstrapOptions, bootstrapCells, pairedBootstrapCells } from '../metrics/bootstrap.js';
import { averagePrecision, rocAuc } from '../metrics/ranking.js';
import { BinaryScoreStore } from '../metrics/score-store.js';

/**
 * Score-based metrics of a binary task (ROC-AUC, average precision) with bootstrap intervals.
 * Unlike confusion metrics they depend on every item's score, so the bootstrap cell of an item is
 * the item itself: a replicate's cell counts are the items' multiplicities, and the statistic
 * rebuilds a score store with each item repeated that many times. For the paired interval both
 * models' values are computed from the same multiplicities inside one statistic (the second
 * model's cell is a constant), which is exactly resampling the same items for both.
 * Cost per replicate: O(n log n) for the sort; fine for golden sets of thousands of items.
 */

export type RankingMetric = 'roc_auc' | 'average_precision';

const FUNCTIONS = { roc_auc: rocAuc, average_precision: averagePrecision } as const;

/** The positive-class scores and labels of some rows. */
function columns(set: PairedSet, rows: Rows, model: ModelSide, positiveIdx: number) {
  const k = set.labels.length;
  const scores = new Float32Array(rows.length);
  const positive = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    scores[i] = model.scores[r * k + positiveIdx]!;
    positive[i] = set.truth[r] === positiveIdx ? 1 : 0;
  });
  return { scores, positive };
}

function valueWith(
  metric: RankingMetric,
  scores: Float32Array,
  positive: Uint8Array,
  multiplicity?: Float64Array,
): number | null {
  const store = new BinaryScoreStore({ initialCapacity: scores.length });
  for (let i = 0; i < scores.length; i++) {
    const times = multiplicity ? multiplicity[i]! : 1;
    for (let c = 0; c < times; c++) store.add(scores[i]!, positive[i]!);
  }
  return FUNCTIONS[metric](store).value;
}

/** The metric of one model on some rows. */
export function rankingValue(
  set: PairedSet,
  rows: Rows,
  model: ModelSide,
  positiveIdx: number,
  metric: RankingMetric,
): number | null {
  const c = columns(set, rows, model, positiveIdx);
  return valueWith(metric, c.scores, c.positive);
}

/** Bootstrap interval of the candidate's metric on some rows. */
export function rankingInterval(
  set: PairedSet,
  rows: Rows,
  positiveIdx: number,
  metric: RankingMetric,
  options: BootstrapOptions,
): Interval {
  const c = columns(set, rows, set.candidate, positiveIdx);
  return bootstrapCells(
    allRows(rows.length),
    rows.length,
    (counts) => valueWith(metric, c.scores, c.positive, counts),
    options,
  );
}

/** Paired bootstrap interval of metric(candidate) − metric(baseline) on some rows. */
export function rankingPairedDelta(
  set: PairedSet,
  rows: Rows,
  positiveIdx: number,
  metric: RankingMetric,
  options: BootstrapOptions,
): Interval {
  const cand = columns(set, rows, set.candidate, positiveIdx);
  const base = columns(set, rows, set.baseline, positiveIdx);
  const delta = (counts: Float64Array): number | null => {
    const a = valueWith(metric, cand.scores, cand.positive, counts);
    const b = valueWith(metric, base.scores, base.positive, counts);
    return a === null || b === null ? null : a - b;
  };
  return pairedBootstrapCells(
    allRows(rows.length),
    rows.length,
    delta,
    new Uint32Array(rows.length),
    1,
    () => 0,
    options,
  );
}
