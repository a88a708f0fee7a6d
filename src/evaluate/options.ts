import { z } from 'zod';
import {
  type AbsentClassPolicy,
  AbsentClassPolicySchema,
  type BinningRule,
  BinningRuleSchema,
  type OperatingConstraint,
  type ZeroDivision,
  ZeroDivisionSchema,
} from '../contracts/metric-results.js';
import type { Definitions } from '../contracts/metrics-report.js';
import { type ProportionMethod, ProportionMethodSchema } from '../contracts/proportion-method.js';
import { thresholdGrid } from '../metrics/ranking.js';
import { describe, overallMetric } from '../metrics/registry/index.js';
import { BadInputError } from '../util/errors.js';
import { EvalSetOptionsSchema } from './eval-set.js';
import type { BootstrapSettings } from './intervals.js';

/** A whole number >= min, refused with the option's name and value (NaN and strings too). */
function wholeAtLeast(min: number, name: string) {
  const error = (issue: { input?: unknown }) =>
    `${name} must be an integer >= ${min}, got ${String(issue.input)}`;
  return z.number({ error }).refine((x) => Number.isInteger(x) && x >= min, { error });
}

/**
 * How metrics are computed; every choice is recorded in `metrics.json` under `definitions`.
 * Fields are checked in this order, so the first bad one is the one reported.
 */
export const MetricOptionsSchema = z.object({
  /** Interval coverage. */
  level: z
    .number({ error: (i) => `level must be in (0, 1), got ${String(i.input)}` })
    .refine((x) => x > 0 && x < 1, { error: (i) => `level must be in (0, 1), got ${String(i.input)}` })
    .default(0.95),
  /** Bootstrap seed. */
  seed: z
    .number({ error: (i) => `seed must be an integer, got ${String(i.input)}` })
    .refine(Number.isSafeInteger, { error: (i) => `seed must be an integer, got ${String(i.input)}` })
    .default(0),
  /** Bootstrap replicates per interval. */
  resamples: wholeAtLeast(1, 'resamples').default(1000),
  /** Calibration bins (equal-mass bins: at most; see `minBinItems`). */
  bins: wholeAtLeast(1, 'bins').default(15),
  /** Equal-mass by default: with nearly all scores near 0 or 1, equal-width middle bins hold a handful. */
  binning: BinningRuleSchema.default('equal-mass'),
  /** Equal-mass bins hold at least this many items (fewer bins on small sets); smaller bins are flagged sparse. */
  minBinItems: wholeAtLeast(1, 'min-bin-items').default(20),
  /** Interval for proportions (accuracy, precision, recall, FPR, FNR). */
  intervals: ProportionMethodSchema.default('wilson'),
  /** Slices with fewer items are flagged `small`. */
  minSliceSupport: wholeAtLeast(0, 'min-slice-support').default(30),
  /** A class with golden items but fewer than this flags a slice small (its recall rests on them). */
  minClassSupport: wholeAtLeast(0, 'min-class-support').default(10),
  /** An accuracy interval wider than this flags a slice small. */
  maxIntervalWidth: z
    .number({ error: (i) => `max-interval-width must be in (0, 1], got ${String(i.input)}` })
    .refine((x) => x > 0 && x <= 1, {
      error: (i) => `max-interval-width must be in (0, 1], got ${String(i.input)}`,
    })
    .default(0.2),
  /** Values measured per slice column or crossing, the largest first. */
  maxSliceValues: wholeAtLeast(1, 'max-slice-values').default(100),
  /**
   * `'nan'`: a 0/0 ratio is reported as undefined (null), never as a made-up 0 or 1 (a slice
   * without spam has no spam recall); macro averages leave undefined values out.
   */
  zeroDivision: ZeroDivisionSchema.default('nan'),
  /** `present-in-golden`: macro averages over classes with golden items, undefined below two. */
  absentClasses: AbsentClassPolicySchema.default('present-in-golden'),
  /** Points kept per output curve. */
  curvePoints: wholeAtLeast(2, 'curve points').default(200),
  /** Threshold sweep steps over [0, 1] (20: every 0.05). */
  sweepSteps: wholeAtLeast(1, 'sweep steps').default(20),
  /**
   * Bootstrap intervals for ROC-AUC and AP too. They resample items and re-sort the scores per
   * replicate, once per ranked label (O(resamples · labels · n log n) per slice). Default: on while
   * evaluated rows × ranked labels (1 for binary, K otherwise) stay within
   * SCORE_INTERVALS_AUTO_MAX_ROWS, off above (recorded in `definitions.bootstrap.scoreIntervals`).
   */
  scoreIntervals: z.boolean().optional(),
});
export type MetricOptions = z.input<typeof MetricOptionsSchema>;

