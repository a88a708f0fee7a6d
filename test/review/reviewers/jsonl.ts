import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Review } from './reviewer.js';

/** In an editor: each line's `verdict` (a label, or a JSON list of policies) and `reviewer` filled in. */
export const review: Review = async (dir, answers) => {
  const lines = (await readFile(join(dir, 'queue.jsonl'), 'utf8')).trim().split('\n');
  const out = lines.map((l) => {
    const row = JSON.parse(l) as Record<string, unknown>;
    const a = answers.get(row.id as string)!;
    return JSON.stringify({ ...row, verdict: a.multiLabel ? a.labels : a.labels[0], reviewer: a.reviewer });
  });
  const file = join(dir, 'reviewed.jsonl');
  await writeFile(file, `${out.join('\n')}\n`);
  return file;
};
