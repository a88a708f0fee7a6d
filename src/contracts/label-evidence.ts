import { z } from 'zod';
import { IntervalSchema } from './metric-results.js';

/**
 * How golden-label suspects were decided for one target (the labels of a single-label set, or one
 * policy of a multi-policy set): each model's stated quality, the independent opinions, the share
 * of the judged model's errors flagged and the rule that decided. Written into clusters.json
 * (`labelIssues.targets`) and the review export summary (`labelEvidence`).
 */

export const LabelEvidenceSettingsSchema = z.object({
  /** Independent qualified opinions that must flag an item. */
  minOpinions: z.number().int().min(2),
  /** A model counts only when its ROC-AUC interval's lower bound is at least this. */
  minModelAuc: z.number(),
  /** Models whose correct/wrong outcomes correlate at least this much count as one opinion. */
  maxErrorCorrelation: z.number(),
  /** Share of an item's annotators that agree with golden above which no model can question it. */
  humanAgreement: z.number(),
  /** Above this share of the judged model's errors flagged, the evidence is called weak. */
  maxShare: z.number(),
});
export type LabelEvidenceSettings = z.infer<typeof LabelEvidenceSettingsSchema>;

export const LabelEvidenceModelSchema = z.object({
  model: z.string(),
  /** ROC-AUC on the target with the metric's declared interval (percentile bootstrap, as eval). */
  rocAuc: IntervalSchema.nullable(),
  /** Whether the interval's lower bound reaches `minModelAuc`. */
  qualified: z.boolean(),
  /** Its independent opinion (models in one group count once); null when not qualified. */
  opinion: z.number().int().nullable(),
});
export type LabelEvidenceModel = z.infer<typeof LabelEvidenceModelSchema>;

export const LabelEvidenceSchema = z.object({
  /** The policy judged, null for the labels of a single-label set. */
  target: z.string().nullable(),
  /**
   * `agreement`: enough independent qualified opinions, the flags stand; `too-few-opinions`: fewer
   * qualified independent models than `minOpinions`, nothing is questioned; `share-cap`: the
   * opinions would flag more than `maxShare` of the errors, nothing is questioned.
   */
  decidedBy: z.enum(['agreement', 'too-few-opinions', 'share-cap']),
  models: z.array(LabelEvidenceModelSchema),
  opinions: z.number().int().nonnegative(),
  /** Errors of the judged model on the target. */
  errors: z.number().int().nonnegative(),
  /** Errors the opinions agree on before the annotators and the cap are heard. */
  proposed: z.number().int().nonnegative(),
  /** Proposed errors whose annotators agree with golden (single-label sets with annotations). */
  keptByAnnotators: z.number().int().nonnegative(),
  /** Errors called golden-label suspects. */
  flagged: z.number().int().nonnegative(),
  /** flagged / errors; null without errors. */
  share: z.number().nullable(),
  /** One sentence: which rule decided, and the share flagged. */
  rule: z.string(),
});
export type LabelEvidence = z.infer<typeof LabelEvidenceSchema>;
