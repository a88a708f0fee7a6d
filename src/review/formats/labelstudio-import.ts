import { z } from 'zod';
import { BadInputError } from '../../util/errors.js';
import { collectVerdicts, type ParsedVerdicts } from '../verdicts.js';
import { LS_FROM_NAME } from './labelstudio.js';
import { parseFlatJsonVerdicts } from './tabular-import.js';

/**
 * Label Studio's JSON export (https://labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks):
 * an array of tasks, each with `data` (our `item_id`, `queue`) and `annotations` whose `result`
 * holds the Choices answer. Cancelled annotations and the golden reference we exported as a
 * `ground_truth` annotation are not verdicts.
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
      z.object({ id: z.number().optional(), email: z.string().optional() }).passthrough(),
    ])
    .optional(),
  result: z.array(ResultSchema),
  was_cancelled: z.boolean().optional(),
  ground_truth: z.boolean().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

const ExportTaskSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  data: z.object({ item_id: z.string().min(1), queue: z.string().optional() }).passthrough(),
  annotations: z.array(AnnotationSchema),
});

function reviewerOf(a: z.infer<typeof AnnotationSchema>): string {
  const by = a.completed_by;
  if (typeof by === 'number' || typeof by === 'string') return `labelstudio:${by}`;
  if (by?.email) return by.email;
  if (by?.id !== undefined) return `labelstudio:${by.id}`;
  return `labelstudio:annotation-${a.id ?? '?'}`;
}

export function parseLabelStudioExport(
  file: string,
  text: string,
  defaultReviewer = 'unknown',
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
    return parseFlatJsonVerdicts(file, json, defaultReviewer);
  }
  return collectVerdicts(
    file,
    json,
    ExportTaskSchema,
    'not a Label Studio task with an item_id',
    (task, row, out) => readTask(file, task, row, out),
  );
}

/** The verdicts of one task: one per submitted annotation with exactly one choice. */
function readTask(
  file: string,
  task: z.infer<typeof ExportTaskSchema>,
  row: number,
  out: ParsedVerdicts,
): void {
  for (const a of task.annotations) {
    if (a.was_cancelled || a.ground_truth) {
      out.skipped++;
      continue;
    }
    const choices = a.result.filter((r) => r.type === 'choices' && r.from_name === LS_FROM_NAME);
    const labels = choices.flatMap((r) => r.value.choices ?? []);
    if (labels.length !== 1) {
      out.problems.push({
        file,
        row,
        id: task.data.item_id,
        field: 'annotations.result',
        message: `annotation by ${reviewerOf(a)} has ${labels.length} "${LS_FROM_NAME}" choices, expected exactly one`,
      });
      continue;
    }
    out.verdicts.push({
      id: task.data.item_id,
      label: labels[0]!,
      reviewer: reviewerOf(a),
      reviewedAt: a.updated_at ?? a.created_at ?? null,
      queue: task.data.queue ?? null,
      file,
      row,
    });
  }
}
