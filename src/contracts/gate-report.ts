import { z } from 'zod';
import { GateRuleSchema } from './gate-rule.js';
import { keyedRecordSchema } from './keyed-record.js';
import { IntervalSchema, McNemarResultSchema } from './metric-results.js';

/**
 * Result shapes of `modeval compare` (compare.json) and `modeval gate` (gate.json), versioned zod
 * schemas; the TypeScript types are inferred from them. Deltas are always candidate − baseline.
 */

const ratio = z.number().nullable();

export const ModelRefSchema = z.object({
  file: z.string(),
  name: z.string(),
  version: z.string(),
  sha256: z.string().nullable(),
  /** The predictions' card hash and applied thresholds (contracts/predictions.ts); absent in older files. */
  cardSha256: z.string().optional(),
  thresholds: keyedRecordSchema(z.number()).optional(),
});
export type ModelRef = z.infer<typeof ModelRefSchema>;

export const MetricComparisonSchema = z.object({
  metric: z.string(),
  class: z.string().nullable(),
  higherIsBetter: z.boolean(),
  baseline: ratio,
  candidate: ratio,
  delta: ratio,
  /** Paired bootstrap interval of candidate − baseline (same resampled items for both). */
  interval: IntervalSchema,
  /** Whether the interval excludes 0, read in the metric's good direction. */
  verdict: z.enum(['better', 'worse', 'no-significant-change', 'undefined']),
});
export type MetricComparison = z.infer<typeof MetricComparisonSchema>;

/** McNemar on per-item correctness with A = baseline: b = newly wrong, c = newly right. */
export const McNemarGroupSchema = McNemarResultSchema.extend({
  class: z.string().nullable(),
  n: z.number().int().nonnegative(),
});
export type McNemarGroup = z.infer<typeof McNemarGroupSchema>;

/** Discordant-pair counts of two models against the golden label on some rows. */
export const FlipGroupSchema = z.object({
  n: z.number().int().nonnegative(),
  /** Baseline right, candidate wrong (McNemar's b with A = baseline). */
  newlyWrong: z.number().int().nonnegative(),
  /** Baseline wrong, candidate right (McNemar's c). */
  newlyRight: z.number().int().nonnegative(),
  /** Predicted label differs between the two models. */
  predictionFlips: z.number().int().nonnegative(),
});
export type FlipCounts = z.infer<typeof FlipGroupSchema>;

export const FlipItemSchema = z.object({
  id: z.string(),
  truth: z.string(),
  baselinePredicted: z.string(),
  candidatePredicted: z.string(),
  /** Scores per label, in label order. */
  baselineScores: z.array(z.number()),
  candidateScores: z.array(z.number()),
});
export type FlipItem = z.infer<typeof FlipItemSchema>;

export const FlipsSchema = z.object({
  ...FlipGroupSchema.shape,
  /** predictionFlips / n. */
  predictionFlipRate: ratio,
  perClass: z.array(FlipGroupSchema.extend({ class: z.string() })),
  perSlice: z.array(FlipGroupSchema.extend({ column: z.string(), value: z.string() })),
  /** The lists keep at most this many items each; the counts above are complete. */
  listLimit: z.number().int().nonnegative(),
  /** Most confident candidate mistakes first. */
  newlyWrongItems: z.array(FlipItemSchema),
  newlyRightItems: z.array(FlipItemSchema),
});
export type Flips = z.infer<typeof FlipsSchema>;

export const SliceRegressionSchema = z.object({
  column: z.string(),
  value: z.string(),
  n: z.number().int().nonnegative(),
  baselineAccuracy: ratio,
  candidateAccuracy: ratio,
  delta: ratio,
  /** Paired bootstrap interval of the accuracy delta within the slice. */
  interval: IntervalSchema,
  newlyWrong: z.number().int().nonnegative(),
  newlyRight: z.number().int().nonnegative(),
  mcnemar: McNemarResultSchema,
  /**
   * McNemar p-values adjusted for testing every slice value of the comparison at once (the family:
   * all slice values with at least one discordant item, `family` of them, regressed or not).
   */
  adjusted: z.object({
    holm: z.number(),
    benjaminiHochberg: z.number(),
    family: z.number().int().positive(),
  }),
});
export type SliceRegression = z.infer<typeof SliceRegressionSchema>;

const PairComparisonSchema = z.object({
  schemaVersion: z.literal(1),
  dataset: z.object({ file: z.string(), fingerprint: z.string() }),
  baseline: ModelRefSchema,
  candidate: ModelRefSchema,
  labels: z.array(z.string()),
  n: z.number().int().nonnegative(),
  level: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  metrics: z.array(MetricComparisonSchema),
  mcnemar: z.object({ overall: McNemarGroupSchema, perClass: z.array(McNemarGroupSchema) }),
  flips: FlipsSchema,
  /** Slice values where the candidate is less accurate, most significant (then largest) first. */
  sliceRegressions: z.array(SliceRegressionSchema),
  warnings: z.array(z.string()),
});

/**
 * A comparison. On a multilabel set the top level is the roll-up policy's binary comparison
 * (or the first policy's, without a roll-up) and `policies` holds every policy's, in label order.
 */
export const ComparisonSchema = PairComparisonSchema.extend({
  policies: z.array(z.object({ policy: z.string(), comparison: PairComparisonSchema })).optional(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const RuleOutcomeSchema = z.object({
  /** The slice value decided on; value null = the items with no value in the column. */
  slice: z.object({ column: z.string(), value: z.string().nullable() }).nullable(),
  n: z.number().int().nonnegative(),
  status: z.enum(['pass', 'fail', 'skipped']),
  /** The candidate's value of the metric. */
  observed: ratio,
  /** The baseline's value (relative and flip rules, and for context). */
  baseline: ratio,
  delta: ratio,
  /** Absolute rules: the candidate's own interval; relative rules: the paired interval of the delta. */
  interval: IntervalSchema.nullable(),
  /** What was compared with the bound, and which value of it. */
  decidedOn: z.enum(['estimate', 'interval-low', 'interval-high']),
  /** `value` = the metric itself; `delta` = candidate − baseline. */
  space: z.enum(['value', 'delta']),
  decisive: ratio,
  bound: z.number(),
  reason: z.string().nullable(),
});
export type RuleOutcome = z.infer<typeof RuleOutcomeSchema>;

export const RuleResultSchema = z.object({
  rule: GateRuleSchema,
  status: z.enum(['pass', 'fail']),
  /** One line: the observed value, the bound and the interval (of the worst outcome when sliced). */
  message: z.string(),
  outcomes: z.array(RuleOutcomeSchema),
});
export type RuleResult = z.infer<typeof RuleResultSchema>;

export const GateReportSchema = z.object({
  schemaVersion: z.literal(1),
  verdict: z.enum(['pass', 'fail']),
  policy: z.object({
    file: z.string(),
    level: z.number(),
    resamples: z.number().int(),
    seed: z.number().int(),
  }),
  summary: z.object({ rules: z.number().int(), passed: z.number().int(), failed: z.number().int() }),
  rules: z.array(RuleResultSchema),
  /** The paired comparison of the two models; absent when the gate read only a labelers.json. */
  comparison: ComparisonSchema.optional(),
  /** The labelling delivery gated by labelling rules (`labeler_*`, `agreement_alpha`): its labelers.json. */
  labelers: z
    .object({ file: z.string(), dataset: z.string(), judgements: z.string(), annotators: z.number().int() })
    .optional(),
});
export type GateReport = z.infer<typeof GateReportSchema>;
