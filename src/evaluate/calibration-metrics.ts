import type { CalibrationReport, CalibrationVariant, Interval } from '../contracts/metric-results.js';
import type { Calibration, Headline } from '../contracts/metrics-report.js';
import {
  argmaxRow,
  BrierAccumulator,
  equalMassCalibration,
  UniformCalibrationBins,
} from '../metrics/calibration.js';
import {
  adaptiveBinCount,
  assignBins,
  eceWithFixedBins,
  withBinIntervals,
} from '../metrics/calibration-intervals.js';
import { widenDegenerate } from '../metrics/edge-intervals.js';
import { BinaryScoreStore } from '../metrics/score-store.js';
import { taskViewOf } from '../task/index.js';
import { type EvalSet, type ModelColumns, scoredLabels } from './eval-set.js';
import { bootstrapMany } from './intervals.js';
import type { ResolvedMetricOptions } from './options.js';
import { headlinePositive, labelStore } from './ranking-metrics.js';

/** Calibration of one model: reliability bins (positive-class and top-label) and Brier scores. */

interface Pairs {
  confidence: Float32Array;
  outcome: Uint8Array;
  variant: CalibrationVariant;
}

/** Stands in for pairs that nothing will read (equal-mass bins from a built store, no ECE interval). */
const noPairs = (variant: CalibrationVariant): Pairs => ({
  confidence: new Float32Array(0),
  outcome: new Uint8Array(0),
  variant,
});

/** The pairs as a score store: confidences split by outcome into arrays of the exact size. */
function splitByOutcome(confidence: Float32Array, outcome: Uint8Array): BinaryScoreStore {
  let p = 0;
  for (let i = 0; i < outcome.length; i++) p += outcome[i]!;
  const pos = new Float32Array(p);
  const neg = new Float32Array(outcome.length - p);
  let a = 0;
  let b = 0;
  for (let i = 0; i < outcome.length; i++) {
    if (outcome[i] === 1) pos[a++] = confidence[i]!;
    else neg[b++] = confidence[i]!;
  }
  return BinaryScoreStore.fromSides(pos, neg);
}

/** Reliability bins with per-bin intervals; equal-mass bins are capped at n / minBinItems. */
function calibrate(
  { confidence, outcome, variant }: Pairs,
  r: ResolvedMetricOptions,
  built?: BinaryScoreStore,
): CalibrationReport {
  let report: CalibrationReport;
  if (r.binning === 'uniform') {
    const bins = new UniformCalibrationBins(r.bins, variant);
    for (let i = 0; i < confidence.length; i++) bins.add(confidence[i]!, outcome[i]!);
    report = bins.report();
  } else {
    // Positive-class pairs are label j's one-vs-rest scores: the ranking metrics' shared store.
    const store = built ?? splitByOutcome(confidence, outcome);
    report = equalMassCalibration(store, adaptiveBinCount(store.size, r.bins, r.minBinItems), variant);
  }
  return withBinIntervals(report, r.bootstrap.level, r.intervals, r.minBinItems);
}

/**
 * The headline ECE with its interval: a percentile bootstrap over items, each item kept in its bin
 * of the full sample (so a replicate is O(n), no re-sorting), widened if it collapsed.
 */
function eceHeadline(pairs: Pairs, report: CalibrationReport, r: ResolvedMetricOptions): Headline['ece'] {
  if (report.ece === null) return { value: null, reason: 'no items', interval: null };
  if (!r.scoreIntervals) return { value: report.ece, interval: null };
  const n = pairs.confidence.length;
  const binOf = assignBins(pairs.confidence, report);
  const bins = report.reliability.length;
  const items = new Uint32Array(n);
  for (let t = 0; t < n; t++) items[t] = t;
  const iv: Interval = bootstrapMany(
    items,
    n,
    (counts) => eceWithFixedBins(binOf, bins, pairs.confidence, pairs.outcome, counts),
    { ece: (x: number | null) => x },
    r.bootstrap,
  ).ece;
  return { value: report.ece, interval: widenDegenerate(iv, n, [0, 1], r.intervals) };
}

/**
 * The positive-class ECE of confidence/outcome pairs with its interval, exactly as the headline
 * computes it (bins from the pairs themselves): for simulations of what the interval covers.
 */
