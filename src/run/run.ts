import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Field } from 'apache-arrow';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { openArrow } from '../dataset/arrow-reader.js';
import { isBinaryType, isStringType } from '../dataset/columns.js';
import { type Dataset, openDataset } from '../dataset/open.js';
import { countArrowRows } from '../dataset/row-count.js';
import { folderFiles, withOutputFolder } from '../io/guard.js';
import { OUTPUT_FILES, outputPath, writeJsonOutput, writeOutput } from '../io/outputs.js';
import { MODEL_CARD_FILE, type ModelCard, modelFileName } from '../model/card.js';
import type { Device } from '../model/onnx-session.js';
import { checkCardPolicies, policyMapping } from '../model/policy-map.js';
import { createPredictor } from '../model/predictor.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { workerPath } from '../util/paths.js';
import { checkOption, keyedRecordSchema } from '../util/zod.js';
import { checkpointPaths, resumePoint } from './checkpoint.js';
import { InOrderDispatcher } from './dispatch.js';
import { runIdentity } from './identity.js';
import { createProgress } from './progress.js';
import type { InferReply, InferResult, WorkerSetup } from './protocol.js';
import { type InputColumn, packedString, Rebatcher, type RowChunk } from './rebatch.js';
import type { PredictionsMeta, RunSummary } from './schema.js';
import { ShardSpecSchema, shardRows } from './shard.js';
import { summarize } from './summary.js';
import { PredictionsWriter } from './writer.js';

