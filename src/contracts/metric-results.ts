import { z } from 'zod';

/**
 * Result shapes of the metric core, as zod schemas so that `metrics.json` can compose and validate
 * them; the TypeScript types are inferred from these, never written twice.
 *
 * A ratio that is undefined (0/0 under the `'nan'` zero-division policy, a statistic of a constant
 * rating, an AUC without both classes) is `null`, not NaN: JSON has no NaN and a reader must see
 * "undefined" rather than a made-up number.
 */

const ratio = z.number().nullable();

/** A value that may be undefined, with the reason when it is (a one-class AUC, an empty slice). */
export const MaybeNumberSchema = z.object({ value: ratio, reason: z.string().optional() });
export type MaybeNumber = z.infer<typeof MaybeNumberSchema>;

/** What a 0/0 ratio becomes: 0, 1, or undefined (`'nan'`, serialised as null). */
export const ZeroDivisionSchema = z.union([z.literal(0), z.literal(1), z.literal('nan')]);
export type ZeroDivision = z.infer<typeof ZeroDivisionSchema>;

/**
 * Which classes a macro average runs over. `include`: every class (a class with no true and no
 * predicted item has 0/0 ratios, which follow the zero-division policy). `skip`: classes with at
 * least one true or predicted item. `present-in-golden`: classes with at least one golden item,
 * and the average is undefined (null) when fewer than two classes are present (an "average" over
 * one class is that class's value, and a class the golden labels lack contributes only the
 * model's false alarms, e.g. F1 = 0, which halves the average of a one-class slice).
 */
export const AbsentClassPolicySchema = z.enum(['include', 'skip', 'present-in-golden']);
export type AbsentClassPolicy = z.infer<typeof AbsentClassPolicySchema>;

/** Serialised multiclass confusion matrix: rows are true labels, columns predicted. */
export const ConfusionMatrixJsonSchema = z.object({
  kind: z.literal('multiclass'),
  labels: z.array(z.string()).min(1),
  counts: z.array(z.array(z.number().nonnegative())),
});
export type ConfusionMatrixJson = z.infer<typeof ConfusionMatrixJsonSchema>;

/** Serialised multilabel confusion: one 2x2 table per label plus sample-level counts. */
/** Serialised ItemSums (metrics/multilabel.ts): weighted per-item sums and 0/0 counts. */
export const ItemSumsJsonSchema = z.object({
  precision: z.number().nonnegative(),
  precisionUndefined: z.number().nonnegative(),
  recall: z.number().nonnegative(),
  recallUndefined: z.number().nonnegative(),
  f1: z.number().nonnegative(),
  f1Undefined: z.number().nonnegative(),
  trueLabels: z.number().nonnegative(),
  predictedLabels: z.number().nonnegative(),
  items: z.number().nonnegative(),
});
export type ItemSumsJson = z.infer<typeof ItemSumsJsonSchema>;

export const MultilabelConfusionJsonSchema = z.object({
  kind: z.literal('multilabel'),
  labels: z.array(z.string()).min(1),
  tp: z.array(z.number().nonnegative()),
  fp: z.array(z.number().nonnegative()),
  fn: z.array(z.number().nonnegative()),
  tn: z.array(z.number().nonnegative()),
  samples: z.number().nonnegative(),
  exactMatches: z.number().nonnegative(),
  /** Per-item sums behind the samples averages and label cardinality (metrics/multilabel.ts). */
  itemSums: ItemSumsJsonSchema.optional(),
});
export type MultilabelConfusionJson = z.infer<typeof MultilabelConfusionJsonSchema>;

export const ClassMetricsSchema = z.object({
  label: z.string(),
  tp: z.number(),
  fp: z.number(),
  fn: z.number(),
  tn: z.number(),
  /** Number of true items of this class (TP + FN). */
  support: z.number(),
  /** Number of items predicted as this class (TP + FP). */
  predicted: z.number(),
  precision: ratio,
  recall: ratio,
  f1: ratio,
  /** FP / (FP + TN) */
  fpr: ratio,
  /** FN / (TP + FN) */
  fnr: ratio,
  /** No true and no predicted item: excluded from macro averages under `absentClasses: 'skip'`. */
  absent: z.boolean(),
});
export type ClassMetrics = z.infer<typeof ClassMetricsSchema>;

export const AveragedMetricsSchema = z.object({ precision: ratio, recall: ratio, f1: ratio });
export type AveragedMetrics = z.infer<typeof AveragedMetricsSchema>;

const reportCommon = {
  labels: z.array(z.string()),
  /** Total weight of the items counted (the number of items when unweighted). */
  n: z.number(),
  zeroDivision: ZeroDivisionSchema,
  absentClasses: AbsentClassPolicySchema,
  perClass: z.array(ClassMetricsSchema),
  micro: AveragedMetricsSchema,
  macro: AveragedMetricsSchema,
  /** Averages weighted by support. */
  weighted: AveragedMetricsSchema,
};

