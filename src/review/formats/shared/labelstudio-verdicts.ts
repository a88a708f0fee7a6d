import { z } from 'zod';
import { BadInputError } from '../../../util/errors.js';
import {
  collectVerdicts,
  type ParsedVerdicts,
  policyAnswer,
  type VerdictReadOptions,
} from '../../verdicts.js';
import { parseFlatJsonVerdicts } from './flat-verdicts.js';
import { LS_FROM_NAME, LS_REFERENCE_LEAD_TIME, labelStudioUser } from './labelstudio-tasks.js';

/**
 * Label Studio's JSON export (https://labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks;
 * HumanSignal/label-studio `label_studio/data_export/serializers.py`): an array of tasks, each
 * with `data` (our `item_id`, `queue`) and `annotations` whose `result` holds the Choices answer.
 * `completed_by` is the user's integer id, or `{ id, email, ... }` when the export expands users.
 * An annotation a manager marked `ground_truth` is a verdict like any other (a disagreement with
 * the others is a conflict). Not verdicts, skipped and counted: cancelled annotations, empty ones
 * (no choice) and the golden reference `--golden annotation` sent, which Label Studio imported
 * with an `import_id` and the lead time we gave it (`LS_REFERENCE_LEAD_TIME`).
 */
const ResultSchema = z.object({
  from_name: z.string(),
  type: z.string(),
  value: z.object({ choices: z.array(z.string()).optional() }).passthrough(),
});

const AnnotationSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  completed_by: z
    .union([
      z.number(),
      z.string(),
      z.object({ id: z.number().nullish(), email: z.string().nullish() }).passthrough(),
    ])
    .nullish(),
  result: z.array(ResultSchema).nullish(),
  was_cancelled: z.boolean().nullish(),
  ground_truth: z.boolean().nullish(),
  import_id: z.number().nullish(),
  lead_time: z.number().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

const ExportTaskSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  data: z.object({ item_id: z.string().min(1), queue: z.string().optional() }).passthrough(),
  annotations: z.array(AnnotationSchema),
});

function reviewerOf(a: z.infer<typeof AnnotationSchema>): string {
  const by = a.completed_by;
  if (typeof by === 'number' || typeof by === 'string') return labelStudioUser(by);
  if (by?.email) return by.email;
  if (by?.id != null) return labelStudioUser(by.id);
  return `labelstudio:annotation-${a.id ?? '?'}`;
}

export function parseLabelStudioExport(
  file: string,
  text: string,
  read: VerdictReadOptions = { defaultReviewer: 'unknown', multilabel: false },
): ParsedVerdicts {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`not a Label Studio JSON export: not JSON (${(err as Error).message})`, { file });
  }
  if (!Array.isArray(json)) {
    throw new BadInputError('not a Label Studio JSON export: expected an array of tasks', { file });
  }
  // JSON-MIN: flat rows with no `annotations` array.
  const first = json[0] as Record<string, unknown> | undefined;
  if (first && typeof first === 'object' && !('annotations' in first) && 'item_id' in first) {
    return parseFlatJsonVerdicts(file, json, read);
  }
  return collectVerdicts(
    file,
    json,
    ExportTaskSchema,
    'not a Label Studio task with an item_id',
    (task, row, out) => readTask(file, task, row, out, read.multilabel),
  );
}

/**
 * The verdicts of one task: one per submitted annotation with exactly one choice, or on a
 * multi-policy queue (`choice="multiple"`) with its ticked policies, NO_POLICY alone meaning none.
 */
function readTask(
  file: string,
  task: z.infer<typeof ExportTaskSchema>,
  row: number,
  out: ParsedVerdicts,
  multilabel: boolean,
): void {
  if (task.annotations.length === 0) out.skipped++;
  task.annotations.forEach((a, ai) => {
    if (a.was_cancelled || a.import_id != null || a.lead_time === LS_REFERENCE_LEAD_TIME) {
      out.skipped++;
      return;
    }
    const choices = (a.result ?? []).filter((r) => r.type === 'choices' && r.from_name === LS_FROM_NAME);
    const labels = choices.flatMap((r) => r.value.choices ?? []);
    if (labels.length === 0) {
      out.skipped++;
      return;
    }
    const base = {
      id: task.data.item_id,
      reviewer: reviewerOf(a),
      reviewedAt: a.updated_at ?? a.created_at ?? null,
      queue: task.data.queue ?? null,
      // `lead_time`: seconds from opening the task to submitting (Annotation model, tasks/models.py).
      ...(a.lead_time != null && Number.isFinite(a.lead_time) && a.lead_time >= 0
        ? { seconds: a.lead_time }
        : {}),
      file,
      row,
    };
    if (multilabel) {
      const field = `annotations[${ai}].result.value.choices`;
      const answer = policyAnswer(labels);
      if ('problem' in answer) {
        out.problems.push({ file, row, id: task.data.item_id, field, message: answer.problem });
      } else out.verdicts.push({ ...base, label: answer.labels.join('\n'), labels: answer.labels, field });
      return;
    }
    if (labels.length !== 1) {
      out.problems.push({
        file,
        row,
        id: task.data.item_id,
        field: 'annotations.result',
        message: `annotation by ${reviewerOf(a)} has ${labels.length} "${LS_FROM_NAME}" choices, expected exactly one`,
      });
      return;
    }
    out.verdicts.push({ ...base, label: labels[0]! });
  });
}
