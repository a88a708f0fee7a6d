import { writeFile } from 'node:fs/promises';
import { RecordBatchStreamWriter, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import type { QueueBatch } from '../../src/review/formats/format.js';
import type { ReviewItem } from '../../src/review/item.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';
import { binaryView } from '../../src/task/index.js';

/**
 * SYNTHETIC fixtures for the review tests: a 24-item golden set with made-up texts and two made-up
 * models. Item i is `spam` when i % 3 === 0; model A's spam probability is chosen per item so that
 * it gets a known set of items wrong; model B differs from A on a known set.
 */
export const N = 24;
export const ids = Array.from({ length: N }, (_, i) => `item-${String(i).padStart(2, '0')}`);
export const golden = ids.map((_, i) => (i % 3 === 0 ? 'spam' : 'ham'));
export const source = ids.map((_, i) => (i < 12 ? 'forum' : 'mail'));
export const texts = ids.map((id, i) =>
  i % 3 === 0 ? `cheap pills offer ${id} click now` : `meeting notes for ${id}, see you tomorrow`,
);

/** Model A spam probability: wrong (on purpose) on items 0, 3 (spam called ham) and 1, 4, 7 (ham called spam). */
export const spamA = ids.map((_, i) => {
  if (i === 0) return 0.02; // confidently wrong on a spam item
  if (i === 3) return 0.45; // hesitant
  if (i === 1) return 0.97; // confidently wrong on a ham item
  if (i === 4 || i === 7) return 0.55;
  return i % 3 === 0 ? 0.9 : 0.1;
});
/** Model B agrees with A except on items 4 and 13. */
export const spamB = spamA.map((p, i) => (i === 4 ? 0.3 : i === 13 ? 0.8 : p));
export const wrongA = ['item-00', 'item-01', 'item-03', 'item-04', 'item-07'];

export async function writeGolden(path: string): Promise<void> {
  const table = new Table({
    id: vectorFromArray(ids, new Utf8()),
    text: vectorFromArray(texts, new Utf8()),
    label: vectorFromArray(golden, new Utf8()),
    source: vectorFromArray(source, new Utf8()),
  });
  await writeFile(path, tableToIPC(table, 'file'));
  await writeFile(
    path.replace(/\.arrow$/, '.spec.json'),
    JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam', slices: ['source'] }),
  );
}

export function meta(name: string, version: string): PredictionsMeta {
  return {
    schemaVersion: 1,
    source: 'import',
    model: {
      name,
      version,
      sha256: null,
      task: 'binary',
      labels: ['ham', 'spam'],
      positive: 'spam',
      thresholds: { spam: 0.5 },
    },
    dataset: { file: 'golden.arrow', fingerprint: '', rows: N },
    harness: { name: 'modeval', version: 'test' },
    runtime: {},
    options: {},
  };
}

export async function writePredictions(
  path: string,
  name: string,
  version: string,
  spam: readonly number[],
  rowIds: readonly string[] = ids,
): Promise<void> {
  const schema = predictionsSchema(meta(name, version));
  const scores = new Float32Array(rowIds.length * 2);
  spam.forEach((p, i) => {
    scores[i * 2] = 1 - p;
    scores[i * 2 + 1] = p;
  });
  const batch = makePredictionBatch(
    schema,
    rowIds,
    scores,
    spam.map((p) => (p >= 0.5 ? 'spam' : 'ham')),
  );
  const writer = new RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  await writeFile(path, await writer.toUint8Array());
}

/** A batch as the export hands it to a format, for tests that call a writer directly. */
export function queueBatch(items: readonly ReviewItem[], extra: Partial<QueueBatch> = {}): QueueBatch {
  return {
    items,
    labels: ['ham', 'spam'],
    queue: 'q',
    batch: 'batch-0001',
    golden: 'prediction',
    blind: false,
    sliceTypes: new Map(),
    metadata: new Map(),
    view: binaryView,
    ...extra,
  };
}