/** Options of `evaluate` (`modeval eval`): the evaluation set, the metric choices, the output folder. */
export const EvaluateOptionsSchema = EvalSetOptionsSchema.extend(MetricOptionsSchema.shape).extend({
  /** Folder to write `metrics.json` into (atomically). */
  out: z.string().optional(),
});
export type EvaluateOptions = z.input<typeof EvaluateOptionsSchema>;

/**
 * Above this many evaluated rows (times ranked labels: a binary task ranks one, a K-class task K),
 * AUC/AP intervals are off unless asked for: their cost grows with both.
 */
export const SCORE_INTERVALS_AUTO_MAX_ROWS = 100_000;

export const OPERATING_CONSTRAINTS: readonly OperatingConstraint[] = [
  { kind: 'max-recall-at-precision', value: 0.9 },
  { kind: 'max-recall-at-precision', value: 0.95 },
  { kind: 'max-recall-at-precision', value: 0.99 },
  { kind: 'max-tpr-at-fpr', value: 0.01 },
  { kind: 'max-tpr-at-fpr', value: 0.05 },
];

export interface ResolvedMetricOptions {
  bootstrap: BootstrapSettings;
  bins: number;
  binning: BinningRule;
  minBinItems: number;
  intervals: ProportionMethod;
  minClassSupport: number;
  maxIntervalWidth: number;
  minSliceSupport: number;
  maxSliceValues: number;
  zeroDivision: ZeroDivision;
  absentClasses: AbsentClassPolicy;
  curvePoints: number;
  sweep: number[];
  scoreIntervals: boolean;
}

/** Check the options (a bad one is the caller's input error) and fill in the defaults. */
export function resolveMetricOptions(o: MetricOptions, rows = 0, rankedLabels = 1): ResolvedMetricOptions {
  const parsed = MetricOptionsSchema.safeParse(o);
  if (!parsed.success) throw new BadInputError(parsed.error.issues[0]!.message);
  const v = parsed.data;
  return {
    bootstrap: { resamples: v.resamples, seed: v.seed, level: v.level },
    bins: v.bins,
    binning: v.binning,
    minBinItems: v.minBinItems,
    intervals: v.intervals,
    minClassSupport: v.minClassSupport,
    maxIntervalWidth: v.maxIntervalWidth,
    minSliceSupport: v.minSliceSupport,
    maxSliceValues: v.maxSliceValues,
    zeroDivision: v.zeroDivision,
    absentClasses: v.absentClasses,
    curvePoints: v.curvePoints,
    sweep: thresholdGrid(v.sweepSteps),
    scoreIntervals: v.scoreIntervals ?? rows * rankedLabels <= SCORE_INTERVALS_AUTO_MAX_ROWS,
  };
}

