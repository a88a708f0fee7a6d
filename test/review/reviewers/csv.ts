import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { type Review, ticks } from './reviewer.js';

/** In a spreadsheet: the `verdict` cell (policies joined by `; `) and `reviewer` filled in, saved as CSV. */
export const review: Review = async (dir, answers) => {
  const rows = parse(await readFile(join(dir, 'queue.csv'), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  for (const row of rows) {
    const a = answers.get(row.id!)!;
    row.verdict = a.multiLabel ? ticks(a).join('; ') : a.labels[0]!;
    row.reviewer = a.reviewer;
  }
  const file = join(dir, 'reviewed.csv');
  await writeFile(file, stringify(rows, { header: true }));
  return file;
};
