import { z } from 'zod';

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

export const OutputFileSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: count,
  rows: count,
});

export const InputFingerprintSchema = z.object({
  package: z.string(),
  version: z.string(),
  fileListSha256: z.string(),
  specSha256: z.string(),
  parsers: z.record(z.string(), z.string()),
});

export const ManifestSchema = z.object({
  dataset: z.literal('spamassassin'),
  builderVersion: z.string(),
  builtAt: z.string(),
  buildMs: count,
  input: InputFingerprintSchema.extend({
    /** sha256 over InputFingerprintSchema's fields: what the skip check compares. */
    fingerprint: z.string(),
    /** sha256 over every listed raw file's bytes, in list order (a record, not compared). */
    contentSha256: z.string(),
    /** Files whose content MD5 differs from the hash in their name; they are kept. */
    md5Mismatches: z.array(z.string()),
  }),
  settings: z.object({ maxTextChars: count, goldenPercent: count, splitRule: z.string() }),
  counts: z.object({
    totalFiles: count,
    kept: count,
    rejected: count,
    filesByGroup: counts,
    keptByLabel: counts,
    keptByGroup: counts,
    keptBySplit: counts,
    keptBySplitLabel: z.record(z.string(), counts),
    rejectedByReason: counts,
  }),
  outputs: z.record(z.string(), OutputFileSchema),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type InputFingerprint = z.infer<typeof InputFingerprintSchema>;
export type OutputFile = z.infer<typeof OutputFileSchema>;

export const REJECT_REASONS = [
  'bad_file_name',
  'unreadable',
  'parse_error',
  'empty_text',
  'duplicate_text',
] as const;
export const RejectionSchema = z.object({
  id: z.string(),
  reason: z.enum(REJECT_REASONS),
  detail: z.string().optional(),
});
export type Rejection = z.infer<typeof RejectionSchema>;
