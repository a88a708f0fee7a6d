import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Field } from 'apache-arrow';
import type { Piscina } from 'piscina';
import { openArrow } from '../dataset/arrow-reader.js';
import { isBinaryType, isStringType } from '../dataset/columns.js';
import { type Dataset, openDataset } from '../dataset/open.js';
import { countArrowRows } from '../dataset/row-count.js';
import { folderFiles, withOutputFolder } from '../io/guard.js';
import { OUTPUT_FILES, outputPath, writeJsonOutput, writeOutput } from '../io/outputs.js';
import { MODEL_CARD_FILE, type ModelCard, modelFileName } from '../model/card.js';
import { checkCardPolicies, policyMapping } from '../model/policy-map.js';
import { createPredictor } from '../model/predictor.js';
import type { Device } from '../model/runner.js';
import { BadInputError } from '../util/errors.js';

export { defaultParallelism, type RunOptions, type RunOptionsInput, RunOptionsSchema } from './options.js';

import type { PredictionsMeta, RunSummary } from '../contracts/predictions.js';
import { taskView } from '../task/index.js';
import { checkOption } from '../util/zod.js';
import { checkpointPaths, resumePoint } from './checkpoint.js';
import { InOrderDispatcher } from './dispatch.js';
import { runIdentity } from './identity.js';
import { defaultParallelism, type RunOptions, type RunOptionsInput, RunOptionsSchema } from './options.js';
import { destroyPool, startPool } from './pool.js';
import { createProgress } from './progress.js';
import type { InferReply, InferResult } from './protocol.js';
import { type InputColumn, packedString, Rebatcher, type RowChunk } from './rebatch.js';
import { shardRows } from './shard.js';
import { summarize } from './summary.js';
import { PredictionsWriter } from './writer.js';

/** Test and embedding hooks; the CLI passes `signal`, `log` and an early `pool`. */
export interface RunHooks {
  /** Abort = interrupt: in-flight chunks finish, a checkpoint is left, the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Fault injection: the worker holding this chunk exits (once, or on every attempt). */
  crashAtSeq?: { seq: number; always?: boolean };
  /** Called after each chunk is written, in order. */
  onChunkWritten?: (seq: number, rowsDone: number) => void;
  log?: (line: string) => void;
  /** A pool `warmPool` started for these options; the run takes it over and destroys it. */
  pool?: Piscina;
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
 * `openRun` and the pool. A CPU run's workers load while the model is checked and the dataset
 * hashed (run/pool.ts); others start once the check has settled the provider.
 */
async function openWithPool(opts: RunOptions, outDir: string, log: (line: string) => void, given?: Piscina) {
  const { workers, threads } = defaultParallelism(opts.workers, opts.threads);
  const early = given ?? (opts.device === 'cpu' ? startPool(opts, 'cpu', workers, threads) : undefined);
  try {
    const opened = await openRun(opts, outDir, log);
    return { ...opened, pool: early ?? startPool(opts, opened.provider, workers, threads) };
  } catch (err) {
    await destroyPool(early);
    throw err;
  }
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
 * Memory is bounded by batchSize × in-flight chunks (3 per worker) plus one Arrow record batch,
 * whatever the dataset size (duplicate-id detection adds 5 bytes per row, see CompactIdSet).
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
  try {
    return await withOutputFolder(outDir, 'modeval run', { outputs, inputs }, () =>
      scoreDataset(opts, outDir, hooks),
    );
  } finally {
    // Already destroyed once the run scored; here for a run refused before it began.
    await destroyPool(hooks.pool);
  }
}

async function scoreDataset(opts: RunOptions, outDir: string, hooks: RunHooks): Promise<RunSummary> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const { workers, threads } = defaultParallelism(opts.workers, opts.threads);

  const { pool, ...opened } = await openWithPool(opts, outDir, log, hooks.pool);
  const { card, modelSha256, inputColumns, dataset, datasetRows, share } = opened;
  const { fingerprint, meta, key, existing } = opened;
  const startRow = existing?.nextRow ?? 0;
  const alreadyDone = existing ? existing.tally.predicted + existing.tally.invalid : 0;
  // The writer creates .checkpoint/: opened once the pool is up, so a failed start leaves none.
  let writer: PredictionsWriter;
  try {
    const interval = { rows: opts.checkpointRows, seconds: opts.checkpointSeconds };
    writer = await PredictionsWriter.open(outDir, meta, key, existing, interval, policyMapping(card));
  } catch (err) {
    await destroyPool(pool);
    throw err;
  }
  let providerSeen = opened.provider as string;
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
    ...(datasetRows !== null ? { expectedRows: datasetRows } : {}),
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
      await destroyPool(pool);
    },
    () => refuseNothingScored(writer, opts.model, card),
  );
  progress.stop();
  await destroyPool(pool, false);

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
    await finishOutputs(outDir, writer, summary, meta);
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
  try {
    await writer.complete(outputPath(outDir, OUTPUT_FILES.predictions));
  } catch (err) {
    // The last gathered bytes are written only now: a full disk here leaves what a failed write
    // during scoring would (nothing for a fresh run, the last checkpoint for a resumed one).
    await writer.abort().catch(() => undefined);
    throw err;
  }
  await writeOutput(
    OUTPUT_FILES.invalidRows,
    outDir,
    writer.invalidRows.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  await writeJsonOutput(OUTPUT_FILES.run, outDir, { ...summary, meta });
  await rm(checkpointPaths(outDir).dir, { recursive: true, force: true });
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
  if (taskView(card.task).policies && dataset.spec.multilabel && dataset.spec.labels) {
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
    throw new BadInputError(`${reason}${more}; ${skip}`, {
      row: chunk.rows[row]!,
      id: packedString(chunk.ids, row),
    });
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