export const RunOptionsSchema = z.object({
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
  thresholds: keyedRecordSchema(z.number().min(0).max(1)).default(() => keyedRecord<number>()),
  /**
   * Make progress durable (predictions synced, checkpoint replaced) at least this often, so a run
   * killed outright (SIGKILL, OOM killer, preemption) redoes at most this much work on `--resume`.
   */
  checkpointSeconds: z.number().positive().default(10),
  /** Also checkpoint after this many rows (0: by time only). */
  checkpointRows: z.number().int().min(0).default(0),
  /** Score only share `index` (0-based) of `count` contiguous shares; merge with `predictions merge`. */
  shard: ShardSpecSchema.optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;
export type RunOptionsInput = z.input<typeof RunOptionsSchema>;

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

/** The model loaded and checked, the dataset measured, the run's identity, and any checkpoint to resume. */
async function openRun(opts: RunOptions, outDir: string, log: (line: string) => void) {
  const { card, modelSha256, provider, runtime, inputColumns, dataset } = await prepareModel(opts, log);
  const datasetRows = await countArrowRows(opts.dataset);
  const share = opts.shard ? shardRows(opts.shard, datasetRows, opts.dataset) : undefined;
  const { fingerprint, meta, key } = await runIdentity(opts, {
    card,
    modelSha256,
    provider,
    runtime,
    specOrigin: dataset.specOrigin,
  });
  const existing = await resumePoint(outDir, key, opts.resume, datasetRows, log);
  return {
    card,
    modelSha256,
    provider,
    inputColumns,
    dataset,
    datasetRows,
    share,
    fingerprint,
    meta,
    key,
    existing,
  };
}

/**
 * Scores every row in order; true when the signal stopped it. On failure the run is torn down
 * (`abort`) before the error propagates, so no worker or partial output outlives it.
 */
async function scoreOrAbort(
  scan: Parameters<typeof scoreInOrder>[0],
  rebatcher: Rebatcher,
  dispatcher: InOrderDispatcher,
  datasetFile: string,
  signal: AbortSignal | undefined,
  abort: () => Promise<void>,
  verify: () => void,
): Promise<boolean> {
  try {
    await scoreInOrder(scan, rebatcher, dispatcher, signal);
    if (dispatcher.failure) throw dispatcher.failure;
    const interrupted = signal?.aborted === true;
    if (!interrupted && scan.summary.rows === 0) {
      throw new BadInputError('dataset has no rows: nothing to score', { file: datasetFile });
    }
    if (!interrupted) verify();
    return interrupted;
  } catch (err) {
    await abort();
    throw err;
  }
}

/**
 * Score a dataset with a model on a worker pool and write predictions in dataset order.
 *
 * Memory is bounded by batchSize × in-flight chunks (2 per worker) plus one Arrow record batch,
 * whatever the dataset size (duplicate-id detection adds 24-48 bytes per row, see IdFingerprintSet).
 */
export async function runModel(input: RunOptionsInput, hooks: RunHooks = {}): Promise<RunSummary> {
  const opts = checkOption(RunOptionsSchema, input, 'run options');
  const outDir = resolve(opts.out);
  // Checked and locked before any heavy work: no output may be an input, the folder must take files.
  const inputs = [
    { path: opts.dataset, what: 'dataset' },
    ...(opts.spec ? [{ path: opts.spec, what: 'dataset spec' }] : []),
    ...folderFiles(opts.model, 'model file'),
  ];
  const outputs = [
    OUTPUT_FILES.predictions,
    OUTPUT_FILES.run,
    OUTPUT_FILES.rejected,
    OUTPUT_FILES.invalidRows,
  ];
  return withOutputFolder(outDir, 'modeval run', { outputs, inputs }, () =>
    scoreDataset(opts, outDir, hooks),
  );
}

async function scoreDataset(opts: RunOptions, outDir: string, hooks: RunHooks): Promise<RunSummary> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const { workers, threads } = defaultParallelism(opts.workers, opts.threads);

  const opened = await openRun(opts, outDir, log);
  const { card, modelSha256, provider, inputColumns, dataset, datasetRows, share } = opened;
  const { fingerprint, meta, key, existing } = opened;
  const startRow = existing?.nextRow ?? 0;
  const alreadyDone = existing ? existing.tally.predicted + existing.tally.invalid : 0;
  const pool = startPool(opts, provider, workers, threads);
  // The writer creates .checkpoint/: opened once the pool is up, so a failed start leaves none.
  let writer: PredictionsWriter;
  try {
    const interval = { rows: opts.checkpointRows, seconds: opts.checkpointSeconds };
    writer = await PredictionsWriter.open(outDir, meta, key, existing, interval, policyMapping(card));
  } catch (err) {
    await pool.destroy();
    throw err;
  }
  let providerSeen = provider as string;
  const progress = createProgress(`${card.name}@${card.version}`, {
    quiet: opts.quiet,
    every: opts.progressEvery,
  });
  // The total comes from the Arrow metadata (footer or batch headers), never from reading the rows.
  progress.start(share ? share.endRow - share.firstRow : datasetRows, writer.processed);
  const dispatcher = new InOrderDispatcher({
    run: (task) => pool.run(task) as Promise<InferReply>,
    maxInFlight: workers * 3,
    maxRetries: opts.maxRetries,
    log,
    crashAtSeq: hooks.crashAtSeq,
    deliver: async (chunk, result) => {
      if (opts.onInvalid === 'error') refuseInvalidRows(chunk, result, opts.model, card);
      await writer.write(chunk, result);
      providerSeen = result.provider;
      progress.update(writer.processed);
      hooks.onChunkWritten?.(chunk.seq, writer.nextRow);
    },
  });
  const scan = dataset.scan({
    onInvalid: opts.onInvalid,
    ...(opts.onInvalid === 'skip' ? { rejectsPath: outputPath(outDir, OUTPUT_FILES.rejected) } : {}),
  });

  const rebatcher = new Rebatcher(
    opts.batchSize,
    inputColumns,
    startRow,
    writer.nextSeq,
    share ? (row) => row >= share.firstRow && row < share.endRow : undefined,
  );
  const interrupted = await scoreOrAbort(
    scan,
    rebatcher,
    dispatcher,
    opts.dataset,
    hooks.signal,
    async () => {
      progress.stop();
      await writer.abort();
      await pool.destroy();
    },
    () => refuseNothingScored(writer, opts.model, card),
  );
  progress.stop();
  await pool.destroy();

  const summary = summarize({
    status: interrupted ? 'interrupted' : 'completed',
    predictions: interrupted ? null : outputPath(outDir, OUTPUT_FILES.predictions),
    model: { name: card.name, version: card.version, sha256: modelSha256 },
    dataset: { file: opts.dataset, fingerprint },
    rows: scan.summary.rows,
    rejected: scan.summary.rejected,
    tally: writer.tally,
    processedNow: writer.processed - alreadyDone,
    workers,
    threads,
    provider: providerSeen,
    retries: dispatcher.retries,
    resumedFromRow: startRow,
    startedAt,
    ...(share ? { shard: share } : {}),
  });

  if (interrupted) {
    await writer.interrupt();
    log(`modeval: interrupted after ${writer.processed} rows; rerun with --resume to continue`);
  } else {
    try {
      await finishOutputs(outDir, writer, summary, meta);
    } catch (err) {
      // The last gathered bytes are written only now: a full disk here leaves what a failed
      // write during scoring would (nothing for a fresh run, the last checkpoint for a resumed one).
      await writer.abort().catch(() => undefined);
      throw err;
    }
  }
  return summary;
}

/** A completed run: the predictions in place, then the invalid rows and run.json; the checkpoint goes. */
async function finishOutputs(
  outDir: string,
  writer: PredictionsWriter,
  summary: RunSummary,
  meta: PredictionsMeta,
): Promise<void> {
  await writer.complete(outputPath(outDir, OUTPUT_FILES.predictions));
  await writeOutput(
    OUTPUT_FILES.invalidRows,
    outDir,
    writer.invalidRows.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  await writeJsonOutput(OUTPUT_FILES.run, outDir, { ...summary, meta });
  await rm(checkpointPaths(outDir).dir, { recursive: true, force: true });
}

/** One worker per thread slot, each loading the model once (see TECH-NOTES on piscina). */
function startPool(opts: RunOptions, device: Device, workers: number, threads: number): Piscina {
  return new Piscina({
    filename: workerPath('infer'),
    workerData: {
      modelDir: resolve(opts.model),
      threads,
      device,
      thresholds: opts.thresholds,
      datasetDir: dirname(resolve(opts.dataset)),
    } satisfies WorkerSetup,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // A second task waits in the worker, so a worker never idles while the main thread is busy.
    concurrentTasksPerWorker: 2,
  });
}

interface PreparedModel {
  card: ModelCard;
  modelSha256: string;
  provider: Device;
  /** The runtime that scores (onnxruntime-node, or TF.js and its backend), with versions. */
  runtime: Readonly<Record<string, string>>;
  /** The dataset columns the model reads, each once, and how they are packed. */
  inputColumns: InputColumn[];
  dataset: Dataset;
}

/**
 * Load and check the card, graph and dataset columns once here, so bad input fails before any
 * worker starts; workers reuse the provider this probe settled on.
 */
async function prepareModel(opts: RunOptions, log: (line: string) => void): Promise<PreparedModel> {
  const source = await openArrow(opts.dataset);
  const columns = source.schema.fields.map((f) => f.name);
  const probe = await createPredictor(opts.model, {
    threads: 1,
    device: opts.device,
    datasetColumns: columns,
    datasetFile: opts.dataset,
    thresholds: opts.thresholds,
  });
  const { card, modelSha256, provider, providerFallback, runtime } = probe;
  await probe.release();
  if (providerFallback) log(`modeval: CUDA unavailable, running on CPU (${providerFallback})`);

  const inputColumns = modelInputColumns(card, source.schema.fields, opts.dataset);
  // sharp must be loaded by the main thread before workers load it (glibc: its shared libraries
  // must outlive every worker thread).
  if (card.inputs.some((i) => i.kind === 'image')) await import('sharp');
  const dataset = await openDataset(opts.dataset, {
    ...(opts.spec ? { spec: opts.spec } : {}),
    textColumns: inputColumns.filter((c) => c.kind === 'utf8').map((c) => c.name),
  });
  // A multi-policy model scores policies of this dataset (directly or through the card's map).
  if (card.task === 'multilabel' && dataset.spec.multilabel && dataset.spec.labels) {
    checkCardPolicies(card, dataset.spec.labels, join(opts.model, MODEL_CARD_FILE));
  }
  return { card, modelSha256, provider, runtime, inputColumns, dataset };
}

/** The dataset columns the model reads, each once, and how each is packed for the workers. */
function modelInputColumns(card: ModelCard, fields: readonly Field[], datasetFile: string): InputColumn[] {
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const out: InputColumn[] = [];
  for (const [i, inp] of card.inputs.entries()) {
    if (out.some((c) => c.name === inp.column)) continue;
    let kind: InputColumn['kind'] = inp.kind === 'features' ? 'floats' : 'utf8';
    if (inp.kind === 'image') {
      const type = types.get(inp.column);
      if (type !== undefined && isBinaryType(type)) kind = 'binary';
      else if (type === undefined || !isStringType(type)) {
        throw new BadInputError(
          `image column has type ${String(type)}; expected Binary (encoded images) or Utf8 (paths relative to the dataset)`,
          { file: datasetFile, field: `inputs[${i}].column` },
        );
      }
    }
    out.push({ name: inp.column, kind });
  }
  return out;
}

/**
 * `--on-invalid error`: the first image a worker could not decode, or the first row whose model
 * output is unusable (NaN, ±Infinity, a probability outside [0, 1]), is exit 2. A model that
 * answers NaN is broken or fed what it cannot score; its run must not pass as "completed".
 */
function refuseInvalidRows(chunk: RowChunk, result: InferResult, modelDir: string, card: ModelCard): void {
  const skip = 'pass --on-invalid skip to set such rows aside and score the others';
  if (result.badInput.length > 0) {
    const row = result.badInput[0]!;
    const reason = result.invalid.find((r) => r.row === row)?.reason ?? 'bad input';
    const more = result.badInput.length > 1 ? ` (${result.badInput.length - 1} more in this batch)` : '';
    throw new BadInputError(`${reason}${more}; ${skip}`, { row: chunk.rows[row]!, id: packedString(chunk.ids, row) });
  }
  if (result.badOutput.length > 0) {
    const row = result.badOutput[0]!;
    const reason = result.invalid.find((r) => r.row === row)?.reason ?? 'unusable model output';
    const more = result.badOutput.length > 1 ? ` (${result.badOutput.length - 1} more in this batch)` : '';
    throw new BadInputError(
      `the model's output ${JSON.stringify(card.output.tensor)} is unusable for row ${chunk.rows[row]} ` +
        `(id ${JSON.stringify(packedString(chunk.ids, row))}): ${reason}${more}; ${skip}`,
      { file: join(modelDir, modelFileName(card)) },
    );
  }
}

/**
 * `--on-invalid skip` sets unusable rows aside, but a run in which the model scored none of the
 * rows it was given has measured nothing: exit 2 with the first reason, not "completed".
 */
function refuseNothingScored(writer: PredictionsWriter, modelDir: string, card: ModelCard): void {
  const first = writer.invalidRows[0];
  if (writer.tally.predicted > 0 || first === undefined) return;
  throw new BadInputError(
    `the model scored none of the ${writer.invalidRows.length} rows it was given; ` +
      `the first, row ${first.row} (id ${JSON.stringify(first.id)}): ${first.reason}`,
    { file: join(modelDir, modelFileName(card)) },
  );
}

/**
 * Feed the scan's rows, cut into chunks, to the dispatcher until the data ends, a chunk fails or
 * the signal aborts (then in-flight chunks still finish and are written).
 */
async function scoreInOrder(
  scan: ReturnType<Dataset['scan']>,
  rebatcher: Rebatcher,
  dispatcher: InOrderDispatcher,
  signal: AbortSignal | undefined,
): Promise<void> {
  const stop = () => signal?.aborted === true || dispatcher.failed;
  try {
    outer: for await (const vb of scan) {
      for (const chunk of rebatcher.push(vb)) {
        if (stop()) break outer;
        await dispatcher.submit(chunk);
      }
      if (stop()) break;
    }
    if (!stop()) for (const chunk of rebatcher.flush()) await dispatcher.submit(chunk);
  } finally {
    await dispatcher.settle();
  }
}