export function metricDefinitions(r: ResolvedMetricOptions): Definitions {
  const text = (key: string) => describe(overallMetric(key), r);
  const rocAuc = overallMetric('rocAuc');
  if (rocAuc.source !== 'scores') throw new Error('rocAuc is declared as a score metric');
  return {
    zeroDivision: r.zeroDivision,
    absentClasses: r.absentClasses,
    // The metrics' own texts come from their declarations in the metric registry.
    averaging: {
      micro: text('micro.f1'),
      macro: text('macro.f1'),
      weighted: text('weighted.f1'),
      samples: text('samples.f1'),
      labelCardinality: text('labelCardinality.golden'),
      balancedAccuracy: text('balancedAccuracy'),
      aucMacro: rocAuc.macroDescription!,
    },
    bootstrap: {
      method: 'percentile-bootstrap',
      ...r.bootstrap,
      scoreIntervals: r.scoreIntervals,
      unit: r.scoreIntervals
        ? 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates, ROC-AUC and AP intervals are drawn separately with the same seed'
        : 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates; ROC-AUC and AP have no interval (turned off)',
    },
    intervals: {
      proportions: r.intervals,
      rule: `accuracy, subset accuracy, per-class precision, recall, FPR and FNR, and micro precision and recall: the ${r.intervals === 'wilson' ? 'Wilson score' : 'Jeffreys (Beta(x+1/2, n−x+1/2), lower end 0 at x = 0 and upper end 1 at x = n)'} interval of their counts, which never has zero width on n > 0 items; every other statistic: the percentile bootstrap`,
      widening:
        'bootstrap estimates and ends are clamped to the statistic’s range (they leave it only by float rounding); an interval that collapsed to one value (no item moves the statistic; a width within 1e-9 of the range is rounding, not spread) is widened by u, the upper end of the proportion interval for 0 contrary items out of the n it rests on: [est − u·(est − min), est + u·(max − est)]; n = TP + FP + FN for a class F1, the smallest golden class present for averages, balanced accuracy, kappa and MCC, the smaller class for ROC-AUC, the positives for AP (of the labels averaged, for a macro AP), all items for micro F1, Hamming loss, ECE, the samples averages and the label cardinalities (range [0, K]); such intervals carry `widened`',
    },
    calibration: {
      bins: r.bins,
      binning: r.binning,
      minBinItems: r.minBinItems,
      rule:
        r.binning === 'uniform'
          ? `equal-width bins: bin 0 = [0, 1/M], bin i = (i/M, (i+1)/M]; ECE = sum of (count/n)·|accuracy − mean confidence|; bins under ${r.minBinItems} items are flagged sparse`
          : `equal-mass bins of about n/M items by sorted confidence, ties never split, M = min(${r.bins}, n / ${r.minBinItems}) and at least 1 (a set of fewer than ${2 * r.minBinItems} items has one bin); ECE = sum of (count/n)·|accuracy − mean confidence|; bins under ${r.minBinItems} items (possible only through ties) are flagged sparse`,
      binIntervals: `each non-empty bin's observed frequency carries its ${r.intervals} interval`,
      eceInterval: r.scoreIntervals
        ? 'percentile bootstrap of the binned ECE estimate over items, every item kept in its bin of the full sample (same seed and resamples), widened if it collapsed; the binned ECE is biased upward at small n (a perfectly calibrated model scores about 0.07 at n = 200 with 10 bins), so the interval shows the estimate’s sampling spread and is not a confidence interval for the true calibration error (for a calibrated model it almost never contains 0)'
        : 'none (score intervals turned off)',
    },
    ranking: {
      auc: text('rocAuc'),
      averagePrecision: text('averagePrecision'),
      curvePoints: r.curvePoints,
    },
    operatingPoints: [...OPERATING_CONSTRAINTS],
    sweep: { thresholds: r.sweep },
    slices: {
      minSupport: r.minSliceSupport,
      minClassSupport: r.minClassSupport,
      maxIntervalWidth: r.maxIntervalWidth,
      maxValues: r.maxSliceValues,
      rule: 'each value of each slice column and declared crossing (null values form their own group), the maxValues largest measured and the rest counted under omitted; a value is flagged small, with its reasons, when it has fewer than minSupport items, when a class has golden items but fewer than minClassSupport (that class’s recall rests on them), or when its accuracy interval is wider than maxIntervalWidth',
    },
  };
}
