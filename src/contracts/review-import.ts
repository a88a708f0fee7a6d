import { z } from 'zod';

/**
 * The review import's data contracts, kept free of the import machinery (dataset readers, Arrow)
 * so that `modeval report` can validate a `*.review.json` summary without loading any of it.
 */

export const ConflictPolicySchema = z.enum(['keep', 'majority', 'fail']);
export type ConflictPolicy = z.infer<typeof ConflictPolicySchema>;

export const ConflictSchema = z.object({
  id: z.string(),
  golden: z.string(),
  answers: z.array(
    z.object({ reviewer: z.string(), label: z.string(), file: z.string(), row: z.number().int() }),
  ),
  resolution: z.string(),
  policy: ConflictPolicySchema,
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const ReviewImportSummarySchema = z.object({
  output: z.string(),
  report: z.string(),
  spec: z.string(),
  previous: z.object({ file: z.string(), fingerprint: z.string() }),
  rows: z.number().int(),
  verdicts: z.number().int(),
  skipped: z.number().int(),
  /** Of `skipped`: answers saved but not submitted (Argilla drafts and discarded answers). */
  unsubmitted: z.object({ draft: z.number().int(), discarded: z.number().int() }).optional(),
  reviewed: z.number().int(),
  relabelled: z.number().int(),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int() })),
  conflicts: z.array(ConflictSchema),
});
export type ReviewImportSummary = z.infer<typeof ReviewImportSummarySchema>;
