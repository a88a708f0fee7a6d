import { z } from 'zod';

/**
 * `modeval plan`: how many golden items a decision needs. Options and the result are zod schemas;
 * the CLI takes its defaults from here.
 */

const probability = z.number().gt(0).lt(1);

export const PlanSettingsSchema = z.object({
  /** The drop (in proportion points, 0.02 = 2 points) a paired comparison should detect. */
  drop: probability.default(0.02),
  /** Full width of the interval to aim for (0.04 = ±2 points). */
  width: probability.default(0.04),
  /** Coverage of the interval. */
  level: probability.default(0.95),
  /** Two-sided significance level of McNemar's test. */
  alpha: probability.default(0.05),
  /** Power to detect the drop. */
  power: probability.default(0.8),
  /**
   * Share of relevant items the two models disagree on (ψ = p10 + p01), when known from an earlier
   * comparison; default: the models err independently given the item (a large, safe ψ).
   */
  discordance: probability.optional(),
});
export type PlanSettings = z.infer<typeof PlanSettingsSchema>;
export type PlanSettingsInput = z.input<typeof PlanSettingsSchema>;

/** Plan from a metrics.json, or from a prevalence and a target without one. */
export const PlanOptionsSchema = PlanSettingsSchema.extend({
  /** A metrics.json from `modeval eval`. */
  metrics: z.string().min(1).optional(),
  /** Only this model of the metrics.json (default: every model). */
  model: z.string().min(1).optional(),
  /** Without metrics: the share of items of the policy's class (e.g. 0.3 spam). */
  prevalence: probability.optional(),
  /** Without metrics: the recall expected today (e.g. 0.95). */
  target: probability.optional(),
})
  .refine((o) => (o.metrics === undefined) !== (o.prevalence === undefined && o.target === undefined), {
    message: 'give either metrics (a metrics.json) or both prevalence and target',
  })
  .refine((o) => o.metrics !== undefined || (o.prevalence !== undefined && o.target !== undefined), {
    message: 'prevalence and target go together',
  });
export type PlanOptions = z.input<typeof PlanOptionsSchema>;

const count = z.number().int().nonnegative();

/** Items needed for one goal: relevant items (e.g. golden spam), all items, and how many more. */
export const NeedSchema = z.object({
  /** Items of the policy's class needed. */
  relevant: count,
  /** All items needed at this slice's share of the class. */
  items: count,
  /** items minus the items there are now, at least 0. */
  more: count,
});
export type Need = z.infer<typeof NeedSchema>;

export const PlanRowSchema = z.object({
  /** null: the whole set; else the slice columns and values. */
  slice: z.object({ columns: z.array(z.string()), values: z.array(z.string().nullable()) }).nullable(),
  /** The policy (class) whose recall is planned. */
  policy: z.string(),
  /** Items now, and items of the policy's class now. */
  items: count,
  relevant: count,
  /** The recall measured now (null when the slice has none of the class). */
  recall: z.number().nullable(),
  /** The planning value: the end of today's recall interval nearest 1/2 (see definitions). */
  planningRecall: z.number().nullable(),
  /** Half-width of the recall interval today, if measured. */
  halfWidthNow: z.number().nullable(),
  /** For an interval of the chosen width. */
  forWidth: NeedSchema.nullable(),
  /** To detect the chosen drop in a paired comparison at the chosen power. */
  forDrop: NeedSchema.nullable(),
  /**
   * The exact power of the McNemar test compare runs at `forDrop.relevant` items (a little below
   * the power asked for: Connor's formula sizes for the uncorrected z-test).
   */
  powerAtDrop: z.number().nullable(),
  /** The exact power of that test to detect the drop with today's relevant items. */
  powerNow: z.number().nullable(),
  /**
   * The smallest recall drop today's relevant items have the chosen power to detect (Connor's
   * size, the same discordance rule); null when none is, absent in plans made before it existed.
   */
  dropNow: z.number().nullable().optional(),
  /** Why a need is null. */
  reason: z.string().optional(),
});
export type PlanRow = z.infer<typeof PlanRowSchema>;

export const PlanReportSchema = z.object({
  kind: z.literal('modeval.plan'),
  schemaVersion: z.literal(1),
  settings: PlanSettingsSchema.extend({ discordance: z.number().nullable() }),
  definitions: z.object({ width: z.string(), drop: z.string(), planningValue: z.string() }),
  /** The metrics.json planned from, or null for a prevalence and target. */
  source: z.string().nullable(),
  models: z.array(z.object({ name: z.string().nullable(), rows: z.array(PlanRowSchema) })),
});
export type PlanReport = z.infer<typeof PlanReportSchema>;
