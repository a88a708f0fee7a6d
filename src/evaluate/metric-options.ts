import { thresholdGrid } from '../metrics/ranking.js';
import type { AbsentClassPolicy, BinningRule, OperatingConstraint, ZeroDivision } from '../metrics/schema.js';
import { BadInputError } from '../util/errors.js';
import type { BootstrapSettings } from './intervals.js';
import type { Definitions } from './schema.js';

export interface MetricOptions {
  /** Bootstrap replicates per interval. Default 1000. */
  resamples?: number;
  /** Bootstrap seed. Default 0. */
  seed?: number;
  /** Interval coverage. Default 0.95. */
  level?: number;
  /** Calibration bins. Default 15. */
  bins?: number;
  binning?: BinningRule;
  /** Slices with fewer items are flagged `small`. Default 30. */
  minSliceSupport?: number;
  /** Values measured per slice column or crossing, the largest first. Default 100. */
  maxSliceValues?: number;
  /**
   * Default `'nan'`: a 0/0 ratio is reported as undefined (null), never as a made-up 0 or 1 (a slice
   * without spam has no spam recall); macro averages leave undefined values out.
   */
  zeroDivision?: ZeroDivision;
  /** Default `skip`: a class absent from a slice on both sides does not drag its macro average. */
  absentClasses?: AbsentClassPolicy;
  /** Points kept per output curve. Default 200. */
  curvePoints?: number;
  /** Threshold sweep steps over [0, 1]. Default 20 (every 0.05). */
  sweepSteps?: number;
  /**
   * Bootstrap intervals for ROC-AUC and AP too. They resample items and re-sort the scores per
   * replicate (O(resamples · n log n) per slice). Default: on up to SCORE_INTERVALS_AUTO_MAX_ROWS
   * evaluated rows, off above (recorded in `definitions.bootstrap.scoreIntervals`).
   */
  scoreIntervals?: boolean;
}

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

export function resolveMetricOptions(o: MetricOptions, rows = 0): ResolvedMetricOptions {
  const int = (v: number | undefined, d: number, min: number, name: string): number => {
    const x = v ?? d;
    if (!(Number.isInteger(x) && x >= min))
      throw new BadInputError(`${name} must be an integer >= ${min}, got ${x}`);
    return x;
  };
  const level = o.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new BadInputError(`level must be in (0, 1), got ${level}`);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new BadInputError(`seed must be an integer, got ${seed}`);
  return {
    bootstrap: { resamples: int(o.resamples, 1000, 1, 'resamples'), seed, level },
    bins: int(o.bins, 15, 1, 'bins'),
    binning: o.binning ?? 'uniform',
    minSliceSupport: int(o.minSliceSupport, 30, 0, 'min-slice-support'),
    maxSliceValues: int(o.maxSliceValues, 100, 1, 'max-slice-values'),
    zeroDivision: o.zeroDivision ?? 'nan',
    absentClasses: o.absentClasses ?? 'skip',
    curvePoints: int(o.curvePoints, 200, 2, 'curve points'),
    sweep: thresholdGrid(int(o.sweepSteps, 20, 1, 'sweep steps')),
    scoreIntervals: o.scoreIntervals ?? rows <= SCORE_INTERVALS_AUTO_MAX_ROWS,
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
