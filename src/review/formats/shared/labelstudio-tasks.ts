import { z } from 'zod';
import type { LabelValue, TaskView } from '../../../task/index.js';
import { choicesOf, NO_POLICY, type ReviewItem } from '../../item.js';
import type { GoldenMode } from '../format.js';

/**
 * Label Studio tasks ("Basic Label Studio JSON format", https://labelstud.io/guide/predictions and
 * https://labelstud.io/guide/task_format): `data` holds what the labelling config's `$text` reads
 * plus our ids; `predictions` holds one entry per model version with `model_version`, `score` and
 * a `result` in the Choices format. The golden label can travel as a ground-truth annotation,
 * as a prediction named `golden` (listed first, so it never pre-fills the editor), or not at all
 * (blind review).
 */

/**
 * The `lead_time` (seconds) of the golden reference `--golden annotation` sends. Label Studio
 * keeps an imported annotation's lead_time as given and its editor only ever measures a positive
 * one, so this negative value tells the reference apart in every export, JSON-MIN and CSV
 * included, whoever imported it.
 */
export const LS_REFERENCE_LEAD_TIME = -1;

/** The name of the Choices control and of the Text object in the labelling config. */
export const LS_FROM_NAME = 'label';
export const LS_TO_NAME = 'text';

export const LabelStudioChoiceResultSchema = z.object({
  from_name: z.string(),
  to_name: z.string(),
  type: z.literal('choices'),
  value: z.object({ choices: z.array(z.string()) }),
});

export const LabelStudioTaskSchema = z.object({
  data: z.object({
    text: z.string(),
    item_id: z.string(),
    external_id: z.string(),
    queue: z.string().optional(),
    /** Multi-policy queues: why the item is here, per model and policy (shown to reviewers). */
    policy_errors: z.string().optional(),
    /** A multi-policy item's golden policies as a list. */
    golden: z.union([z.string(), z.array(z.string())]).optional(),
  }),
  predictions: z.array(
    z.object({
      model_version: z.string(),
      score: z.number(),
      result: z.array(LabelStudioChoiceResultSchema),
    }),
  ),
  annotations: z
    .array(
      z.object({
        id: z.number().int(),
        ground_truth: z.boolean(),
        lead_time: z.number(),
        result: z.array(LabelStudioChoiceResultSchema),
      }),
    )
    .optional(),
});
export type LabelStudioTask = z.infer<typeof LabelStudioTaskSchema>;

/** A Choices result: one label, or a multi-label item's policies (NO_POLICY when none). */
function choice(view: TaskView, value: LabelValue) {
  return {
    from_name: LS_FROM_NAME,
    to_name: LS_TO_NAME,
    type: 'choices' as const,
    value: { choices: choicesOf(view.labelsOf(value)) },
  };
}

/**
 * `policy_errors` of a multi-label item: `m@1: missed a, b; over-enforced c` per model in error
 * (nothing for a single-label item, whose models carry no policy errors).
 */
function policyErrors(x: ReviewItem): { policy_errors?: string } {
  const parts = x.models.flatMap((m) => {
    const what = [
      ...(m.missed?.length ? [`missed ${m.missed.join(', ')}`] : []),
      ...(m.overEnforced?.length ? [`over-enforced ${m.overEnforced.join(', ')}`] : []),
    ];
    return what.length > 0 ? [`${m.model}: ${what.join('; ')}`] : [];
  });
  return parts.length > 0 ? { policy_errors: parts.join(' | ') } : {};
}

export function labelStudioTasks(
  items: readonly ReviewItem[],
  golden: GoldenMode,
  view: TaskView,
): LabelStudioTask[] {
  return items.map((x) => {
    if (golden === 'hidden') {
      // Blind: the text, our ids and the question only; no model output, no queue name.
      return { data: { text: x.text, item_id: x.id, external_id: x.externalId }, predictions: [] };
    }
    const models = x.models.map((m) => ({
      model_version: m.model,
      score: m.score,
      result: [choice(view, m.predicted)],
    }));
    const task: LabelStudioTask = {
      data: { text: x.text, item_id: x.id, external_id: x.externalId, queue: x.queue, ...policyErrors(x) },
      // The editor pre-fills the prediction of the project's model version, which an import sets
      // (when the project has none) to the model_version of the LAST prediction it saves
      // (label_studio/tasks/serializers.py add_predictions; tasks/models.py
      // get_predictions_for_prelabeling). So golden goes first and the first model last: the
      // first model's answer is what a reviewer sees pre-selected, never the golden label.
      predictions: [...models.slice(1), ...models.slice(0, 1)],
    };
    if (golden === 'annotation') {
      // Label Studio stores an imported annotation's `id` as its `import_id`
      // (label_studio/tasks/serializers.py, bulk task import), which marks it in the JSON export
      // as the reference we sent; JSON-MIN and CSV drop `import_id` but keep `lead_time`
      // (label-studio-sdk converter.py, exports/csv2.py), hence the marker lead time.
      task.annotations = [
        {
          id: x.priority,
          ground_truth: true,
          lead_time: LS_REFERENCE_LEAD_TIME,
          result: [choice(view, x.golden)],
        },
      ];
    } else {
      task.data.golden = x.golden;
      task.predictions.unshift({ model_version: 'golden', score: 1, result: [choice(view, x.golden)] });
    }
    return task;
  });
}

/**
 * A Label Studio user as a reviewer name: an e-mail stays as it is; an integer user id (what the
 * JSON and JSON-MIN exports write unless users are expanded) becomes `labelstudio:<id>`.
 */
export function labelStudioUser(by: number | string): string {
  return typeof by === 'number' || /^\d+$/.test(by) ? `labelstudio:${by}` : by;
}

/** XML attribute escaping: every value in the config passes through here. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The labelling config matching the tasks: one Text object and a Choices control, required so an
 * empty submission is refused in the editor rather than exported. A multi-policy queue gets
 * `choice="multiple"` (https://labelstud.io/tags/choices) listing every policy by its taxonomy
 * path (`offensive/sexism/misogyny`, parents before children as the taxonomy declares them), plus
 * NO_POLICY: ticking nothing could not be told from not answering.
 */
export function labelStudioConfig(labels: readonly string[], title?: string, multiple = false): string {
  const lines = ['<View>'];
  if (title) lines.push(`  <Header value="${escapeXml(title)}"/>`);
  if (multiple) {
    lines.push(
      `  <Header value="${escapeXml(`Tick every policy the text violates (a sub-policy counts for its parents too), or ${NO_POLICY}.`)}" size="6"/>`,
    );
  }
  lines.push(`  <Text name="${LS_TO_NAME}" value="$text"/>`);
  const mode = multiple ? 'multiple' : 'single';
  lines.push(
    `  <Choices name="${LS_FROM_NAME}" toName="${LS_TO_NAME}" choice="${mode}" required="true" showInLine="${!multiple}">`,
  );
  for (const l of multiple ? [...labels, NO_POLICY] : labels)
    lines.push(`    <Choice value="${escapeXml(l)}"/>`);
  lines.push('  </Choices>', '</View>', '');
  return lines.join('\n');
}
