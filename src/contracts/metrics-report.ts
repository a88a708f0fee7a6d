import { z } from 'zod';
import { AgreementReportSchema } from './agreement-report.js';
import { BiasReportSchema } from './bias-report.js';
import {
  AbsentClassPolicySchema,
  BinningRuleSchema,
  BrierReportSchema,
  CalibrationReportSchema,
  ClassificationReportSchema,
  IntervalSchema,
  MaybeNumberSchema,
  OperatingConstraintSchema,
  OperatingPointSchema,
  PrCurveSchema,
  RankingReportSchema,
  RocCurveSchema,
  ThresholdSweepSchema,
  ZeroDivisionSchema,
} from './metric-results.js';
import { ProportionMethodSchema } from './proportion-method.js';
import { TaskSchema } from './task.js';

/**
 * `metrics.json`: the result of `modeval eval`, versioned. Every number that can be undefined is
 * null (JSON has no NaN), most of them with a reason. Intervals are proportion intervals or
 * percentile bootstrap intervals, as `definitions.intervals` and `definitions.bootstrap` state.
 *
 * Version history: 1 = first release; 2 = Wilson/Jeffreys intervals for proportions and widened
 * collapsed bootstraps (`definitions.intervals`), macro averages over classes present, small-slice
 * reasons, equal-mass calibration bins with per-bin intervals, ECE with its interval.
 */
export const METRICS_SCHEMA_VERSION = 2;

const count = z.number().int().nonnegative();
const maybe = MaybeNumberSchema;
/** A score-based metric: its value (null with a reason when undefined) and its bootstrap interval. */
const scoreMetric = maybe.extend({ interval: IntervalSchema.nullable() });

/** Example ids kept for a problem, with the full count. */
export const IdProblemSchema = z.object({ count, examples: z.array(z.string()) });
export type IdProblem = z.infer<typeof IdProblemSchema>;

export const DefinitionsSchema = z.object({
  zeroDivision: ZeroDivisionSchema,
  absentClasses: AbsentClassPolicySchema,
  averaging: z.object({
    micro: z.string(),
    macro: z.string(),
    weighted: z.string(),
    samples: z.string(),
    labelCardinality: z.string(),
    balancedAccuracy: z.string(),
    aucMacro: z.string(),
  }),
  bootstrap: z.object({
    method: z.literal('percentile-bootstrap'),
    resamples: z.number().int().positive(),
    seed: z.number().int(),
    level: z.number().gt(0).lt(1),
    /** Whether ROC-AUC and AP carry intervals (they cost a sort per replicate). */
    scoreIntervals: z.boolean(),
    unit: z.string(),
  }),
  /** How intervals are made honest at the edges (src/evaluate/honest-intervals.ts). */
  intervals: z.object({ proportions: ProportionMethodSchema, rule: z.string(), widening: z.string() }),
  calibration: z.object({
    bins: z.number().int().positive(),
    binning: BinningRuleSchema,
    minBinItems: z.number().int().positive(),
    rule: z.string(),
    binIntervals: z.string(),
    eceInterval: z.string(),
  }),
  ranking: z.object({
    auc: z.string(),
    averagePrecision: z.string(),
    curvePoints: z.number().int().positive(),
  }),
  operatingPoints: z.array(OperatingConstraintSchema),
  sweep: z.object({ thresholds: z.array(z.number()) }),
  slices: z.object({
    minSupport: count,
    minClassSupport: count,
    maxIntervalWidth: z.number().gt(0).lte(1),
    maxValues: z.number().int().positive(),
    rule: z.string(),
  }),
});
export type Definitions = z.infer<typeof DefinitionsSchema>;

/**
 * Per-class numbers with bootstrap intervals. Loose: a class metric the metric registry declares
 * beyond the ones named here passes through as written (its reader, metrics/registry/read.ts,
 * checks it is an interval), so adding a metric does not edit this contract.
 */
export const ClassIntervalsSchema = z.looseObject({
  label: z.string(),
  support: z.number(),
  /** Items the model flags; null when the model does not score this label (see `notScored`). */
  predicted: z.number().nullable(),
  /** Present when the model does not score this label: why; its intervals are then undefined. */
  notScored: z.string().optional(),
  precision: IntervalSchema,
  recall: IntervalSchema,
  f1: IntervalSchema,
  fpr: IntervalSchema,
  fnr: IntervalSchema,
});
export type ClassIntervals = z.infer<typeof ClassIntervalsSchema>;

const averagedIntervals = z.object({ precision: IntervalSchema, recall: IntervalSchema, f1: IntervalSchema });

/**
 * The headline numbers, computed the same way for the whole set and for each slice. Fields that do
 * not apply to the task are absent (e.g. `positive` without a positive label). Loose, like
 * ClassIntervalsSchema: an overall metric the registry declares beyond those named here passes
 * through (read back by metrics/registry/read.ts).
 */
