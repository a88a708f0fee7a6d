import { z } from 'zod';
import { IntervalSchema } from './metric-results.js';
import { TaskSchema } from './task.js';

/**
 * `modeval labelers` (labelers.json): the humans measured. Per annotator: accuracy against the
 * golden label with an interval, per-class recall and precision, Cohen's kappa against golden and
 * against the consensus, time per item, self-consistency, and a flag from a stated test with
 * Benjamini–Hochberg control; the consensus (majority vote and Dawid–Skene) with per-item
 * posteriors and golden suspects; agreement per class and slice (guideline gaps) and the most
 * confused label pairs. A multi-policy set has one view per policy (each policy a yes/no
 * judgement); a single-label set has one view over all its labels. docs/labelers.md explains
 * every number.
 */

const probability = z.number().gt(0).lt(1);
const count = z.number().int().nonnegative();

/** How drift periods are formed: the ISO week (UTC) of each judgement's timestamp, or the log's batch column. */
export const DriftBySchema = z.enum(['iso-week', 'batch']);

export const LabelersSettingsSchema = z.object({
  /** Coverage of every interval. */
  level: probability.default(0.95),
  /** Below this many golden-labelled judgements an annotator is "not enough data": not tested, not ranked. */
  minItems: z.number().int().positive().default(30),
  /** Flag annotators below this accuracy (exact binomial test); default: below the rest of the team (Fisher). */
  target: probability.optional(),
  /** False discovery rate of the flags (Benjamini–Hochberg across the tested annotators of a view). */
  fdr: probability.default(0.05),
  /** A golden suspect: the consensus gives at least this posterior to a label other than golden. */
  suspectConfidence: probability.default(0.95),
  /** Bootstrap replicates of each agreement interval. */
  resamples: z.number().int().min(1).max(100_000).default(1000),
  seed: z.number().int().nonnegative().default(1),
  /** Dawid–Skene: stop when no posterior moves more than this between two iterations. */
  tolerance: z.number().positive().default(1e-6),
  maxIterations: z.number().int().positive().default(500),
  /** Dawid–Skene pseudo-count in every prior and confusion cell. */
  smoothing: z.number().positive().default(0.01),
  /** Drift periods: ISO weeks of the timestamps, or the log's batch (queue) column. */
  by: DriftBySchema.default('iso-week'),
});
export type LabelersSettings = z.infer<typeof LabelersSettingsSchema>;
export type LabelersSettingsInput = z.input<typeof LabelersSettingsSchema>;

/** A proportion with its counts and interval (null when n = 0). */
export const RateSchema = z.object({
  n: count,
  x: count,
  value: z.number().nullable(),
  interval: IntervalSchema.nullable(),
});
export type Rate = z.infer<typeof RateSchema>;

const KappaSchema = z.object({
  n: count,
  kappa: z.number().nullable(),
  reason: z.string().optional(),
});

export const FlagSchema = z.object({
  status: z.enum(['below', 'ok', 'not enough data']),
  /** One-sided p-value of the stated test; null when not tested. */
  pValue: z.number().nullable(),
  /** Benjamini–Hochberg adjusted p-value across the tested annotators of this view. */
  adjusted: z.number().nullable(),
  /** 1 = the lowest accuracy among tested annotators; null when not ranked. */
  rank: z.number().int().positive().nullable(),
});

export const ViewAnnotatorSchema = z.object({
  annotator: z.string(),
  /** Judgements in this view (every repeat counts). */
  judgements: count,
  accuracy: RateSchema,
  perClass: z.array(z.object({ label: z.string(), recall: RateSchema, precision: RateSchema })),
  kappaVsGolden: KappaSchema,
  kappaVsConsensus: KappaSchema,
  /** Later judgements of an item the annotator judged before, agreeing with their first one. */
  selfConsistency: RateSchema,
  flag: FlagSchema,
});

export const ConsensusItemSchema = z.object({
  id: z.string(),
  judgements: count,
  golden: z.string().nullable(),
  /** The label most judgements chose; null on a tie. */
  majority: z.string().nullable(),
  /** Dawid–Skene's label (largest posterior; ties go to the first label in the view's order). */
  consensus: z.string(),
  /** Dawid–Skene posterior per label of the view, rounded to 6 decimals. */
  posterior: z.array(z.number()),
});

export const GoldenSuspectSchema = z.object({
  id: z.string(),
  golden: z.string(),
  consensus: z.string(),
  /** Posterior of the consensus label, and of the golden label. */
  posterior: z.number(),
  goldenPosterior: z.number(),
  judgements: count,
});

export const AgreementGapSchema = z.object({
  /** What the agreement is over: `all`, a label (that label against every other) or `column = value`. */
  scope: z.string(),
  /** Pairable items (two or more judgements). */
  units: count,
  alpha: IntervalSchema,
  /** 1 = the lowest alpha among the entries with enough units; null when not ranked. */
  rank: z.number().int().positive().nullable(),
});

export const ConfusedPairSchema = z.object({
  a: z.string(),
  b: z.string(),
  /** Items where one judgement said a and another said b. */
  items: count,
  /** Share of the items with any disagreement. */
  share: z.number(),
  examples: z.array(z.string()),
});

export const PeriodRateSchema = RateSchema.extend({ period: z.string() });

