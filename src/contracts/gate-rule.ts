import { z } from 'zod';
import { keyedRecordSchema } from './keyed-record.js';

/**
 * A gate rule as the policy parser leaves it and gate.json records it: the rule language's parsed
 * form (src/gate/policy.ts reads policy files into it, src/gate/rule-expression.ts parses and
 * prints the compact `metric op bound` text).
 */

export const ComparatorSchema = z.enum(['>=', '<=']);
export type Comparator = z.infer<typeof ComparatorSchema>;

/** How a rule is decided: on the point estimate, or on the conservative end of its interval. */
export const DecideOnSchema = z.enum(['estimate', 'interval']);

/** Multiplicity adjustment of `slice_regressions` (see src/metrics/multiplicity.ts). */
export const AdjustSchema = z.enum(['holm', 'benjamini-hochberg']);

/** A rule after parsing, as recorded in gate.json. */
export const GateRuleSchema = z.object({
  /** Position in the policy's `rules` list. */
  index: z.number().int().nonnegative(),
  name: z.string(),
  /** The rule in compact form, e.g. `f1_macro >= baseline - 0.01 per corpus_group`. */
  text: z.string(),
  metric: z.string(),
  class: z.string().nullable(),
  /**
   * A rule without a class on a multi-policy set is decided on the taxonomy's roll-up policy (its
   * binary view: the policy vs not); this names it, so `f1_macro` there is not read as the macro
   * F1 over every policy that eval reports.
   */
  rollup: z.string().optional(),
  op: ComparatorSchema,
  bound: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('absolute'), value: z.number() }),
    /** candidate op baseline + offset, decided on the paired interval of candidate - baseline. */
    z.object({ kind: z.literal('baseline'), offset: z.number() }),
  ]),
  /** Restrict to one slice value, or (value null) check every value of the column. */
  slice: z.object({ column: z.string(), value: z.string().nullable() }).nullable(),
  /** Slice values with fewer items are skipped (every-value rules only). */
  minSupport: z.number().int().nonnegative(),
  /**
   * Every-value rules only, present when true: the items with no value in the column are checked
   * as one more value (`(null)`); otherwise they are listed as skipped with their count.
   */
  includeNull: z.literal(true).optional(),
  decideOn: DecideOnSchema,
  /** Cost matrix for metric `cost`: costs[golden][predicted]. */
  costs: keyedRecordSchema(keyedRecordSchema(z.number())).nullable(),
  /** `slice_regressions` only: the adjustment and the level its adjusted p-values are held to. */
  adjust: z
    .object({ method: AdjustSchema, alpha: z.number().gt(0).lt(1) })
    .nullable()
    .optional(),
});
export type GateRule = z.infer<typeof GateRuleSchema>;