export function pairsEce(
  confidence: Float32Array,
  outcome: Uint8Array,
  r: ResolvedMetricOptions,
): Headline['ece'] {
  const pairs: Pairs = { confidence, outcome, variant: 'positive-class' };
  return eceHeadline(pairs, calibrate(pairs, r), r);
}

function positivePairs(set: EvalSet, m: ModelColumns, j: number, rows: Uint32Array | null): Pairs {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  const has = taskViewOf(set).goldenHas(set, j);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    conf[t] = m.scores[i * k + j]!;
    out[t] = has(i) ? 1 : 0;
  }
  return { confidence: conf, outcome: out, variant: 'positive-class' };
}

function topLabelPairs(set: EvalSet, m: ModelColumns, rows: Uint32Array | null): Pairs {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const best = argmaxRow(m.scores, i * k, k);
    conf[t] = m.scores[i * k + best]!;
    out[t] = best === set.truth[i] ? 1 : 0;
  }
  return { confidence: conf, outcome: out, variant: 'top-label' };
}

export function positiveClassCalibration(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): CalibrationReport {
  // Equal-mass bins read the shared store; only uniform bins walk the pairs.
  const pairs = r.binning === 'uniform' ? positivePairs(set, m, j, rows) : noPairs('positive-class');
  return calibrate(pairs, r, labelStore(set, m, j, rows));
}

export function topLabelCalibration(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): CalibrationReport {
  return calibrate(topLabelPairs(set, m, rows), r);
}

/** Positive-class ECE (binary) or top-label ECE (multiclass) of some rows, with its interval. */
export function headlineEce(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): Headline['ece'] {
  const p = headlinePositive(set);
  if (p !== undefined) {
    // No interval to resample and bins from the shared store: the pairs are not needed.
    const unused = r.binning === 'equal-mass' && !r.scoreIntervals;
    const pairs = unused ? noPairs('positive-class') : positivePairs(set, m, p, rows);
    return eceHeadline(pairs, calibrate(pairs, r, labelStore(set, m, p, rows)), r);
  }
  const pairs = topLabelPairs(set, m, rows);
  return eceHeadline(pairs, calibrate(pairs, r), r);
}

export function calibration(set: EvalSet, m: ModelColumns, r: ResolvedMetricOptions): Calibration {
  const k = set.labels.length;
  const view = taskViewOf(set);
  // Label sets have no top label (each policy is scored on its own): per-policy calibration only.
  if (view.multiLabel) {
    // Labels the model does not score have no calibration (their scores are not the model's).
    const cols = scoredLabels(set.labels, m);
    return {
      positiveClass: cols.map((j) => ({
        label: set.labels[j]!,
        report: positiveClassCalibration(set, m, j, null, r),
      })),
      topLabel: null,
      brier: cols.map((j) => ({ label: set.labels[j]!, report: binaryBrier(set, m, j) })),
    };
  }
  const p = set.positiveIndex;
  const positiveClass =
    p >= 0 ? [{ label: set.labels[p]!, report: positiveClassCalibration(set, m, p, null, r) }] : [];
  // The positive class's own Brier score (binary), else the multiclass sum of squares.
  const own = headlinePositive(set);
  let brier: Calibration['brier'];
  if (own !== undefined) {
    brier = [{ label: set.labels[own]!, report: binaryBrier(set, m, own) }];
  } else {
    const acc = new BrierAccumulator('multiclass-sum-of-squares');
    for (let i = 0; i < set.n; i++) acc.addMulticlassRow(m.scores, i * k, k, set.truth[i]!);
    brier = [{ label: null, report: acc.report() }];
  }
  return { positiveClass, topLabel: topLabelCalibration(set, m, null, r), brier };
}

/** The Brier score of label j's one-vs-rest scores over all rows. */
function binaryBrier(set: EvalSet, m: ModelColumns, j: number) {
  const k = set.labels.length;
  const has = taskViewOf(set).goldenHas(set, j);
  const acc = new BrierAccumulator('binary');
  for (let i = 0; i < set.n; i++) acc.addBinary(m.scores[i * k + j]!, has(i));
  return acc.report();
}