export const HeadlineSchema = z.looseObject({
  n: count,
  /** Golden support per label, in `labels` order. */
  support: z.array(z.number()),
  accuracy: IntervalSchema.optional(),
  balancedAccuracy: IntervalSchema.optional(),
  cohenKappa: IntervalSchema.optional(),
  matthews: IntervalSchema.optional(),
  subsetAccuracy: IntervalSchema.optional(),
  hammingLoss: IntervalSchema.optional(),
  /** Multilabel: per-item precision, recall and F1 averaged over items (scikit-learn `average='samples'`). */
  samples: averagedIntervals.optional(),
  /** Multilabel: mean number of labels per item, golden and predicted. */
  labelCardinality: z.object({ golden: IntervalSchema, predicted: IntervalSchema }).optional(),
  micro: averagedIntervals,
  macro: averagedIntervals,
  weighted: averagedIntervals,
  /** The positive class's precision, recall, F1, FPR and FNR (binary tasks). */
  positive: ClassIntervalsSchema.optional(),
  /** Positive-class ROC-AUC (binary), else the macro one-vs-rest AUC; null with a reason if undefined. */
  rocAuc: scoreMetric,
  averagePrecision: scoreMetric,
  /** Positive-class ECE (binary) or top-label ECE (multiclass), with its interval; absent for multilabel. */
  ece: scoreMetric.optional(),
});
export type Headline = z.infer<typeof HeadlineSchema>;

export const LabelRankingSchema = z.object({
  label: z.string(),
  ranking: RankingReportSchema,
  /** Downsampled for output; the AUC/AP above come from the exact curves. */
  roc: RocCurveSchema.nullable(),
  pr: PrCurveSchema.nullable(),
  operatingPoints: z.array(OperatingPointSchema),
  sweep: ThresholdSweepSchema,
});
export type LabelRanking = z.infer<typeof LabelRankingSchema>;

export const CalibrationSchema = z.object({
  /** Binary: P(positive) against the golden label. Multilabel: one per label (label order). */
  positiveClass: z.array(z.object({ label: z.string(), report: CalibrationReportSchema })),
  /** Largest class probability against "the argmax class is the golden one" (single-label tasks). */
  topLabel: CalibrationReportSchema.nullable(),
  brier: z.array(z.object({ label: z.string().nullable(), report: BrierReportSchema })),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const SliceValueSchema = z.object({
  /** One value per column of the slice (null = the column was null). */
  values: z.array(z.string().nullable()),
  /** Too small to read (see `definitions.slices.rule`): intervals are wide, read with care. */
  small: z.boolean(),
  /** Why it is small, one sentence per reason (empty when it is not). */
  smallReasons: z.array(z.string()),
  metrics: HeadlineSchema,
});
export type SliceValue = z.infer<typeof SliceValueSchema>;

export const SliceReportSchema = z.object({
  /** One column, or several for a declared crossing. */
  columns: z.array(z.string()).min(1),
  values: z.array(SliceValueSchema),
  /** Values beyond `definitions.slices.maxValues` (smallest first left out) and their rows. */
  omitted: z.object({ values: count, rows: count }),
});
export type SliceReport = z.infer<typeof SliceReportSchema>;

export const ModelMetricsSchema = z.object({
  model: z.object({
    name: z.string(),
    version: z.string(),
    sha256: z.string().nullable(),
    task: TaskSchema,
    predictionsFile: z.string(),
    /** The dataset fingerprint the predictions carry (sha256 of the file they were made on). */
    datasetFingerprint: z.string(),
  }),
  join: z.object({
    predictionRows: count,
    /** Labelled dataset rows without a prediction. */
    missing: IdProblemSchema,
    /** Predicted ids not in the dataset. */
    unknown: IdProblemSchema,
    unlabelled: count,
    rejected: count,
  }),
  overall: HeadlineSchema,
  perClass: z.array(ClassIntervalsSchema),
  classification: ClassificationReportSchema,
  ranking: z.array(LabelRankingSchema),
  calibration: CalibrationSchema,
  slices: z.array(SliceReportSchema),
  bias: z.union([BiasReportSchema, z.object({ value: z.null(), reason: z.string() })]).nullable(),
});
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;

export const MetricsReportSchema = z.object({
  schemaVersion: z.literal(METRICS_SCHEMA_VERSION),
  kind: z.literal('modeval.metrics'),
  harness: z.object({ name: z.literal('modeval'), version: z.string() }),
  dataset: z.object({
    file: z.string(),
    fingerprint: z.string(),
    spec: z.string(),
    rows: count,
    rejected: count,
    unlabelled: count,
    labelled: count,
    /** Rows in the evaluation (labelled and predicted by every model). */
    evaluated: count,
    droppedMissingPrediction: count,
  }),
  task: TaskSchema,
  labels: z.array(z.string()).min(1),
  positive: z.string().nullable(),
  definitions: DefinitionsSchema,
  models: z.array(ModelMetricsSchema).min(1),
  /** Inter-annotator agreement on the evaluated items (model-independent); null without annotations. */
  agreement: z.union([AgreementReportSchema, z.object({ value: z.null(), reason: z.string() })]).nullable(),
  warnings: z.array(z.string()),
});
export type MetricsReport = z.infer<typeof MetricsReportSchema>;
