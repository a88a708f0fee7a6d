import type { Interval, MaybeNumber } from '../contracts/metric-results.js';
import type { Headline, LabelRanking } from '../contracts/metrics-report.js';
import { compactPrCurve, compactRocCurve } from '../metrics/compact-curves.js';
import { widenDegenerate } from '../metrics/edge-intervals.js';
import {
  averagePrecision,
  operatingPoint,
  rankingReport,
  rocAuc,
  thresholdSweep,
} from '../metrics/ranking.js';
import { BinaryScoreStore } from '../metrics/score-store.js';
import { taskViewOf } from '../task/index.js';
import { type EvalSet, type ModelColumns, scoredLabels } from './eval-set.js';
import { bootstrapMany } from './intervals.js';
import { OPERATING_CONSTRAINTS, type ResolvedMetricOptions } from './options.js';

/** Ranking metrics of one model: one-vs-rest score stores, AUC/AP (with intervals), curves. */

/**
 * One-vs-rest scores of label j over the given rows (all rows when `rows` is null); `weights`
 * (a bootstrap replicate's multiplicity per row) adds each row that many times.
 */
export function labelStore(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  rows: Uint32Array | null,
  weights?: Float64Array,
  order?: Uint32Array,
): BinaryScoreStore {
  if (weights === undefined && order === undefined) return sharedLabelStore(set, m, j, rows);
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const has = taskViewOf(set).goldenHas(set, j);
  const store = new BinaryScoreStore({ initialCapacity: n });
  for (let u = 0; u < n; u++) {
    const t = order ? order[u]! : u;
    const i = rows ? rows[t]! : t;
    const positive = has(i);
    const score = m.scores[i * k + j]!;
    const w = weights ? weights[t]! : 1;
    for (let c = 0; c < w; c++) store.add(score, positive);
  }
  return store;
}

/**
 * The one-vs-rest store of label j over some rows, built once: the headline, the label's curves
 * and its positive-class calibration all read the same sorted scores (at 10 M rows each build and
 * sort is a pass over 40 MB). Keyed by the model's columns and the rows array, so a slice's store
 * goes when its rows do.
 */
const stores = new WeakMap<ModelColumns, Map<number, WeakMap<object, BinaryScoreStore>>>();
const ALL_ROWS = {};

function sharedLabelStore(set: EvalSet, m: ModelColumns, j: number, rows: Uint32Array | null) {
  let byLabel = stores.get(m);
  if (byLabel === undefined) {
    byLabel = new Map();
    stores.set(m, byLabel);
  }
  let byRows = byLabel.get(j);
  if (byRows === undefined) {
    byRows = new WeakMap();
    byLabel.set(j, byRows);
  }
  let store = byRows.get(rows ?? ALL_ROWS);
  if (store === undefined) {
    store = buildLabelStore(set, m, j, rows);
    byRows.set(rows ?? ALL_ROWS, store);
  }
  return store;
}

/** Scores split by class in two passes (count, then fill): no per-item growth. */
function buildLabelStore(set: EvalSet, m: ModelColumns, j: number, rows: Uint32Array | null) {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const positive = taskViewOf(set).goldenHas(set, j);
  let p = 0;
  for (let t = 0; t < n; t++) if (positive(rows ? rows[t]! : t)) p++;
  const pos = new Float32Array(p);
  const neg = new Float32Array(n - p);
  let a = 0;
  let b = 0;
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    if (positive(i)) pos[a++] = m.scores[i * k + j]!;
    else neg[b++] = m.scores[i * k + j]!;
  }
  return BinaryScoreStore.fromSides(pos, neg);
}

/** The class the task reports on its own (binary's positive class), undefined when none. */
export function headlinePositive(set: EvalSet): number | undefined {
  return taskViewOf(set).positiveClass(set.labels, set.positive);
}

/** Labels whose ranking is reported: the positive one for binary, every label `m` scores otherwise. */
export function rankedLabels(set: EvalSet, m: Pick<ModelColumns, 'scored'>): number[] {
  const p = headlinePositive(set);
  return p === undefined ? scoredLabels(set.labels, m) : [p];
}

/**
 * A label's AP as a term of the macro average: only where both classes are present. Without
 * negatives AP is 1 whatever the scores, so it would pull the average up without measuring
 * anything (scikit-learn's average='macro' counts it, and a label without positives as 0).
 */
function macroTermAp(store: BinaryScoreStore): MaybeNumber {
  if (store.negatives === 0)
    return { value: null, reason: 'average precision is not averaged without negative items' };
  return averagePrecision(store);
}

