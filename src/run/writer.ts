import { mkdir, rename, rm } from 'node:fs/promises';
import { type Data, vectorFromArray } from 'apache-arrow';
import type { PredictionsMeta } from '../contracts/predictions.js';
import { removeOrphanedTempFiles } from '../io/outputs.js';
import { mapPredicted, mapScores, type PolicyMapping } from '../model/policy-map.js';
import { BadInputError } from '../util/errors.js';
import { sameStringSet } from '../util/sets.js';
import {
  CHECKPOINT_SCHEMA_VERSION,
  type Checkpoint,
  checkpointPaths,
  type RunTally,
  writeCheckpoint,
} from './checkpoint.js';
import { PartialArrowStream } from './partial-stream.js';
import { labelData, predictionBatchOf, predictionsSchema, utf8Data } from './predictions.js';
import type { InferResult } from './protocol.js';
import { type PackedUtf8, packedString, type RowChunk } from './rebatch.js';

/** When to make progress durable: after this many rows or seconds of written work, whichever first. */
export interface CheckpointInterval {
  /** 0: by time only. */
  rows: number;
  seconds: number;
}

/**
 * The predictions stream of one run, written chunk by chunk in dataset order, with the tally and
 * the invalid rows the run summary and checkpoint need. It is written in place as the checkpoint's
 * partial file and made durable at each interval (data synced, then checkpoint.json replaced
 * atomically), so a run killed outright loses at most the work since the last interval; a completed
 * run ends the stream and renames it into place (never a half-written predictions file).
 */
export class PredictionsWriter {
  readonly tally: RunTally;
  readonly invalidRows: Checkpoint['invalidRows'];
  /** Dataset row and chunk number just after the last written chunk: where a resume starts. */
  nextRow: number;
  nextSeq: number;
  /** Checkpoints this process wrote (the periodic ones and an interrupt's). */
  checkpoints = 0;
  /** Id of the last prediction row written (null before the first). */
  lastId: string | null;
  readonly #codec: LabelCodec;
  #rowsSinceCheckpoint = 0;
  #lastCheckpointAt = Date.now();

  private constructor(
    readonly outDir: string,
    private readonly stream: PartialArrowStream,
    schema: ReturnType<typeof predictionsSchema>,
    meta: PredictionsMeta,
    private readonly key: Checkpoint['key'],
    private readonly interval: CheckpointInterval,
    private readonly resumed: boolean,
    existing: Checkpoint | undefined,
    private readonly mapping: PolicyMapping | undefined,
  ) {
    // The written labels: a mapped card's policies, else its labels (run/identity.ts).
    const names = meta.model.labels;
    const encoder = new TextEncoder();
    this.#codec = { schema, names, encoded: names.map((l) => encoder.encode(l)) };
    this.tally = existing
      ? { ...existing.tally }
      : { predicted: 0, invalid: 0, truncated: 0, labelled: 0, correct: 0 };
    this.invalidRows = existing ? [...existing.invalidRows] : [];
    this.nextRow = existing?.nextRow ?? 0;
    this.nextSeq = existing?.nextSeq ?? 0;
    this.lastId = existing?.partial.lastId ?? null;
  }

  /** Open the partial file: new, or cut back to the checkpoint's durable length when resuming. */
  static async open(
    outDir: string,
    meta: PredictionsMeta,
    key: Checkpoint['key'],
    existing: Checkpoint | undefined,
    interval: CheckpointInterval,
    /** A multi-policy card's map: results are written over its policies. */
    mapping?: PolicyMapping,
  ): Promise<PredictionsWriter> {
    const schema = predictionsSchema(meta);
    const { dir, partial } = checkpointPaths(outDir);
    await mkdir(dir, { recursive: true });
    // A run killed outright may have left a half-written checkpoint.json or output beside it.
    removeOrphanedTempFiles(dir);
    removeOrphanedTempFiles(outDir);
    let stream: PartialArrowStream;
    try {
      stream = await PartialArrowStream.open(partial, schema, existing?.partialBytes);
    } catch (err) {
      throw new BadInputError(
        `partial predictions do not match the checkpoint (${(err as Error).message}); delete ${dir} to start over`,
        { file: partial },
      );
    }
    return new PredictionsWriter(
      outDir,
      stream,
      schema,
      meta,
      key,
      interval,
      existing !== undefined,
      existing,
      mapping,
    );
  }

  /** Rows scored and set aside so far (the progress count). */
  get processed(): number {
    return this.tally.predicted + this.tally.invalid;
  }

