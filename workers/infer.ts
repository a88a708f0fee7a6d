/**
 * Piscina worker: loads the model once (the module's default export is a promise of the handler,
 * so piscina waits for the load), then scores one chunk per task.
 */
import { Buffer } from 'node:buffer';
import { workerData } from 'piscina';
import type { ImageColumn } from '../src/model/image.js';
import { type ColumnBatch, createPredictor } from '../src/model/predictor.js';
import type { FeatureColumn } from '../src/model/preprocess.js';
import type { InferReply, InferTask, WorkerSetup } from '../src/run/protocol.js';
import type { PackedInput } from '../src/run/rebatch.js';
import { BadInputError } from '../src/util/errors.js';

const setup = workerData as WorkerSetup;

/** TextDecoder refuses views of shared memory; Buffer decodes them without an extra copy. */
function decodeStrings(input: Extract<PackedInput, { kind: 'utf8' }>, rows: number): string[] {
  const buf = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const out = new Array<string>(rows);
  for (let i = 0; i < rows; i++) out[i] = buf.toString('utf8', input.offsets[i]!, input.offsets[i + 1]!);
  return out;
}

/** Views of each row's bytes in shared memory (sharp reads them without a copy). */
function splitBytes(input: Extract<PackedInput, { kind: 'binary' }>, rows: number): Uint8Array[] {
  const out = new Array<Uint8Array>(rows);
  for (let i = 0; i < rows; i++) out[i] = input.bytes.subarray(input.offsets[i]!, input.offsets[i + 1]!);
  return out;
}

function toColumn(input: PackedInput, rows: number, imagePaths: boolean): ColumnBatch {
  if (input.kind === 'binary')
    return { kind: 'bytes', values: splitBytes(input, rows) } satisfies ImageColumn;
  if (input.kind === 'floats')
    return { values: input.values, offsets: input.offsets } satisfies FeatureColumn;
  const strings = decodeStrings(input, rows);
  // A Utf8 column an image input reads holds file paths relative to the dataset's folder.
  return imagePaths
    ? ({ kind: 'paths', root: setup.datasetDir, values: strings } satisfies ImageColumn)
    : strings;
}

/** What a worker that could not load the model answers every task with (never a crash loop). */
function failing(err: unknown): (task: InferTask) => InferReply {
  const failure = {
    message: err instanceof Error ? err.message : String(err),
    badInput: err instanceof BadInputError,
  };
  return (task) => ({ seq: task.seq, failure });
}

export default (async () => {
  let predictor: Awaited<ReturnType<typeof createPredictor>>;
  try {
    predictor = await createPredictor(setup.modelDir, {
      threads: setup.threads,
      device: setup.device,
      thresholds: setup.thresholds,
    });
  } catch (err) {
    // A pool may start before the main thread has checked the model (run/pool.ts): piscina would
    // replace a worker that failed to load again and again, so it stays up and answers with why.
    return failing(err);
  }
  const labelIndex = new Map(predictor.card.labels.map((l, j) => [l, j]));
  const imageColumns = new Set(predictor.card.inputs.filter((i) => i.kind === 'image').map((i) => i.column));
  // piscina hands each worker two tasks at once (run.ts), so the next chunk is already here when one
  // ends; they are scored one after the other, as a bare loop would, never interleaved.
  let queue: Promise<unknown> = Promise.resolve();
  return (task: InferTask): Promise<InferReply> => {
    // The answer is ignored: that it comes at all says the model is loaded.
    if (task.ping) return Promise.resolve({ seq: task.seq, failure: { message: 'ping', badInput: false } });
    const reply = queue.then(() => score(task));
    queue = reply.catch(() => undefined);
    return reply;
  };

  async function score(task: InferTask): Promise<InferReply> {
    if (task.crash) process.exit(70);
    const columns = Object.fromEntries(
      Object.entries(task.inputs).map(([name, p]) => [name, toColumn(p, task.rows, imageColumns.has(name))]),
    );
    let out: Awaited<ReturnType<typeof predictor.predict>>;
    try {
      out = await predictor.predict({ rows: task.rows, columns });
    } catch (err) {
      // Deterministic: the same chunk would fail the same way again (protocol.ts InferFailure).
      const badInput = err instanceof BadInputError;
      return {
        seq: task.seq,
        failure: { message: err instanceof Error ? err.message : String(err), badInput },
      };
    }
    return {
      seq: task.seq,
      scores: out.scores,
      predicted: out.multilabel
        ? out.predicted
        : Int32Array.from(out.predicted, (p) => (p === null ? -1 : labelIndex.get(p)!)),
      invalid: out.invalidRows,
      badInput: out.badInputRows,
      badOutput: out.badOutputRows,
      truncated: out.truncatedRows,
      provider: predictor.provider,
      providerFallback: predictor.providerFallback ?? null,
    };
  }
})();