export const MulticlassReportSchema = z.object({
  task: z.literal('multiclass'),
  ...reportCommon,
  accuracy: ratio,
  /** Mean recall over classes present in the truth (as scikit-learn). */
  balancedAccuracy: ratio,
  /** Cohen's kappa between model and golden labels; null when undefined (expected agreement 1). */
  cohenKappa: ratio,
  /** Multiclass Matthews correlation (Gorodkin's R_K); null when truth or prediction is constant. */
  matthews: ratio,
  confusion: ConfusionMatrixJsonSchema,
});
export type MulticlassReport = z.infer<typeof MulticlassReportSchema>;

export const MultilabelReportSchema = z.object({
  task: z.literal('multilabel'),
  ...reportCommon,
  /** Fraction of samples whose whole label set is right. */
  subsetAccuracy: ratio,
  /** Fraction of (sample, label) decisions that are wrong. */
  hammingLoss: ratio,
  /** Per-item precision, recall and F1 averaged over items (scikit-learn `average='samples'`). */
  samples: AveragedMetricsSchema,
  /** Mean number of labels per item, golden and predicted (null with no item). */
  labelCardinality: z.object({ golden: ratio, predicted: ratio }),
  confusion: MultilabelConfusionJsonSchema,
});
export type MultilabelReport = z.infer<typeof MultilabelReportSchema>;

export const ClassificationReportSchema = z.discriminatedUnion('task', [
  MulticlassReportSchema,
  MultilabelReportSchema,
]);
export type ClassificationReport = z.infer<typeof ClassificationReportSchema>;

/**
 * ROC curve, points ordered by decreasing threshold. `thresholds[i]` means "flag items with
 * score >= thresholds[i]"; the first point (0, 0) flags nothing and has threshold null.
 */
export const RocCurveSchema = z.object({
  fpr: z.array(z.number()),
  tpr: z.array(z.number()),
  thresholds: z.array(z.number().nullable()),
});
export type RocCurve = z.infer<typeof RocCurveSchema>;

/**
 * Precision-recall curve, points ordered by decreasing threshold; the first point (recall 0,
 * precision 1 by convention) flags nothing and has threshold null.
 */
export const PrCurveSchema = z.object({
  precision: z.array(z.number()),
  recall: z.array(z.number()),
  thresholds: z.array(z.number().nullable()),
});
export type PrCurve = z.infer<typeof PrCurveSchema>;

export const OperatingConstraintSchema = z.object({
  kind: z.enum(['max-recall-at-precision', 'max-tpr-at-fpr', 'min-fpr-at-tpr']),
  /** The bound: precision >= value, FPR <= value, or TPR >= value. */
  value: z.number(),
});
export type OperatingConstraint = z.infer<typeof OperatingConstraintSchema>;

/** Confusion counts and rates when flagging items with score >= threshold. */
export const ThresholdPointSchema = z.object({
  threshold: z.number(),
  tp: z.number(),
  fp: z.number(),
  fn: z.number(),
  tn: z.number(),
  precision: ratio,
  recall: ratio,
  f1: ratio,
  fpr: ratio,
});
export type ThresholdPoint = z.infer<typeof ThresholdPointSchema>;

/** An operating point meeting a constraint, or `point: null` with the reason none does. */
export const OperatingPointSchema = z.object({
  constraint: OperatingConstraintSchema,
  point: ThresholdPointSchema.nullable(),
  reason: z.string().optional(),
});
export type OperatingPoint = z.infer<typeof OperatingPointSchema>;

export const ThresholdSweepSchema = z.object({
  /** Thresholds are compared as float32, like the stored scores. */
  points: z.array(ThresholdPointSchema),
});
export type ThresholdSweep = z.infer<typeof ThresholdSweepSchema>;

export const RankingReportSchema = z.object({
  positives: z.number(),
  negatives: z.number(),
  /** ROC-AUC with ties counted as half (trapezoid over tied groups); null with a reason if undefined. */
  rocAuc: ratio,
  rocAucReason: z.string().optional(),
  /** Average precision as the step sum over distinct thresholds (scikit-learn's definition). */
  averagePrecision: ratio,
  averagePrecisionReason: z.string().optional(),
});
export type RankingReport = z.infer<typeof RankingReportSchema>;

export const CalibrationVariantSchema = z.enum(['positive-class', 'top-label']);
export type CalibrationVariant = z.infer<typeof CalibrationVariantSchema>;

/**
 * `uniform`: M equal-width bins, first [0, 1/M], later (lo, hi]. `equal-mass`: M bins of about n/M
 * items by sorted confidence, never splitting a run of equal confidences.
 */