  /** Append one chunk's results (chunks must arrive in order), checkpointing when an interval is up. */
  async write(chunk: RowChunk, output: InferResult): Promise<void> {
    const result = this.mapping ? mapToPolicies(this.mapping, output, chunk.length) : output;
    const batch = toBatch(this.#codec, chunk, result, this.tally, this.invalidRows);
    await this.stream.write(batch);
    if (batch.numRows > 0) this.lastId = String(batch.getChild('id')!.get(batch.numRows - 1));
    this.nextSeq = chunk.seq + 1;
    this.nextRow = chunk.endRow;
    this.#rowsSinceCheckpoint += chunk.length;
    const { rows, seconds } = this.interval;
    const due =
      (rows > 0 && this.#rowsSinceCheckpoint >= rows) ||
      Date.now() - this.#lastCheckpointAt >= seconds * 1000;
    if (due) await this.checkpoint();
  }

  /** Make everything written so far durable and record where a resume continues. */
  async checkpoint(): Promise<void> {
    const partialBytes = await this.stream.sync();
    await writeCheckpoint(this.outDir, {
      schemaVersion: CHECKPOINT_SCHEMA_VERSION,
      key: this.key,
      nextRow: this.nextRow,
      nextSeq: this.nextSeq,
      partialBytes,
      tally: this.tally,
      invalidRows: this.invalidRows,
      // What the durable prefix holds, so a resume can tell it is this run's, unedited and whole.
      partial: { rows: this.tally.predicted, lastId: this.lastId, sha256: this.stream.sha256 },
    });
    this.checkpoints++;
    this.#rowsSinceCheckpoint = 0;
    this.#lastCheckpointAt = Date.now();
  }

  /**
   * A failed run: a fresh one leaves nothing behind (as if it never ran); a resumed one keeps the
   * last durable checkpoint, which still matches its partial file.
   */
  async abort(): Promise<void> {
    await this.stream.close();
    if (!this.resumed) await rm(checkpointPaths(this.outDir).dir, { recursive: true, force: true });
  }

  /** Keep what is written as the partial file and record where to continue. */
  async interrupt(): Promise<void> {
    await this.checkpoint();
    await this.stream.close();
  }

  /** End the stream and move the predictions to `destination`. */
  async complete(destination: string): Promise<void> {
    await this.stream.finish();
    await rename(checkpointPaths(this.outDir).partial, destination);
  }
}

/** A multilabel result over the card's output labels, re-expressed over its policies. */
function mapToPolicies(m: PolicyMapping, r: InferResult, n: number): InferResult {
  if (r.predicted instanceof Int32Array) throw new Error('only multilabel results map to policies');
  return {
    ...r,
    scores: mapScores(m, r.scores, n),
    predicted: r.predicted.map((p) => (p === null ? null : mapPredicted(m, p))),
  };
}

/** How labels are written: the schema, the label names, and each name's UTF-8 bytes. */
interface LabelCodec {
  schema: ReturnType<typeof predictionsSchema>;
  names: readonly string[];
  encoded: readonly Uint8Array[];
}

/**
 * Turn one worker result into a predictions batch, tallying accuracy and setting invalid rows
 * aside. Ids go from the dataset's bytes to the file, and single-label predictions from label
 * indices, so a chunk costs no string per row.
 */
function toBatch(
  codec: LabelCodec,
  chunk: RowChunk,
  result: InferResult,
  tally: RunTally,
  invalidRows: Checkpoint['invalidRows'],
) {
  const k = codec.names.length;
  const bad = new Set(result.invalid.map((r) => r.row));
  for (const r of result.invalid)
    invalidRows.push({ row: chunk.rows[r.row]!, id: packedString(chunk.ids, r.row), reason: r.reason });
  const kept: number[] = [];
  for (let i = 0; i < chunk.length; i++) {
    if (bad.has(i)) continue;
    kept.push(i);
    const gold = chunk.labels[i];
    if (gold !== null && gold !== undefined) {
      tally.labelled++;
      if (sameLabel(gold, predictedAt(result.predicted, i, codec.names))) tally.correct++;
    }
  }
  tally.predicted += kept.length;
  tally.invalid += bad.size;
  tally.truncated += result.truncated;
  const all = bad.size === 0;
  const ids = all ? chunk.ids : pick(chunk.ids, kept);
  const scores = all ? result.scores : new Float32Array(kept.length * k);
  if (!all)
    for (const [j, i] of kept.entries()) scores.set(result.scores.subarray(i * k, (i + 1) * k), j * k);
  const p = result.predicted;
  const predicted =
    p instanceof Int32Array
      ? labelData(all ? p : kept.map((i) => p[i]!), codec.encoded)
      : (vectorFromArray(
          kept.map((i) => p[i]!),
          codec.schema.fields[2]!.type,
        ).data[0]! as Data);
  return predictionBatchOf(codec.schema, utf8Data(ids.offsets, ids.bytes), scores, predicted);
}

function predictedAt(p: InferResult['predicted'], i: number, names: readonly string[]): string | string[] {
  return p instanceof Int32Array ? names[p[i]!]! : p[i]!;
}

/** The kept rows of packed strings, packed again. */
function pick(p: PackedUtf8, rows: readonly number[]): PackedUtf8 {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, j) => {
    offsets[j + 1] = offsets[j]! + p.offsets[r + 1]! - p.offsets[r]!;
  });
  const bytes = new Uint8Array(offsets[rows.length]!);
  rows.forEach((r, j) => {
    bytes.set(p.bytes.subarray(p.offsets[r]!, p.offsets[r + 1]!), offsets[j]!);
  });
  return { offsets, bytes };
}

function sameLabel(gold: string | string[], predicted: string | string[]): boolean {
  if (typeof gold === 'string' || typeof predicted === 'string') return gold === predicted;
  return sameStringSet(gold, predicted);
}
