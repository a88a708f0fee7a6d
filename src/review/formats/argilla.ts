import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic.js';
import type { ReviewItem } from '../item.js';

/**
 * Argilla (v2) dataset settings and records (https://docs.argilla.io/latest/reference/argilla/records/records):
 * a `text` field, a `label` label-selection question, and per record `fields`, `metadata` and
 * `suggestions` (`question_name`, `value`, `score`, `agent`). Argilla keeps one suggestion per
 * question, so the first model is the suggestion and every model's prediction and score also go
 * into metadata. Records are written in chunks of at most 500, the bulk size the client logs in.
 */
export const ARGILLA_QUESTION = 'label';
export const ARGILLA_CHUNK = 500;

export const ArgillaRecordSchema = z.object({
  id: z.string(),
  fields: z.object({ text: z.string() }),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  suggestions: z.array(
    z.object({ question_name: z.string(), value: z.string(), score: z.number(), agent: z.string() }),
  ),
});
export type ArgillaRecord = z.infer<typeof ArgillaRecordSchema>;

export function argillaSettings(labels: readonly string[], items: readonly ReviewItem[], blind: boolean) {
  const first = items[0];
  const metadata = [
    { name: 'item_id', type: 'terms' },
    { name: 'queue', type: 'terms' },
    { name: 'priority', type: 'integer' },
    { name: 'margin', type: 'float' },
    { name: 'label_issue', type: 'terms' },
    { name: 'cluster', type: 'terms' },
    ...(blind ? [] : [{ name: 'golden', type: 'terms' }]),
    ...(first?.models ?? []).flatMap((m) => [
      { name: `pred_${m.key}`, type: 'terms' },
      { name: `score_${m.key}`, type: 'float' },
    ]),
    ...Object.keys(first?.slices ?? {}).map((s) => ({ name: `slice_${s}`, type: 'terms' })),
  ];
  return {
    guidelines:
      'Choose the correct label for the text. The suggestion is a model prediction, not the answer.',
    fields: [{ name: 'text', title: 'Text', type: 'text', required: true }],
    questions: [
      {
        name: ARGILLA_QUESTION,
        title: 'Label',
        type: 'label_selection',
        labels: [...labels],
        required: true,
      },
    ],
    metadata,
  };
}

export function argillaRecords(items: readonly ReviewItem[], blind: boolean): ArgillaRecord[] {
  return items.map((x) => {
    const metadata: ArgillaRecord['metadata'] = {
      item_id: x.id,
      queue: x.queue,
      priority: x.priority,
      margin: x.margin,
      label_issue: x.labelIssue,
      cluster: x.cluster,
    };
    if (!blind) metadata.golden = x.golden;
    for (const m of x.models) {
      metadata[`pred_${m.key}`] = m.predicted;
      metadata[`score_${m.key}`] = m.score;
    }
    for (const [s, v] of Object.entries(x.slices)) metadata[`slice_${s}`] = v;
    const m0 = x.models[0]!;
    return {
      id: x.externalId,
      fields: { text: x.text },
      metadata,
      suggestions: [
        { question_name: ARGILLA_QUESTION, value: m0.predicted, score: m0.score, agent: m0.model },
      ],
    };
  });
}

/** Writes `settings.json` and `records-00001.json`… into `dir`; returns the record file names. */
export async function writeArgillaQueue(
  dir: string,
  items: readonly ReviewItem[],
  labels: readonly string[],
  blind: boolean,
): Promise<string[]> {
  await writeFileAtomic(
    join(dir, 'settings.json'),
    `${JSON.stringify(argillaSettings(labels, items, blind), null, 1)}\n`,
  );
  const records = argillaRecords(items, blind);
  const files: string[] = [];
  for (let i = 0; i * ARGILLA_CHUNK < records.length; i++) {
    const name = `records-${String(i + 1).padStart(5, '0')}.json`;
    await writeFileAtomic(
      join(dir, name),
      `${JSON.stringify(records.slice(i * ARGILLA_CHUNK, (i + 1) * ARGILLA_CHUNK))}\n`,
    );
    files.push(name);
  }
  return files;
}
