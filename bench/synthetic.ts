import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordBatch, RecordBatchStreamWriter, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { PredictionsMeta } from '../src/contracts/predictions.js';
import { openArrow } from '../src/dataset/arrow-reader.js';
import { openArrowWriter } from '../src/dataset/arrow-writer.js';
import { makePredictionBatch, predictionsSchema } from '../src/run/predictions.js';
import { sha256File } from '../src/util/hash.js';
import { Xoshiro128 } from '../src/util/prng.js';

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

/*
 * Moderation-volume data (bench/volume.ts): comment-length texts of 10 to 40 words, a `channel`
 * slice column, and predictions of a seeded noisy scorer whose metadata carries the dataset's
 * fingerprint, as `modeval run` writes it. Synthetic on purpose: no real corpus has 10 M rows here.
 */
const CHANNELS = ['comment', 'caption', 'chat', 'username'];

/** Row r's word count, 10..40, spread by a multiplicative hash so neighbours differ. */
function wordCount(r: number): number {
  return 10 + ((Math.imul(r + 1, 0x9e3779b1) >>> 0) % 31);
}

export function commentBatch(start: number, n: number): RecordBatch {
  const ids = new Array<string>(n);
  const texts = new Array<string>(n);
  const labels = new Array<string>(n);
  const channels = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const r = start + i;
    const count = wordCount(r);
    const words: string[] = new Array(count);
    for (let w = 0; w < count; w++)
      words[w] = WORDS[(r * 31 + w * 7 + ((r >> (w & 15)) & 3)) % WORDS.length]!;
    ids[i] = `c${r}`;
    texts[i] = words.join(' ');
    labels[i] = (r * 13) % 3 === 0 ? 'spam' : 'ham';
    channels[i] = CHANNELS[(r >> 3) % CHANNELS.length]!;
  }
  return new Table({
    id: vectorFromArray(ids, new Utf8()),
    text: vectorFromArray(texts, new Utf8()),
    label: vectorFromArray(labels, new Utf8()),
    channel: vectorFromArray(channels, new Utf8()),
  }).batches[0]!;
}

/** Write `rows` comment rows as an Arrow IPC file (random access: the run's progress total). */
export async function writeCommentDataset(path: string, rows: number, batchRows = 10_000): Promise<void> {
  const schema = commentBatch(0, 1).schema;
  const writer = await openArrowWriter(path, { format: 'file', schema });
  try {
    for (let start = 0; start < rows; start += batchRows) {
      const b = commentBatch(start, Math.min(batchRows, rows - start));
      await writer.write(new RecordBatch(schema, b.data));
    }
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 * Predictions for every row of a dataset written by `writeCommentDataset`, in dataset order, as a
 * run of a binary spam model would write them (its metadata names the dataset's fingerprint, so
 * eval joins by position). Scores: a seeded logistic of a label-dependent signal plus noise.
 */
export async function writeCommentPredictions(
  dataset: string,
  path: string,
  batchRows = 10_000,
): Promise<void> {
  const fingerprint = await sha256File(dataset);
  const source = await openArrow(dataset);
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'model',
    model: {
      name: 'synthetic-scorer',
      version: '1',
      sha256: null,
      task: 'binary',
      labels: ['ham', 'spam'],
      positive: 'spam',
      thresholds: {},
    },
    dataset: { file: basename(dataset), fingerprint, rows: null },
    harness: { name: 'modeval', version: 'bench' },
    runtime: {},
    options: { generator: 'bench/synthetic.ts' },
  };
  const schema = predictionsSchema(meta);
  const writer = await openArrowWriter(path, { format: 'stream', schema });
  const rng = new Xoshiro128(11);
  try {
    for await (const batch of source.batches()) {
      const idCol = batch.getChild('id')!;
      const labelCol = batch.getChild('label')!;
      for (let s = 0; s < batch.numRows; s += batchRows) {
        const n = Math.min(batchRows, batch.numRows - s);
        const ids = new Array<string>(n);
        const predicted = new Array<string>(n);
        const scores = new Float32Array(2 * n);
        for (let i = 0; i < n; i++) {
          ids[i] = idCol.get(s + i) as string;
          const signal = labelCol.get(s + i) === 'spam' ? 1.2 : -1.2;
          const z = signal + 2 * (rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5);
          const p = Math.fround(1 / (1 + Math.exp(-z)));
          scores[2 * i] = Math.fround(1 - p);
          scores[2 * i + 1] = p;
          predicted[i] = p >= 0.5 ? 'spam' : 'ham';
        }
        await writer.write(makePredictionBatch(schema, ids, scores, predicted));
      }
    }
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 *   node dist/bench/synthetic.js --rows 10000000 --out /tmp/vol-10m [--predictions]
 * writes <out>/data.arrow (and <out>/predictions.arrows).
 */
async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rows = Number(arg('--rows') ?? '1000000');
  const out = arg('--out');
  if (out === undefined || !Number.isSafeInteger(rows) || rows < 1) {
    throw new Error('usage: synthetic.js --rows N --out DIR [--predictions]');
  }
  mkdirSync(out, { recursive: true });
  const data = join(out, 'data.arrow');
  if (!existsSync(data)) await writeCommentDataset(data, rows);
  if (process.argv.includes('--predictions'))
    await writeCommentPredictions(data, join(out, 'predictions.arrows'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
