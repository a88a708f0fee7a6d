import { rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { RecordBatch } from 'apache-arrow';
import { env as ortEnv } from 'onnxruntime-node';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { openArrow } from '../dataset/arrow-reader.js';
import { openArrowWriter } from '../dataset/arrow-writer.js';
import { openDataset } from '../dataset/open.js';
import { OUTPUT_FILES, outputPath, writeJsonOutput, writeOutput } from '../io/outputs.js';
import type { ModelCard } from '../model/card.js';
import { createPredictor } from '../model/predictor.js';
import { BadInputError, RunFailedError } from '../util/errors.js';
import { sha256File, sha256Hex } from '../util/hash.js';
import { workerPath } from '../util/paths.js';
import { sameStringSet } from '../util/sets.js';
import { harnessVersion } from '../util/version.js';
import { checkOption } from '../util/zod.js';
import {
  type Checkpoint,
  checkpointMismatch,
  checkpointPaths,
  type RunTally,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
import { makePredictionBatch, predictionsSchema } from './predictions.js';
import { createProgress } from './progress.js';
import type { InferResult, InferTask, WorkerSetup } from './protocol.js';
import { type InputColumn, Rebatcher, type RowChunk } from './rebatch.js';
import type { PredictionsMeta, RunSummary } from './schema.js';

export const RunOptions = z.object({
  model: z.string().min(1),
  dataset: z.string().min(1),
  out: z.string().min(1),
  spec: z.string().optional(),
  /** Worker threads, each with its own ONNX Runtime session. Default: one per core. */
  workers: z.number().int().positive().optional(),
  /** Intra-op threads per session. Default: cores / workers (never oversubscribe). */
  threads: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().max(65_536).default(256),
  device: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
  onInvalid: z.enum(['error', 'skip']).default('error'),
  resume: z.boolean().default(false),
  quiet: z.boolean().default(false),
  /** Seconds between plain progress lines when not on a TTY. */
  progressEvery: z.number().positive().default(5),
  /** Attempts after the first for a chunk whose worker died. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
});
export type RunOptions = z.infer<typeof RunOptions>;
export type RunOptionsInput = z.input<typeof RunOptions>;

/** Test and embedding hooks; the CLI passes only `signal`. */
export interface RunHooks {
  /** Abort = interrupt: in-flight chunks finish, a checkpoint is left, the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Fault injection: the worker holding this chunk exits (once, or on every attempt). */
  crashAtSeq?: { seq: number; always?: boolean };
  /** Called after each chunk is written, in order. */
  onChunkWritten?: (seq: number, rowsDone: number) => void;
  log?: (line: string) => void;
}

export function defaultParallelism(workers?: number, threads?: number): { workers: number; threads: number } {
  const cores = availableParallelism();
  const w = workers ?? Math.max(1, Math.floor(cores / (threads ?? 1)));
  const t = threads ?? Math.max(1, Math.floor(cores / w));
  return { workers: w, threads: t };
}

/**
 * Score a dataset with a model on a worker pool and write predictions in dataset order.
 *
 * Memory is bounded by batchSize × in-flight chunks (2 per worker) plus one Arrow record batch,
 * whatever the dataset size (duplicate-id detection adds 24-48 bytes per row, see IdFingerprintSet).
 */
export async function runModel(input: RunOptionsInput, hooks: RunHooks = {}): Promise<RunSummary> {
  const opts = checkOption(RunOptions, input, 'run options');
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const { workers, threads } = defaultParallelism(opts.workers, opts.threads);
  const outDir = resolve(opts.out);

  // 1. Model: load and check the card, graph and dataset columns once here, so bad input fails
  //    before any worker starts; workers reuse the provider this probe settled on.
  const source = await openArrow(opts.dataset);
  const columns = source.schema.fields.map((f) => f.name);
  const probe = await createPredictor(opts.model, {
    threads: 1,
    device: opts.device,
    datasetColumns: columns,
    datasetFile: opts.dataset,
    thresholds: opts.thresholds,
  });
  const { card, modelSha256, provider, providerFallback } = probe;
  await probe.release();
  if (providerFallback) log(`modeval: CUDA unavailable, running on CPU (${providerFallback})`);

  const inputColumns: InputColumn[] = [];
  for (const inp of card.inputs) {
    if (inputColumns.some((c) => c.name === inp.column)) continue;
    inputColumns.push({ name: inp.column, kind: inp.kind === 'features' ? 'floats' : 'utf8' });
  }
  const dataset = await openDataset(opts.dataset, {
    ...(opts.spec ? { spec: opts.spec } : {}),
    textColumns: inputColumns.filter((c) => c.kind === 'utf8').map((c) => c.name),
  });

  // 2. Identity of this run: what a resume must match, and what the predictions carry.
  const fingerprint = await sha256File(opts.dataset);
  const keyOptions = {
    batchSize: opts.batchSize,
    onInvalid: opts.onInvalid,
    thresholds: JSON.stringify(opts.thresholds),
    spec: dataset.specOrigin === 'defaults' ? null : basename(dataset.specOrigin),
  };
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'model',
    model: {
      name: card.name,
      version: card.version,
      sha256: modelSha256,
      task: card.task,
      labels: [...card.labels],
      positive: card.positive ?? null,
      thresholds: { ...opts.thresholds },
    },
    dataset: { file: basename(opts.dataset), fingerprint, rows: null },
    harness: { name: 'modeval', version: harnessVersion() },
    runtime: { node: process.versions.node, 'onnxruntime-node': ortEnv.versions.node ?? 'unknown', provider },
    options: keyOptions,
  };
  const key: Checkpoint['key'] = {
    modelSha256,
    modelFilesSha256: await modelFilesSha256(opts.model, card),
    datasetFingerprint: fingerprint,
    options: keyOptions,
  };
  const paths = checkpointPaths(outDir);
  const existing = await readCheckpoint(outDir);
  if (existing && !opts.resume) {
    throw new BadInputError(
      `an interrupted run left a checkpoint here; pass --resume to continue it, or delete ${paths.dir}`,
      { file: outDir },
    );
  }
  if (opts.resume && !existing) log('modeval: no checkpoint to resume from; starting from the beginning');
  if (existing) {
    const why = checkpointMismatch(existing, key);
    if (why) throw new BadInputError(`cannot resume: ${why}`, { file: paths.file });
  }

  // 3. Output: the predictions stream, seeded with the interrupted run's rows when resuming.
  const schema = predictionsSchema(meta);
  // The writer's destination is the partial file: an interrupt commits it there, a completed run
  // then renames it into place (two atomic renames, never a half-written predictions file).
  const writer = await openArrowWriter(paths.partial, { format: 'stream', schema });
  const tally: RunTally = existing?.tally ?? {
    predicted: 0,
    invalid: 0,
    truncated: 0,
    labelled: 0,
    correct: 0,
  };
  const invalidRows = existing?.invalidRows ?? [];
  const startRow = existing?.nextRow ?? 0;
  let nextSeq = existing?.nextSeq ?? 0;
  let nextRow = startRow;
  if (existing) {
    // The key pins graph, card and options, so the partial file has this run's columns. Re-home
    // each batch's data on this run's schema object, without copying: the schema read back types
    // scores as a generic Float, which apache-arrow does not count as equal to Float32.
    try {
      for await (const batch of (await openArrow(paths.partial)).batches()) {
        await writer.write(new RecordBatch(schema, batch.data));
      }
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  const pool = new Piscina({
    filename: workerPath('infer'),
    workerData: {
      modelDir: resolve(opts.model),
      threads,
      device: provider,
      thresholds: opts.thresholds,
    } satisfies WorkerSetup,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
  });
  const progress = createProgress(`${card.name}@${card.version}`, {
    quiet: opts.quiet,
    every: opts.progressEvery,
  });
  progress.start(null, tally.predicted + tally.invalid);
  const scan = dataset.scan({
    onInvalid: opts.onInvalid,
    ...(opts.onInvalid === 'skip' ? { rejectsPath: outputPath(outDir, OUTPUT_FILES.rejected) } : {}),
  });
  const rebatcher = new Rebatcher(opts.batchSize, inputColumns, startRow, nextSeq);
  const maxInFlight = workers * 2;
  const inFlight = new Set<Promise<void>>();
  const done = new Map<number, { chunk: RowChunk; result: InferResult }>();
  let retries = 0;
  let failure: unknown;
  let writing: Promise<void> = Promise.resolve();
  let providerSeen = provider as string;

  const runChunk = async (chunk: RowChunk): Promise<InferResult> => {
    for (let attempt = 0; ; attempt++) {
      const task: InferTask = { seq: chunk.seq, rows: chunk.ids.length, inputs: chunk.inputs };
      const crash = hooks.crashAtSeq;
      if (crash && crash.seq === chunk.seq && (crash.always || attempt === 0)) task.crash = true;
      try {
        return (await pool.run(task)) as InferResult;
      } catch (err) {
        if (attempt >= opts.maxRetries) {
          const first = chunk.ids[0];
          const last = chunk.ids[chunk.ids.length - 1];
          throw new RunFailedError(
            `chunk ${chunk.seq} (dataset rows ${chunk.rows[0]}-${chunk.endRow - 1}, ids ${JSON.stringify(first)}…${JSON.stringify(last)}) failed ${attempt + 1} times; last error: ${(err as Error).message}`,
            { cause: err },
          );
        }
        retries++;
        log(`modeval: worker failed on chunk ${chunk.seq} (${(err as Error).message}); retrying`);
      }
    }
  };

  // Results arrive in any order; they are written strictly in chunk order.
  const flushInOrder = () => {
    writing = writing.then(async () => {
      while (done.has(nextSeq)) {
        const { chunk, result } = done.get(nextSeq)!;
        done.delete(nextSeq);
        await writer.write(toBatch(schema, chunk, result, tally, invalidRows, card.labels.length));
        providerSeen = result.provider;
        nextSeq++;
        nextRow = chunk.endRow;
        progress.update(tally.predicted + tally.invalid);
        hooks.onChunkWritten?.(chunk.seq, nextRow);
      }
    });
    return writing;
  };

  const dispatch = async (chunk: RowChunk) => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure) return;
    const p: Promise<void> = runChunk(chunk)
      .then((result) => {
        done.set(chunk.seq, { chunk, result });
        return flushInOrder();
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  let interrupted = false;
  try {
    try {
      outer: for await (const vb of scan) {
        for (const chunk of rebatcher.push(vb)) {
          if (hooks.signal?.aborted || failure) break outer;
          await dispatch(chunk);
        }
        if (hooks.signal?.aborted || failure) break;
      }
      if (!hooks.signal?.aborted && !failure) for (const chunk of rebatcher.flush()) await dispatch(chunk);
    } finally {
      await Promise.all(inFlight);
      await writing;
    }
    if (failure) throw failure;
    interrupted = hooks.signal?.aborted === true;
    if (!interrupted && scan.summary.rows === 0) {
      throw new BadInputError('dataset has no rows: nothing to score', { file: opts.dataset });
    }
  } catch (err) {
    progress.stop();
    await writer.abort();
    await pool.destroy();
    throw err;
  }
  progress.stop();
  await pool.destroy();

  const finishedAt = new Date();
  const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  const processedNow =
    tally.predicted + tally.invalid - (existing ? existing.tally.predicted + existing.tally.invalid : 0);
  const summary: RunSummary = {
    status: interrupted ? 'interrupted' : 'completed',
    predictions: interrupted ? null : outputPath(outDir, OUTPUT_FILES.predictions),
    model: { name: card.name, version: card.version, sha256: modelSha256 },
    dataset: { file: opts.dataset, fingerprint },
    rows: scan.summary.rows,
    rejected: scan.summary.rejected,
    predicted: tally.predicted,
    invalid: tally.invalid,
    truncated: tally.truncated,
    labelled: tally.labelled,
    accuracy: tally.labelled > 0 ? tally.correct / tally.labelled : null,
    seconds,
    rowsPerSecond: seconds > 0 ? processedNow / seconds : 0,
    workers,
    threads,
    provider: providerSeen,
    retries,
    resumedFromRow: startRow,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };

  if (interrupted) {
    // Keep what is written as the partial file and record where to continue.
    await writer.commit();
    await writeCheckpoint(outDir, { schemaVersion: 1, key, nextRow, nextSeq, tally, invalidRows });
    log(
      `modeval: interrupted after ${tally.predicted + tally.invalid} rows; rerun with --resume to continue`,
    );
    return summary;
  }
  await writer.commit();
  await rename(paths.partial, outputPath(outDir, OUTPUT_FILES.predictions));
  await writeOutput(
    OUTPUT_FILES.invalidRows,
    outDir,
    invalidRows.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  await writeJsonOutput(OUTPUT_FILES.run, outDir, { ...summary, meta });
  await rm(paths.dir, { recursive: true, force: true });
  return summary;
}

/**
 * The .onnx hash alone misses a card or tokenizer edited between an interrupt and `--resume`,
 * which would splice rows decided two ways (or with two label sets) into one predictions file.
 */
async function modelFilesSha256(modelDir: string, card: ModelCard): Promise<string> {
  const files = card.inputs.flatMap((input) =>
    input.kind === 'text' ? [input.tokenizer, ...(input.tokenizerConfig ? [input.tokenizerConfig] : [])] : [],
  );
  const hashes = await Promise.all(files.map((f) => sha256File(join(modelDir, f))));
  return sha256Hex(JSON.stringify([card, hashes]));
}

/** Turn one worker result into a predictions batch, tallying accuracy and setting invalid rows aside. */
function toBatch(
  schema: ReturnType<typeof predictionsSchema>,
  chunk: RowChunk,
  result: InferResult,
  tally: RunTally,
  invalidRows: Checkpoint['invalidRows'],
  k: number,
) {
  const bad = new Set(result.invalid.map((r) => r.row));
  for (const r of result.invalid)
    invalidRows.push({ row: chunk.rows[r.row]!, id: chunk.ids[r.row]!, reason: r.reason });
  const keep = chunk.ids.length - bad.size;
  const ids: string[] = [];
  const predicted: (string | string[])[] = [];
  const scores = bad.size === 0 ? result.scores : new Float32Array(keep * k);
  for (let i = 0, j = 0; i < chunk.ids.length; i++) {
    if (bad.has(i)) continue;
    const p = result.predicted[i]!;
    ids.push(chunk.ids[i]!);
    predicted.push(p);
    if (bad.size > 0) scores.set(result.scores.subarray(i * k, (i + 1) * k), j * k);
    j++;
    const gold = chunk.labels[i];
    if (gold !== null && gold !== undefined) {
      tally.labelled++;
      if (sameLabel(gold, p)) tally.correct++;
    }
  }
  tally.predicted += keep;
  tally.invalid += bad.size;
  tally.truncated += result.truncated;
  return makePredictionBatch(schema, ids, scores, predicted);
}

function sameLabel(gold: string | string[], predicted: string | string[]): boolean {
  if (typeof gold === 'string' || typeof predicted === 'string') return gold === predicted;
  return sameStringSet(gold, predicted);
}