/** One series (the team's or an annotator's): accuracy per period and the two stated tests. */
export const DriftSeriesSchema = z.object({
  periods: z.array(PeriodRateSchema),
  /** Cochran–Armitage test for trend, scores = the periods' ranks; null with fewer than two periods or no variance. */
  trend: z.object({ z: z.number(), pValue: z.number() }).nullable(),
  /** Likelihood-ratio scan for one change, permutation p-value; null when not tested. */
  changePoint: z
    .object({
      /** The first period after the change. */
      period: z.string(),
      statistic: z.number(),
      before: RateSchema,
      after: RateSchema,
      pValue: z.number(),
      /** Benjamini–Hochberg across the tested annotators of the view (the team's series: its own p). */
      adjusted: z.number(),
      resamples: count,
    })
    .nullable(),
  /**
   * `drop` / `rise`: the change point's (adjusted) p is at most `fdr`, and accuracy after it is
   * lower / higher; `no evidence` otherwise; `not enough data`: fewer than two periods, or fewer
   * than `minItems` placed golden-labelled judgements (not tested, not counted in the correction).
   */
  verdict: z.enum(['drop', 'rise', 'no evidence', 'not enough data']),
});

/** Accuracy against golden per period; null when no judgement can be placed in a period. */
export const DriftSchema = z
  .object({
    by: DriftBySchema,
    /** Golden-labelled judgements without a timestamp (or batch): not placed. */
    unplaced: count,
    /** The tests and the verdict rule, in words. */
    tests: z.string(),
    team: DriftSeriesSchema,
    annotators: z.array(DriftSeriesSchema.extend({ annotator: z.string() })),
  })
  .nullable();

export const LabelersViewSchema = z.object({
  /** The policy of a multi-policy set's view; null for the single view of a single-label set. */
  policy: z.string().nullable(),
  labels: z.array(z.string()),
  /** Pooled accuracy of every judgement of an item with a golden label. */
  team: RateSchema,
  /** Tested annotators first, lowest accuracy first; then the others by name. */
  annotators: z.array(ViewAnnotatorSchema),
  flagTest: z.string(),
  consensus: z.object({
    majorityTies: count,
    dawidSkene: z.object({
      iterations: z.number().int().positive(),
      converged: z.boolean(),
      logLikelihood: z.number(),
      priors: z.array(z.number()),
      /** Per annotator: rows = true label, columns = answer, each row sums to 1. */
      confusion: z.array(z.object({ annotator: z.string(), matrix: z.array(z.array(z.number())) })),
    }),
    /** Each consensus against the golden label, on the judged items that have one. */
    accuracyVsGolden: z.object({ majority: RateSchema, dawidSkene: RateSchema }),
    items: z.array(ConsensusItemSchema),
    goldenSuspects: z.array(GoldenSuspectSchema),
  }),
  agreement: z.object({
    overall: AgreementGapSchema,
    /** Per label (that label against the rest), lowest alpha first; empty for a yes/no view. */
    perLabel: z.array(AgreementGapSchema),
    /** Per slice value with at least `minItems` pairable items, lowest alpha first. */
    perSlice: z.array(AgreementGapSchema),
    /** Slice values with fewer pairable items: not listed. */
    smallSliceValues: count,
    confusedPairs: z.array(ConfusedPairSchema),
  }),
  drift: DriftSchema,
});
export type LabelersView = z.infer<typeof LabelersViewSchema>;

export const AnnotatorSummarySchema = z.object({
  annotator: z.string(),
  /** Distinct items judged. */
  items: count,
  judgements: count,
  /** Seconds per judgement, from the log's time column; null without one. */
  seconds: z.object({ n: count, median: z.number(), mean: z.number() }).nullable(),
});

export const LABELERS_SCHEMA_VERSION = 1;

export const LabelersReportSchema = z.object({
  schemaVersion: z.literal(LABELERS_SCHEMA_VERSION),
  kind: z.literal('modeval.labelers'),
  task: TaskSchema,
  labels: z.array(z.string()),
  inputs: z.object({
    /** The golden dataset (file name). */
    dataset: z.string(),
    /** Where the judgements came from: the dataset's annotations column, or the log's file name. */
    judgements: z.string(),
  }),
  settings: LabelersSettingsSchema.extend({ target: probability.nullable() }),
  counts: z.object({
    items: count,
    itemsWithGolden: count,
    judgedItems: count,
    judgements: count,
    annotators: count,
    /** Log rows naming an item the dataset does not have: skipped. */
    outsideDataset: count,
    outsideDatasetExamples: z.array(z.string()),
    /**
     * Tool-export answers that are not judgements, skipped: Label Studio cancelled or empty
     * annotations (and tasks with none), Argilla draft and discarded responses.
     */
    skippedAnswers: count,
    /** Judgements left out by `--on-invalid skip` (bad label, id, annotator or time), with the first few. */
    rejected: count,
    rejectedExamples: z.array(
      z.object({ row: count, field: z.string().nullable(), id: z.string().nullable(), reason: z.string() }),
    ),
  }),
  annotators: z.array(AnnotatorSummarySchema),
  views: z.array(LabelersViewSchema),
});
export type LabelersReport = z.infer<typeof LabelersReportSchema>;