function macroOf(values: MaybeNumber[], what: string): MaybeNumber {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value!);
  if (defined.length === 0) {
    return {
      value: null,
      reason: `${what} is undefined for every label (${values[0]?.reason ?? 'no labels'})`,
    };
  }
  return { value: defined.reduce((a, b) => a + b, 0) / defined.length };
}

/**
 * AUC and AP of some rows, with the items each rests on (where a collapsed interval is widened:
 * the smaller class for ROC-AUC, the positives for AP; infinite when none is defined).
 */
interface RankingValues {
  auc: MaybeNumber;
  ap: MaybeNumber;
  aucItems: number;
  apItems: number;
}

/** Items of the smaller class where both are present, else none (infinite). */
const smallerClass = (s: BinaryScoreStore) =>
  s.positives > 0 && s.negatives > 0 ? Math.min(s.positives, s.negatives) : Number.POSITIVE_INFINITY;

/** Positive-class AUC and AP (binary), else their macro one-vs-rest averages. */
function rankingValues(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  weights?: Float64Array,
  orders?: Uint32Array[],
): RankingValues {
  const stores = rankedLabels(set, m).map((j, o) => labelStore(set, m, j, rows, weights, orders?.[o]));
  if (headlinePositive(set) !== undefined) {
    const s = stores[0]!;
    return {
      auc: rocAuc(s),
      ap: averagePrecision(s),
      aucItems: smallerClass(s),
      // The positive class's AP is defined (as 1) even without negatives.
      apItems: s.positives > 0 ? s.positives : Number.POSITIVE_INFINITY,
    };
  }
  // The macro averages are over the labels with both classes (macroTermAp), and rest on them.
  const averaged = Math.min(...stores.map(smallerClass));
  const positivesAveraged = Math.min(
    ...stores.map((s) => (s.negatives > 0 && s.positives > 0 ? s.positives : Number.POSITIVE_INFINITY)),
  );
  return {
    auc: macroOf(stores.map(rocAuc), 'ROC-AUC'),
    ap: macroOf(stores.map(macroTermAp), 'average precision'),
    aucItems: averaged,
    apItems: positivesAveraged,
  };
}

/**
 * AUC and AP with bootstrap intervals. Scores do not reduce to a few cells, so items are the cells
 * here (each replicate rebuilds the score stores: O(n log n) per replicate).
 */
export function headlineRanking(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): { rocAuc: Headline['rocAuc']; averagePrecision: Headline['averagePrecision'] } {
  const point = rankingValues(set, m, rows);
  const n = rows ? rows.length : set.n;
  let iv: Record<'auc' | 'ap', Interval> | undefined;
  if (r.scoreIntervals && n > 0 && (point.auc.value !== null || point.ap.value !== null)) {
    const items = new Uint32Array(n);
    for (let t = 0; t < n; t++) items[t] = t;
    // Feeding each replicate's stores in score order makes their sort (the main cost) cheaper.
    const k = set.labels.length;
    const orders = rankedLabels(set, m).map((j) => {
      const score = (t: number) => m.scores[(rows ? rows[t]! : t) * k + j]!;
      return items.slice().sort((a, b) => score(a) - score(b));
    });
    iv = bootstrapMany(
      items,
      n,
      (counts) => rankingValues(set, m, rows, counts, orders),
      { auc: (t) => t.auc.value, ap: (t) => t.ap.value },
      r.bootstrap,
    );
  }
  // A collapsed interval (perfect separation) is widened on the items the statistic rests on.
  const withInterval = (v: MaybeNumber, interval: Interval | undefined, items: number) => ({
    ...v,
    interval:
      v.value === null || interval === undefined
        ? null
        : Number.isFinite(items)
          ? widenDegenerate(interval, items, [0, 1], r.intervals)
          : interval,
  });
  return {
    rocAuc: withInterval(point.auc, iv?.auc, point.aucItems),
    averagePrecision: withInterval(point.ap, iv?.ap, point.apItems),
  };
}

export function labelRanking(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  r: ResolvedMetricOptions,
): LabelRanking {
  const store = labelStore(set, m, j, null);
  // Reduced as they are built: the full curves of 10 M scores would not fit in memory as arrays.
  const roc = compactRocCurve(store, r.curvePoints);
  const pr = compactPrCurve(store, r.curvePoints);
  return {
    label: set.labels[j]!,
    ranking: rankingReport(store),
    roc,
    pr,
    operatingPoints: OPERATING_CONSTRAINTS.map((c) => operatingPoint(store, c)),
    sweep: thresholdSweep(store, r.sweep),
  };
}
