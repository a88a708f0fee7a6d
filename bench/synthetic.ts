import { createWriteStream, renameSync } from 'node:fs';
import { type RecordBatch, RecordBatchStreamWriter, Table, Utf8, vectorFromArray } from 'apache-arrow';

/*
 * Synthetic short e-mail-like texts for benchmarks (never for metrics): a deterministic mix of
 * spam-ish and ham-ish words, so tokenization and inference do realistic work.
 */
const WORDS = [
  'free',
  'offer',
  'meeting',
  'report',
  'click',
  'now',
  'team',
  'lunch',
  'winner',
  'invoice',
  'money',
  'project',
  'unsubscribe',
  'schedule',
  'limited',
  'patch',
  'kernel',
  'credit',
  'list',
  'thanks',
];

export function syntheticBatch(start: number, n: number): RecordBatch {
  const ids = new Array<string>(n);
  const texts = new Array<string>(n);
  const labels = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const r = start + i;
    const words: string[] = [];
    for (let w = 0; w < 12; w++) words.push(WORDS[(r * 31 + w * 7 + ((r >> w) & 3)) % WORDS.length]!);
    ids[i] = `syn-${r}`;
    texts[i] = `synthetic message ${r}: ${words.join(' ')}`;
    labels[i] = (r * 13) % 3 === 0 ? 'spam' : 'ham';
  }
  return new Table({
    id: vectorFromArray(ids, new Utf8()),
    text: vectorFromArray(texts, new Utf8()),
    label: vectorFromArray(labels, new Utf8()),
  }).batches[0]!;
}

/** Write `rows` synthetic rows as an Arrow stream, 10k rows per batch, without holding them all. */
export async function writeSyntheticDataset(path: string, rows: number): Promise<void> {
  // Written beside the destination and renamed when complete: an interrupted generation must not
  // leave a truncated file that a later run mistakes for a finished one.
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const writer = RecordBatchStreamWriter.throughNode();
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  writer.pipe(out);
  for (let start = 0; start < rows; start += 10_000) {
    writer.write(syntheticBatch(start, Math.min(10_000, rows - start)));
    if (start % 100_000 === 0) await new Promise((r) => setImmediate(r));
  }
  writer.end();
  await done;
  renameSync(tmp, path);
}
