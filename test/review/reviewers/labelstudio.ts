import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Review, ticks } from './reviewer.js';

/**
 * Label Studio's JSON export after review: each imported task with Label Studio's own id and one
 * submitted annotation whose Choices result holds the answer, the user expanded to an e-mail.
 */
export const review: Review = async (dir, answers) => {
  const tasks = JSON.parse(await readFile(join(dir, 'labelstudio-tasks.json'), 'utf8')) as {
    data: { item_id: string };
  }[];
  const exported = tasks.map((t, i) => {
    const a = answers.get(t.data.item_id)!;
    return {
      id: 1000 + i,
      data: t.data,
      annotations: [
        {
          id: 2000 + i,
          completed_by: { id: 7, email: a.reviewer },
          result: [{ from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ticks(a) } }],
          was_cancelled: false,
          ground_truth: false,
          import_id: null,
          created_at: '2026-12-01T10:00:00Z',
          updated_at: '2026-12-01T10:05:00Z',
        },
      ],
      predictions: [],
    };
  });
  const file = join(dir, 'labelstudio-export.json');
  await writeFile(file, JSON.stringify(exported));
  return file;
};
