import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BadInputError } from '../util/errors.js';

/** Why an item was selected for review. */
export const ReasonSchema = z.enum([
  'model_vs_golden',
  'model_vs_model',
  'low_margin',
  'label_issue',
  'annotator_disagreement',
  'cluster',
]);
export type Reason = z.infer<typeof ReasonSchema>;

export const ModelVerdictSchema = z.object({
  /** `name@version`, as Label Studio's `model_version` and Argilla's suggestion `agent`. */
  model: z.string(),
  /** Column-safe short name used in tabular exports (`pred_<key>`, `score_<key>`). */
  key: z.string(),
  /** The predicted label; on a multi-policy set the closed list of flagged policies (empty: none). */
  predicted: z.union([z.string(), z.array(z.string())]),
  /**
   * Probability of the predicted label; on a multi-policy set the model's confidence in its least
   * sure policy decision, min over policies of max(p, 1 − p).
   */
  score: z.number(),
  /** Probability per label, in the evaluation label order. */
  scores: z.array(z.number()),
  /** Multi-policy sets: policies golden has and the model does not flag (why the item is here). */
  missed: z.array(z.string()).optional(),
  /** Multi-policy sets: policies the model flags and golden does not have. */
  overEnforced: z.array(z.string()).optional(),
});
export type ModelVerdict = z.infer<typeof ModelVerdictSchema>;

/** One item in a review queue: everything a reviewer (or a tool) needs, and nothing it must not see. */
export const ReviewItemSchema = z.object({
  externalId: z.string(),
  id: z.string(),
  queue: z.string(),
  text: z.string(),
  textTruncated: z.boolean(),
  /** The golden label; on a multi-policy set the closed list of golden policies (empty: none). */
  golden: z.union([z.string(), z.array(z.string())]),
  models: z.array(ModelVerdictSchema),
  reasons: z.array(ReasonSchema),
  /** Smallest top-1 minus top-2 probability over the models (low = the model hesitated). */
  margin: z.number(),
  /**
   * Where the first model disagrees with golden: `relabel` if confident learning flags the golden
   * label as a probable error, else `model_error`. Null where the model agrees.
   */
  labelIssue: z.enum(['relabel', 'model_error']).nullable(),
  /** Self-confidence of the golden label under the first model (low = golden looks wrong). */
  labelQuality: z.number(),
  /** Annotator-disagreement entropy in bits (null when the item has no disagreeing annotators). */
  annotatorEntropy: z.number().nullable(),
  /** Error-cluster id (`c<rank>`) from `modeval clusters`, if the item is in one. */
  cluster: z.string().nullable(),
  clusterRank: z.number().int().nullable(),
  slices: z.record(z.string(), z.string().nullable()),
  /** 1 = review first. */
  priority: z.number().int().positive(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

/**
 * The answer "violates no policy" in the multiple-choice review tools, where an empty selection
 * cannot be told from an unanswered item. It must not be a label (checked at export).
 */
export const NO_POLICY = '(none)';

/** A multi-policy answer as the tools show it: the labels, or NO_POLICY when there are none. */
export function choicesOf(labels: readonly string[]): string[] {
  return labels.length > 0 ? [...labels] : [NO_POLICY];
}

const QUEUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Queue names become file names, so they are restricted to a safe alphabet. */
export function checkQueueName(queue: string): string {
  if (!QUEUE.test(queue)) {
    throw new BadInputError(
      `queue name ${JSON.stringify(queue.slice(0, 80))} must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { field: 'queue' },
    );
  }
  return queue;
}

/**
 * Stable external id: the same dataset, item and queue always give the same id, so a tool that
 * receives the queue twice can deduplicate, and verdicts map back without trusting tool ids.
 */
export function externalId(datasetFingerprint: string, id: string, queue: string): string {
  // JSON framing keeps the parts apart even when an id itself contains separators.
  const h = createHash('sha256').update(JSON.stringify([datasetFingerprint, id, queue]));
  return `mv-${h.digest('hex').slice(0, 24)}`;
}

/** A column-safe key for a model (`name@version` → `name_version`), unique within `taken`. */
export function modelKey(model: string, taken: Set<string>): string {
  const base = model.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  taken.add(key);
  return key;
}

/**
 * The text a reviewer sees: at most `max` UTF-16 units, one fewer when the cut would split a
 * surrogate pair (half an emoji would reach the UTF-8 formats as U+FFFD).
 */
export function clipText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const end = /[\ud800-\udbff]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return { text: text.slice(0, end), truncated: true };
}
