import { z } from 'zod';

/**
 * Schemas for inter-annotator agreement: the input matrix, the mergeable accumulators and the
 * result objects. Every statistic that can be undefined (no data, or chance agreement of 1) is
 * `null` together with a `reason`, never NaN and never a silent 0 — NaN does not survive JSON.
 */

/**
 * Items × annotators; each cell is a category index into `categories`, or null when that
 * annotator did not label that item.
 */
export const RatingMatrixSchema = z
  .object({
    annotators: z.array(z.string().min(1)).min(1),
    categories: z.array(z.string().min(1)).min(1),
    ratings: z.array(z.array(z.number().int().nonnegative().nullable())),
    /** Optional item ids, parallel to `ratings`, used only to name items in outputs and errors. */
    itemIds: z.array(z.string()).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.itemIds && m.itemIds.length !== m.ratings.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['itemIds'],
        message: `has ${m.itemIds.length} ids for ${m.ratings.length} items`,
      });
    }
    for (let i = 0; i < m.ratings.length; i++) {
      const row = m.ratings[i]!;
      if (row.length !== m.annotators.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['ratings', i],
          message: `has ${row.length} cells for ${m.annotators.length} annotators`,
        });
        continue;
      }
      for (let a = 0; a < row.length; a++) {
        const v = row[a];
        if (v !== null && v !== undefined && v >= m.categories.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['ratings', i, a],
            message: `category index ${v} is outside 0..${m.categories.length - 1}`,
          });
        }
      }
    }
  });
export type RatingMatrix = z.infer<typeof RatingMatrixSchema>;

const count = z.number().int().nonnegative();
const countMatrix = z.array(z.array(count));

/**
 * Per-item category counts grouped by how many ratings the item received (`raters`). Grouping
 * by size keeps every field an integer, so merging partial tallies is exact and order-free;
 * Fleiss' kappa, Krippendorff's alpha and Gwet's AC1 are all functions of this tally.
 */
export const SizeTallySchema = z.object({
  /** Number of ratings each of these items received. */
  raters: z.number().int().positive(),
  /** Items with exactly `raters` ratings. */
  items: count,
  /** Σ over these items of n_ic: ratings per category. */
  totals: z.array(count),
  /** Σ over these items of ordered within-item pairs (c, k): n_ic·n_ik off the diagonal, n_ic(n_ic−1) on it. */
  pairs: countMatrix,
});
export type SizeTally = z.infer<typeof SizeTallySchema>;

export const RatingTallySchema = z.object({
  categories: z.number().int().positive(),
  /** Items that nobody rated (kept only to report coverage). */
  unrated: count,
  /** Sorted by `raters`, one entry per distinct size seen. */
  sizes: z.array(SizeTallySchema),
});
export type RatingTally = z.infer<typeof RatingTallySchema>;

/** Contingency tables for every annotator pair (a < b), rows = a, columns = b, and per-annotator tables against gold. */
export const PairTablesSchema = z.object({
  annotators: z.number().int().positive(),
  categories: z.number().int().positive(),
  /** Indexed by `pairIndex(a, b, annotators)`. */
  pairs: z.array(countMatrix),
  /** Rows = annotator's category, columns = golden category; one table per annotator. */
  gold: z.array(countMatrix),
});
export type PairTables = z.infer<typeof PairTablesSchema>;

export const AgreementAccumulatorSchema = z.object({
  tally: RatingTallySchema,
  tables: PairTablesSchema,
  /** Items seen, whether or not anybody rated them. */
  items: count,
});
export type AgreementAccumulator = z.infer<typeof AgreementAccumulatorSchema>;

const stat = z.number().nullable();
const reason = z.string().optional();

export const CohenKappaSchema = z.object({
  /** Items both raters labelled. */
  n: count,
  pObserved: stat,
  pExpected: stat,
  kappa: stat,
  reason,
});
export type CohenKappa = z.infer<typeof CohenKappaSchema>;

export const PairKappaSchema = CohenKappaSchema.extend({ a: z.string(), b: z.string() });
export type PairKappa = z.infer<typeof PairKappaSchema>;

export const FleissKappaSchema = z.object({
  /** Items with at least two ratings (the only ones that carry agreement information). */
  items: count,
  /** Whether every counted item had the same number of ratings (then this is Fleiss' 1971 formula exactly). */
  equalRaters: z.boolean(),
  categoryShares: z.array(z.number()),
  pBar: stat,
  pExpected: stat,
  kappa: stat,
  reason,
});
export type FleissKappa = z.infer<typeof FleissKappaSchema>;

export const KrippendorffAlphaSchema = z.object({
  /** Pairable values: ratings in units with at least two ratings. */
  pairableValues: count,
  /** Units with at least two ratings. */
  units: count,
  /** Coincidence matrix o_ck (may hold fractions: each pair weighs 1/(m_u − 1)). */
  coincidences: z.array(z.array(z.number())),
  observedDisagreement: stat,
  expectedDisagreement: stat,
  alpha: stat,
  reason,
});
export type KrippendorffAlpha = z.infer<typeof KrippendorffAlphaSchema>;

export const GwetAc1Schema = z.object({
  /** Items with at least one rating (they set the category prevalences). */
  ratedItems: count,
  /** Items with at least two ratings (they set the observed agreement). */
  pairableItems: count,
  pAgreement: stat,
  pChance: stat,
  ac1: stat,
  reason,
});
export type GwetAc1 = z.infer<typeof GwetAc1Schema>;

export const AnnotatorVsGoldSchema = z.object({
  annotator: z.string(),
  /** Items this annotator labelled that also have a golden label. */
  n: count,
  accuracy: stat,
  kappa: stat,
  reason,
});
export type AnnotatorVsGold = z.infer<typeof AnnotatorVsGoldSchema>;

export const AgreementReportSchema = z.object({
  annotators: z.array(z.string()),
  categories: z.array(z.string()),
  items: count,
  ratedItems: count,
  pairableItems: count,
  pairwiseCohen: z.array(PairKappaSchema),
  fleiss: FleissKappaSchema,
  krippendorffNominal: KrippendorffAlphaSchema,
  gwetAc1: GwetAc1Schema,
  vsGold: z.array(AnnotatorVsGoldSchema).optional(),
});
export type AgreementReport = z.infer<typeof AgreementReportSchema>;
