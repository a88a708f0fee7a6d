import { z } from 'zod';
import { zodPhrase } from '../util/zod.js';

/** One reviewer's answer for one item, as read from any verdict format. */
export const VerdictSchema = z.object({
  id: z.string(),
  label: z.string(),
  reviewer: z.string(),
  reviewedAt: z.string().nullable(),
  queue: z.string().nullable(),
  file: z.string(),
  /** 0-based record index in the file (JSON arrays), or data row (CSV/JSONL). */
  row: z.number().int().nonnegative(),
  /** 1-based line for line-oriented files. */
  line: z.number().int().positive().optional(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

export const VerdictProblemSchema = z.object({
  file: z.string(),
  row: z.number().int().nonnegative(),
  line: z.number().int().positive().optional(),
  id: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
});
export type VerdictProblem = z.infer<typeof VerdictProblemSchema>;

export interface ParsedVerdicts {
  verdicts: Verdict[];
  problems: VerdictProblem[];
  /** Records that carried no answer yet (unreviewed rows, cancelled or draft annotations). */
  skipped: number;
}

export const VerdictFormatSchema = z.enum(['labelstudio', 'argilla', 'jsonl', 'csv']);
export type VerdictFormat = z.infer<typeof VerdictFormatSchema>;

/**
 * The loop shared by the JSON export readers: each record is checked against the tool's `schema`; one
 * that does not fit becomes a problem located at its row (`what` says what was expected), the others
 * go to `read`, which adds their verdicts, problems and skips to `out`.
 */
export function collectVerdicts<S extends z.ZodType>(
  file: string,
  records: readonly unknown[],
  schema: S,
  what: string,
  read: (record: z.infer<S>, row: number, out: ParsedVerdicts) => void,
): ParsedVerdicts {
  const out: ParsedVerdicts = { verdicts: [], problems: [], skipped: 0 };
  records.forEach((raw, row) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      read(parsed.data, row, out);
      return;
    }
    const p = zodPhrase(parsed.error);
    out.problems.push({ file, row, ...p, message: `${what}: ${p.message}` });
  });
  return out;
}
