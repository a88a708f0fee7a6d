import { extname, join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import { BadInputError } from '../../util/errors.js';
import type { ParsedVerdicts, VerdictReadOptions } from '../verdicts.js';
import { defineFormat, type QueueBatch } from './format.js';
import { readFlatRow } from './shared/flat-verdicts.js';
import { tabularColumns } from './shared/tabular-columns.js';

/** One JSON object per line; reviewers fill `verdict` (and `reviewer`) and import the file back. */
export async function writeJsonlQueue(dest: string, batch: QueueBatch): Promise<void> {
  const cols = tabularColumns(batch);
  const lines = batch.items.map((x) =>
    JSON.stringify(Object.fromEntries(cols.map((c) => [c.name, c.value(x)]))),
  );
  await writeFileAtomic(dest, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

export function parseJsonlVerdicts(file: string, text: string, read: VerdictReadOptions): ParsedVerdicts {
  const out: ParsedVerdicts = { verdicts: [], problems: [], skipped: 0 };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    throw new BadInputError(
      'not JSON Lines: the file is one JSON array (is it a Label Studio or Argilla export?)',
      {
        file,
      },
    );
  }
  let row = 0;
  text.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(l);
    } catch (err) {
      if (row === 0)
        throw new BadInputError(`not JSON Lines: ${(err as Error).message}`, { file, line: i + 1 });
      out.problems.push({ file, row, line: i + 1, message: `not a JSON object: ${(err as Error).message}` });
      row++;
      return;
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      out.problems.push({ file, row, line: i + 1, message: 'not a JSON object' });
    } else readFlatRow(out, json, file, row, i + 1, read);
    row++;
  });
  return out;
}

export const format = defineFormat({
  id: 'jsonl',
  title: 'JSONL',
  files: ['queue.jsonl'],
  write: (dir, batch) => writeJsonlQueue(join(dir, 'queue.jsonl'), batch),
  read: {
    describe: 'JSONL with id + verdict',
    // A JSON object first: JSON Lines, unless another tool claims the shape.
    sniff: (file, { root }) =>
      ['.jsonl', '.ndjson'].includes(extname(file).toLowerCase())
        ? 'extension'
        : root === 'object'
          ? 'hint'
          : null,
    parse: parseJsonlVerdicts,
  },
});
