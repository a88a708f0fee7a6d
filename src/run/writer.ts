import { rename } from 'node:fs/promises';
import { RecordBatch } from 'apache-arrow';
import { openArrow } from '../dataset/arrow-reader.js';
import { type ArrowWriter, openArrowWriter } from '../dataset/arrow-writer.js';
import { sameStringSet } from '../util/sets.js';
import { type Checkpoint, checkpointPaths, type RunTally, writeCheckpoint } from './checkpoint.js';
import { makePredictionBatch, predictionsSchema } from './predictions.js';
import type { InferResult } from './protocol.js';
import type { RowChunk } from './rebatch.js';
import type { PredictionsMeta } from './schema.js';

/**
 * The predictions stream of one run, written chunk by chunk in dataset order, with the tally and
 * the invalid rows the run summary and checkpoint need. Its destination is the checkpoint's partial
 * file: an interrupt commits it there, a completed run then renames it into place (two atomic
 * renames, never a half-written predictions file).
 */
export class PredictionsWriter {
  readonly tally: RunTally;
  readonly invalidRows: Checkpoint['invalidRows'];
  /** Dataset row and chunk number just after the last written chunk: where a resume starts. */
  nextRow: number;
  nextSeq: number;
  readonly #schema: ReturnType<typeof predictionsSchema>;
  readonly #labelCount: number;

  private constructor(
    readonly outDir: string,
    readonly writer: ArrowWriter,
    schema: ReturnType<typeof predictionsSchema>,
    meta: PredictionsMeta,
    existing: Checkpoint | undefined,
  ) {
    this.#schema = schema;
    this.#labelCount = meta.model.labels.length;
    this.tally = existing?.tally ?? { predicted: 0, invalid: 0, truncated: 0, labelled: 0, correct: 0 };
    this.invalidRows = existing?.invalidRows ?? [];
    this.nextRow = existing?.nextRow ?? 0;
    this.nextSeq = existing?.nextSeq ?? 0;
  }

  /** Open the partial file, seeded with the interrupted run's rows when resuming. */
  static async open(
    outDir: string,
    meta: PredictionsMeta,
    existing: Checkpoint | undefined,
  ): Promise<PredictionsWriter> {
    const schema = predictionsSchema(meta);
    const { partial } = checkpointPaths(outDir);
    const writer = await openArrowWriter(partial, { format: 'stream', schema });
    if (existing) {
      // The key pins graph, card and options, so the partial file has this run's columns. Re-home
      // each batch's data on this run's schema object, without copying: the schema read back types
      // scores as a generic Float, which apache-arrow does not count as equal to Float32.
      try {
        for await (const batch of (await openArrow(partial)).batches()) {
          await writer.write(new RecordBatch(schema, batch.data));
        }
      } catch (err) {
        await writer.abort();
        throw err;
      }
    }
    return new PredictionsWriter(outDir, writer, schema, meta, existing);
  }

  /** Rows scored and set aside so far (the progress count). */
  get processed(): number {
    return this.tally.predicted + this.tally.invalid;
  }

  /** Append one chunk's results; chunks must arrive in order. */
  async write(chunk: RowChunk, result: InferResult): Promise<void> {
    await this.writer.write(
      toBatch(this.#schema, chunk, result, this.tally, this.invalidRows, this.#labelCount),
    );
    this.nextSeq = chunk.seq + 1;
    this.nextRow = chunk.endRow;
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }

  /** Keep what is written as the partial file and record where to continue. */
  async interrupt(key: Checkpoint['key']): Promise<void> {
    await this.writer.commit();
    await writeCheckpoint(this.outDir, {
      schemaVersion: 1,
      key,
      nextRow: this.nextRow,
      nextSeq: this.nextSeq,
      tally: this.tally,
      invalidRows: this.invalidRows,
    });
  }

  /** Commit and move the predictions to `destination`. */
  async complete(destination: string): Promise<void> {
    await this.writer.commit();
    await rename(checkpointPaths(this.outDir).partial, destination);
  }
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
