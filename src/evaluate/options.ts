import { z } from 'zod';
import { thresholdGrid } from '../metrics/ranking.js';
import {
  type AbsentClassPolicy,
  AbsentClassPolicySchema,
  type BinningRule,
  BinningRuleSchema,
  type OperatingConstraint,
  type ZeroDivision,
  ZeroDivisionSchema,
} from '../metrics/schema.js';
import { BadInputError } from '../util/errors.js';
import { EvalSetOptionsSchema } from './eval-set.js';
import type { BootstrapSettings } from './intervals.js';
import type { Definitions } from './schema.js';

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
  /** Calibration bins. */
  bins: wholeAtLeast(1, 'bins').default(15),
  binning: BinningRuleSchema.default('uniform'),
  /** Slices with fewer items are flagged `small`. */
  minSliceSupport: wholeAtLeast(0, 'min-slice-support').default(30),
  /** Values measured per slice column or crossing, the largest first. */
  maxSliceValues: wholeAtLeast(1, 'max-slice-values').default(100),
  /**
   * `'nan'`: a 0/0 ratio is reported as undefined (null), never as a made-up 0 or 1 (a slice
   * without spam has no spam recall); macro averages leave undefined values out.
   */
  zeroDivision: ZeroDivisionSchema.default('nan'),
  /** `skip`: a class absent from a slice on both sides does not drag its macro average. */
  absentClasses: AbsentClassPolicySchema.default('skip'),
  /** Points kept per output curve. */
  curvePoints: wholeAtLeast(2, 'curve points').default(200),
  /** Threshold sweep steps over [0, 1] (20: every 0.05). */
  sweepSteps: wholeAtLeast(1, 'sweep steps').default(20),
  /**
   * Bootstrap intervals for ROC-AUC and AP too. They resample items and re-sort the scores per
   * replicate (O(resamples · n log n) per slice). Unset: on up to SCORE_INTERVALS_AUTO_MAX_ROWS
   * evaluated rows, off above (recorded in `definitions.bootstrap.scoreIntervals`).
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

/** Above this many evaluated rows, AUC/AP intervals are off unless asked for. */
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
  minSliceSupport: number;
  maxSliceValues: number;
  zeroDivision: ZeroDivision;
  absentClasses: AbsentClassPolicy;
  curvePoints: number;
  sweep: number[];
  scoreIntervals: boolean;
}

/** Check the options (a bad one is the caller's input error) and fill in the defaults. */
export function resolveMetricOptions(o: MetricOptions, rows = 0): ResolvedMetricOptions {
  const parsed = MetricOptionsSchema.safeParse(o);
  if (!parsed.success) throw new BadInputError(parsed.error.issues[0]!.message);
  const v = parsed.data;
  return {
    bootstrap: { resamples: v.resamples, seed: v.seed, level: v.level },
    bins: v.bins,
    binning: v.binning,
    minSliceSupport: v.minSliceSupport,
    maxSliceValues: v.maxSliceValues,
    zeroDivision: v.zeroDivision,
    absentClasses: v.absentClasses,
    curvePoints: v.curvePoints,
    sweep: thresholdGrid(v.sweepSteps),
    scoreIntervals: v.scoreIntervals ?? rows <= SCORE_INTERVALS_AUTO_MAX_ROWS,
  };
}

export function metricDefinitions(r: ResolvedMetricOptions): Definitions {
  return {
    zeroDivision: r.zeroDivision,
    absentClasses: r.absentClasses,
    averaging: {
      micro: 'ratios of the summed TP/FP/FN over classes',
      macro: `unweighted mean over classes of the defined per-class values${r.absentClasses === 'skip' ? ', classes with no true and no predicted item left out' : ''}`,
      weighted: 'mean over classes weighted by golden support',
      balancedAccuracy: 'mean recall over classes present in the golden labels',
      aucMacro: 'unweighted mean of one-vs-rest ROC-AUC (and AP) over labels with both classes present',
    },
    bootstrap: {
      method: 'percentile-bootstrap',
      ...r.bootstrap,
      scoreIntervals: r.scoreIntervals,
      unit: r.scoreIntervals
        ? 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates, ROC-AUC and AP intervals are drawn separately with the same seed'
        : 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates; ROC-AUC and AP have no interval (turned off)',
    },
    calibration: {
      bins: r.bins,
      binning: r.binning,
      rule:
        r.binning === 'uniform'
          ? 'equal-width bins: bin 0 = [0, 1/M], bin i = (i/M, (i+1)/M]; ECE = sum of (count/n)·|accuracy − mean confidence|'
          : 'equal-mass bins of about n/M items by sorted confidence, ties never split; ECE = sum of (count/n)·|accuracy − mean confidence|',
    },
    ranking: {
      auc: 'ROC-AUC over all scores, tied scores counting one half (Mann-Whitney); null with a reason when a class is missing',
      averagePrecision: 'step sum over distinct thresholds of (R_i − R_{i−1})·P_i (no interpolation)',
      curvePoints: r.curvePoints,
    },
    operatingPoints: [...OPERATING_CONSTRAINTS],
    sweep: { thresholds: r.sweep },
    slices: {
      minSupport: r.minSliceSupport,
      maxValues: r.maxSliceValues,
      rule: 'each value of each slice column and declared crossing (null values form their own group), the maxValues largest measured and the rest counted under omitted; support < minSupport is flagged small',
    },
  };
}
