import { z } from 'zod';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { firstIssue } from '../util/zod.js';

/**
 * What a review selection is asked for: the rules (and their text form on the command line), the
 * priority keys, costs, cap and strata. Both selection loops (review/select.ts,
 * review/decisions.ts) read these options.
 */

export const SelectRuleSchema = z.discriminatedUnion('kind', [
  /** A model's prediction differs from the golden label. `model` indexes EvalSet.models (default 0). */
  z.object({ kind: z.literal('model_vs_golden'), model: z.number().int().nonnegative().default(0) }),
  /** Two models disagree with each other. */
  z.object({
    kind: z.literal('model_vs_model'),
    a: z.number().int().nonnegative().default(0),
    b: z.number().int().nonnegative().default(1),
  }),
  /** Top-1 minus top-2 probability below `below` for any model. */
  z.object({ kind: z.literal('low_margin'), below: z.number().positive().max(1).default(0.2) }),
  /** Confident learning flags the golden label as a probable error (first model's scores). */
  z.object({ kind: z.literal('label_issue') }),
  z.object({ kind: z.literal('annotator_disagreement') }),
  /** Members of an error cluster (`c<rank>`) from clusters.json. */
  z.object({ kind: z.literal('cluster'), cluster: z.string().min(1) }),
]);
export type SelectRule = z.infer<typeof SelectRuleSchema>;

/** `model-vs-golden[:m]`, `model-vs-model[:a,b]`, `low-margin[:0.2]`, `label-issue`, `annotator-disagreement`, `cluster:c3`. */
export function parseSelectRule(text: string): SelectRule {
  const [head = '', arg] = text.split(':', 2);
  const kind = head.replace(/-/g, '_');
  const num = (s: string) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v)) {
      throw new BadInputError(`rule ${JSON.stringify(text)}: ${JSON.stringify(s)} is not a number`, {
        field: 'select',
      });
    }
    return v;
  };
  let raw: unknown;
  if (kind === 'model_vs_golden') raw = { kind, ...(arg ? { model: num(arg) } : {}) };
  else if (kind === 'model_vs_model') {
    const [a, b] = (arg ?? '').split(',');
    raw = { kind, ...(a ? { a: num(a) } : {}), ...(b ? { b: num(b) } : {}) };
  } else if (kind === 'low_margin') raw = { kind, ...(arg ? { below: num(arg) } : {}) };
  else if (kind === 'cluster') raw = { kind, cluster: arg && /^\d+$/.test(arg) ? `c${arg}` : arg };
  else raw = { kind };
  const parsed = SelectRuleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BadInputError(
      `rule ${JSON.stringify(text)} is not valid (${firstIssue(parsed.error).message}); rules: model-vs-golden[:m], model-vs-model[:a,b], low-margin[:t], label-issue, annotator-disagreement, cluster:<id>`,
      { field: 'select' },
    );
  }
  return parsed.data;
}

/** The text form `parseSelectRule` reads (arguments equal to their defaults left out). */
export function formatSelectRule(rule: SelectRule): string {
  const head = rule.kind.replace(/_/g, '-');
  if (rule.kind === 'model_vs_golden') return rule.model === 0 ? head : `${head}:${rule.model}`;
  if (rule.kind === 'model_vs_model')
    return rule.a === 0 && rule.b === 1 ? head : `${head}:${rule.a},${rule.b}`;
  if (rule.kind === 'low_margin') return rule.below === 0.2 ? head : `${head}:${rule.below}`;
  if (rule.kind === 'cluster') return `${head}:${rule.cluster}`;
  return head;
}

export const PriorityKeySchema = z.enum(['cost', 'cluster', 'margin', 'label_quality', 'slice']);
export type PriorityKey = z.infer<typeof PriorityKeySchema>;

export const SelectOptionsSchema = z.object({
  rules: z
    .array(SelectRuleSchema)
    .min(1)
    .default([{ kind: 'model_vs_golden', model: 0 }]),
  /** Lexicographic priority keys; ties end with the external id (stable pseudo-random order). */
  priority: z.array(PriorityKeySchema).default(['cost', 'cluster', 'margin']),
  /** Cost of an error `golden>predicted` (e.g. `spam>ham: 5`); unlisted errors cost 1, agreement 0. */
  costs: keyedRecordSchema(z.number().nonnegative()).default(() => keyedRecord<number>()),
  /** Slice values reviewed first under the `slice` key: `column=value`. */
  prioritySlices: z.array(z.string()).default([]),
  /** Most items to export (after dropping what the queue already received). */
  cap: z.number().int().positive().optional(),
  /** Share the cap across strata: `label` (golden), `reason`, or a slice column. */
  stratifyBy: z.string().optional(),
});
export type SelectOptions = z.input<typeof SelectOptionsSchema>;
export type ParsedSelectOptions = z.infer<typeof SelectOptionsSchema>;
