/**
 * The strong bare loop `modeval run` is measured against (bench/volume.ts, RESULTS-volume.md): what
 * scoring a dataset costs with nothing but the libraries. The main thread only starts workers;
 * each of the 2 worker threads opens the Arrow file itself, reads its half of the record batches
 * (random access through the file footer: no copy between threads), decodes the texts, tokenizes
 * them with @huggingface/tokenizers, and runs onnxruntime-node with the same model, batch 256,
 * 1 intra-op thread. No validation, no ids, no output; P(spam) is summed so the work cannot be
 * skipped and the inputs can be checked against modeval's scores.
 *
 * Inputs are the ones the model card asks for (models/spam-v1: right truncation to 256 tokens with
 * [CLS]/[SEP], padding to the longest row). Like `modeval run`, a long text is tokenized only up
 * to a whitespace cut well past what 256 tokens need (2,048 characters, doubling when short).
 *
 *   npm run build && node dist/bench/bare-loop.js <dataset.arrow> [model dir] [workers]
 * prints one JSON line: rows, seconds (whole process), sum of P(spam).
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RecordBatchReader } from 'apache-arrow';
import * as ort from 'onnxruntime-node';
import { createTextTokenizer, type TextTokenizer } from '../src/model/preprocess.js';

const BATCH = 256;
const MAX_LENGTH = 256;

interface Job {
  dataset: string;
  model: string;
  worker: number;
  workers: number;
}

/** Leading tokens of a text: tokenize a whitespace-cut prefix, doubling it until it is enough. */
function headTokens(tok: TextTokenizer, text: string, budget: number): string[] {
  let cut = 2048;
  while (cut < text.length) {
    const space = text.indexOf(' ', cut);
    if (space < 0) break;
    const tokens = tok.tokenizer.tokenize(text.slice(0, space), { add_special_tokens: false });
    if (tokens.length >= budget + 16) return tokens;
    cut *= 2;
  }
  return tok.tokenizer.tokenize(text, { add_special_tokens: false });
}

async function score(job: Job): Promise<{ rows: number; sum: number }> {
  const tok = createTextTokenizer(
    JSON.parse(readFileSync(join(job.model, 'tokenizer.json'), 'utf8')),
    {},
    join(job.model, 'tokenizer.json'),
  );
  const session = await ort.InferenceSession.create(join(job.model, 'model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const fh = await open(job.dataset, 'r');
  const reader = await RecordBatchReader.from(fh);
  await reader.open();
  if (!reader.isFile()) throw new Error('the bare loop reads the Arrow file format');
  const batches = reader.numRecordBatches;
  const first = Math.floor((job.worker * batches) / job.workers);
  const end = Math.floor(((job.worker + 1) * batches) / job.workers);
  const budget = MAX_LENGTH - tok.specialTokenCount;
  const decoder = new TextDecoder();
  let pending: string[] = [];
  let rows = 0;
  let sum = 0;
  const run = async (texts: string[]) => {
    const post = tok.tokenizer.post_processor;
    const ids: number[][] = texts.map((t) => {
      const head = headTokens(tok, t, budget).slice(0, budget);
      const tokens: string[] = post ? post(head, null, true).tokens : head;
      return tokens.map((x) => tok.tokenizer.token_to_id(x) ?? tok.unkId!);
    });
    let seq = 1;
    for (const r of ids) seq = Math.max(seq, r.length);
    const inputIds = new BigInt64Array(texts.length * seq).fill(BigInt(tok.padId));
    const mask = new BigInt64Array(texts.length * seq);
    ids.forEach((r, i) => {
      for (let j = 0; j < r.length; j++) {
        inputIds[i * seq + j] = BigInt(r[j]!);
        mask[i * seq + j] = 1n;
      }
    });
    const dims = [texts.length, seq];
    const out = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    });
    // P(last label) per row from the two logits: the bench checks it against modeval's scores.
    const logits = out.logits!.data as Float32Array;
    for (let i = 0; i < texts.length; i++) sum += 1 / (1 + Math.exp(logits[2 * i]! - logits[2 * i + 1]!));
    rows += texts.length;
  };
  for (let b = first; b < end; b++) {
    const batch = await reader.readRecordBatch(b);
    const data = batch!.getChild('text')!.data[0]!;
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      pending.push(decoder.decode(values.subarray(offsets[i]!, offsets[i + 1]!)));
      if (pending.length === BATCH) {
        await run(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) await run(pending);
  await reader.cancel();
  await fh.close();
  await session.release();
  return { rows, sum };
}

async function main(): Promise<void> {
  const started = performance.timeOrigin;
  const [dataset, model = join('models', 'spam-v1'), workersArg = '2'] = process.argv.slice(2);
  if (dataset === undefined) throw new Error('usage: bare-loop.js <dataset.arrow> [model dir] [workers]');
  const workers = Number(workersArg);
  const results = await Promise.all(
    Array.from(
      { length: workers },
      (_, worker) =>
        new Promise<{ rows: number; sum: number }>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), {
            workerData: { dataset, model, worker, workers } satisfies Job,
          });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const rows = results.reduce((a, r) => a + r.rows, 0);
  const sum = results.reduce((a, r) => a + r.sum, 0);
  // Whole process: from the process's start (module loading included), as `time` sees it.
  const seconds = (performance.timeOrigin + performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ rows, seconds, sum })}\n`);
}

if (isMainThread) await main();
else parentPort!.postMessage(await score(workerData as Job));
