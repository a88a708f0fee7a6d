import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Review, ticks } from './reviewer.js';

/**
 * Argilla 2.x after review, saved with `Dataset.to_disk`: the records as `Record.to_dict()` writes
 * them, each with a submitted response to the `label` question (a list on a multi-label question).
 */
export const review: Review = async (dir, answers) => {
  const folder = join(dir, 'argilla-reviewed');
  await cp(join(dir, 'argilla'), folder, { recursive: true });
  const records = JSON.parse(await readFile(join(folder, 'records.json'), 'utf8')) as {
    metadata: { item_id: string };
    responses: unknown;
  }[];
  for (const r of records) {
    const a = answers.get(r.metadata.item_id)!;
    r.responses = {
      label: [{ value: a.multiLabel ? ticks(a) : a.labels[0], user_id: a.reviewer, status: 'submitted' }],
    };
  }
  await writeFile(join(folder, 'records.json'), JSON.stringify(records));
  return folder;
};
