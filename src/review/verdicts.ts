import { z } from 'zod';
import { zodPhrase } from '../util/zod.js';
import { NO_POLICY } from './item.js';

/** One reviewer's answer for one item, as read from any verdict format. */
export const VerdictSchema = z.object({
  id: z.string(),
  /** The label; for a multi-policy answer a key of its policies (the import makes it canonical). */
  label: z.string(),
  /** A multi-policy answer: the policies ticked ([] = NO_POLICY), as the file has them. */
  labels: z.array(z.string()).optional(),
  /** Where in the record the answer sits (problems about its policies name it). */
  field: z.string().optional(),
  reviewer: z.string(),
  reviewedAt: z.string().nullable(),
  /** Seconds the reviewer spent, where the tool records it (Label Studio's `lead_time`). */
  seconds: z.number().nonnegative().optional(),
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
  /** Of `skipped`, answers a tool keeps as not submitted (Argilla drafts and discarded ones). */
  unsubmitted?: { draft: number; discarded: number };
}

/** How to read answers: single labels, or lists of policies (a multi-policy golden set). */
export interface VerdictReadOptions {
  /** Reviewer name for rows that carry none (CSV/JSONL, Label Studio JSON-MIN). */
  defaultReviewer: string;
  multilabel: boolean;
}

/**
 * A multi-policy answer from a tool: its policies (trimmed, each once), [] for NO_POLICY alone, or
 * why it is not an answer (not strings; NO_POLICY ticked together with policies).
 */
export function policyAnswer(values: readonly unknown[]): { labels: string[] } | { problem: string } {
  if (!values.every((v) => typeof v === 'string')) {
    return { problem: `${JSON.stringify(values).slice(0, 80)} is not a list of policy names` };
  }
  const labels = [...new Set((values as string[]).map((v) => v.trim()).filter((v) => v !== ''))];
  if (!labels.includes(NO_POLICY)) return { labels };
  if (labels.length === 1) return { labels: [] };
  return {
    problem: `${NO_POLICY} is ticked together with ${labels
      .filter((l) => l !== NO_POLICY)
      .map((l) => JSON.stringify(l.slice(0, 60)))
      .join(', ')}`,
  };
}

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
