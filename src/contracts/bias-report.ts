import { z } from 'zod';
import { MaybeNumberSchema } from './metric-results.js';

/**
 * metrics.json's `bias`: unintended-bias AUCs per identity subgroup and their power means
 * (computed in src/metrics/bias.ts, which cites the method).
 */

const maybe = MaybeNumberSchema;

export const SubgroupBiasSchema = z.object({
  subgroup: z.string(),
  size: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
  negatives: z.number().int().nonnegative(),
  subgroupAuc: maybe,
  bpsnAuc: maybe,
  bnspAuc: maybe,
});
export type SubgroupBias = z.infer<typeof SubgroupBiasSchema>;

export const PowerMeanSchema = maybe.extend({
  /** Subgroups whose AUC was defined and entered the mean. */
  used: z.number().int().nonnegative(),
});
export type PowerMean = z.infer<typeof PowerMeanSchema>;

export const BiasReportSchema = z.object({
  power: z.number(),
  overallWeight: z.number(),
  items: z.number().int().nonnegative(),
  overallAuc: maybe,
  subgroups: z.array(SubgroupBiasSchema),
  powerMeans: z.object({ subgroup: PowerMeanSchema, bpsn: PowerMeanSchema, bnsp: PowerMeanSchema }),
  finalScore: maybe,
});
export type BiasReport = z.infer<typeof BiasReportSchema>;
