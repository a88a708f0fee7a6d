import { z } from 'zod';

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

export const REJECT_REASONS = [
  'empty_text',
  'duplicate_text',
  'conflicting_sections',
  'unknown_theme',
] as const;
export const RejectionSchema = z.object({
  /** `<lang>/<section>/<theme>#<entry number>` of the rejected entry. */
  source: z.string(),
  reason: z.enum(REJECT_REASONS),
  detail: z.string().optional(),
});
export type Rejection = z.infer<typeof RejectionSchema>;

export const SourceFileSchema = z.object({
  package: z.string(),
  lang: z.string(),
  section: z.string(),
  theme: z.string(),
  /** The leaf policy of an offensive theme (absent for the regular section). */
  policy: z.string().optional(),
  encoding: z.string(),
  rotated: z.boolean(),
  /** Entry count in strfile's index (blank entries included), and the non-blank entries parsed. */
  indexEntries: count,
  parsedEntries: count,
  kept: count,
});

export const ManifestSchema = z.object({
  dataset: z.literal('fortunes'),
  builderVersion: z.string(),
  builtAt: z.string(),
  buildMs: count,
  input: z.object({
    packages: z.record(z.string(), z.string()),
    contentSha256: z.string(),
    specSha256: z.string(),
    fingerprint: z.string(),
  }),
  settings: z.object({ goldenPercent: count, splitRule: z.string(), dedupeRule: z.string() }),
  sources: z.array(SourceFileSchema),
  counts: z.object({
    entries: count,
    kept: count,
    rejected: count,
    rejectedByReason: counts,
    /** Items whose text the curators filed under two or more offensive themes (labels merged). */
    multiPolicyItems: count,
    keptBySplit: counts,
    /** Positive items per policy (closed upward) per split; `none` = no policy. */
    policyBySplit: z.record(z.string(), counts),
    langBySplit: z.record(z.string(), counts),
  }),
  outputs: z.record(z.string(), z.object({ sha256: z.string(), bytes: count, rows: count })),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type SourceFile = z.infer<typeof SourceFileSchema>;