export const BinningRuleSchema = z.enum(['uniform', 'equal-mass']);
export type BinningRule = z.infer<typeof BinningRuleSchema>;

export const ReliabilityBinSchema = z.object({
  lo: z.number(),
  hi: z.number(),
  count: z.number(),
  /** null for an empty bin */
  meanConfidence: ratio,
  /** Fraction of positives (positive-class) or of correct top labels (top-label); null if empty. */
  accuracy: ratio,
  /** The proportion interval of `accuracy` (see `withBinIntervals`); null for an empty bin. */
  interval: z.object({ low: z.number(), high: z.number() }).nullable().optional(),
  /** Fewer than the report's `minBinCount` items: the bin's frequency is too noisy to read. */
  sparse: z.boolean().optional(),
});
export type ReliabilityBin = z.infer<typeof ReliabilityBinSchema>;

export const CalibrationReportSchema = z.object({
  variant: CalibrationVariantSchema,
  binning: BinningRuleSchema,
  bins: z.number().int().positive(),
  n: z.number(),
  /** Sum over bins of (count / n) * |accuracy - mean confidence|; null when n = 0. */
  ece: ratio,
  /** Largest |accuracy - mean confidence| over non-empty bins. */
  mce: ratio,
  reliability: z.array(ReliabilityBinSchema),
  /** Non-empty bins under `minBinCount` items (when bin intervals were added). */
  sparseBins: z.number().int().nonnegative().optional(),
  minBinCount: z.number().int().positive().optional(),
});
export type CalibrationReport = z.infer<typeof CalibrationReportSchema>;

export const BrierReportSchema = z.object({
  /**
   * `binary`: mean (p - y)^2, in [0, 1]. `multiclass`: mean over items of the sum over classes of
   * (p_k - [y = k])^2, in [0, 2] (Brier's original definition; twice the binary value for K = 2).
   */
  definition: z.enum(['binary', 'multiclass-sum-of-squares']),
  n: z.number(),
  brier: ratio,
});
export type BrierReport = z.infer<typeof BrierReportSchema>;

export const IntervalSchema = z.object({
  estimate: ratio,
  low: ratio,
  high: ratio,
  /** Coverage, e.g. 0.95 */
  level: z.number().gt(0).lt(1),
  /**
   * `wilson` / `jeffreys`: a proportion's interval from its counts (src/metrics/proportion.ts);
   * resamples 0 and seed null then.
   */
  method: z.enum(['percentile-bootstrap', 'exhaustive-bootstrap', 'wilson', 'jeffreys']),
  resamples: z.number().int().nonnegative(),
  /** Replicates where the statistic was undefined (excluded from the percentiles). */
  undefinedResamples: z.number().int().nonnegative(),
  seed: z.number().int().nullable(),
  /** Paired intervals only: fraction of replicates with delta <= 0 (a one-sided bootstrap p-value). */
  fractionAtMostZero: z.number().optional(),
  /**
   * The bootstrap collapsed to one value (the sample holds no item that moves the statistic, e.g.
   * no error): the interval was widened by `share`, the upper proportion bound for 0 contrary
   * items out of `items` (see src/metrics/edge-intervals.ts).
   */
  widened: z.object({ items: z.number().nonnegative(), share: z.number() }).optional(),
  /** Why the estimate is undefined (e.g. a macro average with fewer than two classes present). */
  reason: z.string().optional(),
});
export type Interval = z.infer<typeof IntervalSchema>;

export const McNemarResultSchema = z.object({
  /** Items only model A got right. */
  b: z.number().int().nonnegative(),
  /** Items only model B got right. */
  c: z.number().int().nonnegative(),
  method: z.enum(['exact-binomial', 'chi-square-corrected']),
  /** Two-sided p-value of the selected method. */
  pValue: z.number(),
  exactPValue: z.number(),
  /** (|b - c| - 1)^2 / (b + c), not clamped at 0 (as statsmodels); null when b + c = 0. */
  chi2Corrected: z.number().nullable(),
  pValueCorrected: z.number().nullable(),
  chi2Uncorrected: z.number().nullable(),
  /** The exact test is used when b + c < exactBelow. */
  exactBelow: z.number(),
});
export type McNemarResult = z.infer<typeof McNemarResultSchema>;

/** Serialised uniform-width calibration bins (mergeable partial state). */
export const CalibrationBinsJsonSchema = z.object({
  variant: CalibrationVariantSchema,
  bins: z.number().int().positive(),
  count: z.array(z.number().nonnegative()),
  sumConfidence: z.array(z.number().nonnegative()),
  sumOutcome: z.array(z.number().nonnegative()),
});
export type CalibrationBinsJson = z.infer<typeof CalibrationBinsJsonSchema>;
