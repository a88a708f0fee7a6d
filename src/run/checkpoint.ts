import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { z } from 'zod';
import { PredictionsMeta } from '../contracts/predictions.js';
import { writeFileAtomic } from '../util/atomic.js';
import { BadInputError } from '../util/errors.js';
import { INPUT_SIZE_LIMITS, readTextFile } from '../util/files.js';
import { codeOf } from '../util/fs-errors.js';
import { sha256Hex } from '../util/hash.js';
import { PREDICTIONS_META_KEY } from './predictions.js';

/** Files an interrupted run leaves in `<out>/.checkpoint/`. */
export const CHECKPOINT_DIR = '.checkpoint';
export const PARTIAL_PREDICTIONS = 'predictions.partial.arrows';

export const RunTally = z.object({
  predicted: z.number().int(),
  invalid: z.number().int(),
  truncated: z.number().int(),
  labelled: z.number().int(),
  correct: z.number().int(),
});
export type RunTally = z.infer<typeof RunTally>;

/** What the durable prefix (`partialBytes`) of the partial predictions stream holds. */
export const PartialRecord = z.object({
  /** Prediction rows in it (= tally.predicted). */
  rows: z.number().int().min(0),
  /** Id of its last row (null when empty). */
  lastId: z.string().nullable(),
  /** sha256 of its first `partialBytes` bytes. */
  sha256: z.string(),
});
export type PartialRecord = z.infer<typeof PartialRecord>;

export const CHECKPOINT_SCHEMA_VERSION = 3;

export const Checkpoint = z.object({
  /**
   * 2: the partial file is an unterminated stream cut back to `partialBytes` on resume;
   * 3: with `partial` (what that prefix holds) and `digest`, both verified before a resume.
   */
  schemaVersion: z.literal(CHECKPOINT_SCHEMA_VERSION),
  /** Identity of the run: a resume must match it exactly. */
  key: z.object({
    modelSha256: z.string(),
    /** The parsed card and its tokenizer files: what besides the .onnx bytes decides the output. */
    modelFilesSha256: z.string(),
    datasetFingerprint: z.string(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  }),
  /** Dataset row where the resumed run starts (just after the last written chunk). */
  nextRow: z.number().int(),
  nextSeq: z.number().int(),
  /** Durable length of the partial predictions stream at this checkpoint (bytes past it are redone). */
  partialBytes: z.number().int().positive(),
  tally: RunTally,
  invalidRows: z.array(z.object({ row: z.number().int(), id: z.string(), reason: z.string() })),
  partial: PartialRecord,
  /** sha256 of the fields above: a hand-edited checkpoint is refused. */
  digest: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
export type CheckpointContent = Omit<Checkpoint, 'digest'>;

function digestOf(cp: CheckpointContent): string {
  const { schemaVersion, key, nextRow, nextSeq, partialBytes, tally, invalidRows, partial } = cp;
  return sha256Hex(
    JSON.stringify({ schemaVersion, key, nextRow, nextSeq, partialBytes, tally, invalidRows, partial }),
  );
}

export function checkpointPaths(outDir: string): { dir: string; file: string; partial: string } {
  const dir = join(outDir, CHECKPOINT_DIR);
  return { dir, file: join(dir, 'checkpoint.json'), partial: join(dir, PARTIAL_PREDICTIONS) };
}

export async function writeCheckpoint(outDir: string, cp: CheckpointContent): Promise<void> {
  const full: Checkpoint = { ...cp, digest: digestOf(cp) };
  await writeFileAtomic(checkpointPaths(outDir).file, `${JSON.stringify(full, null, 2)}\n`, 'checkpoint');
}

export async function readCheckpoint(outDir: string): Promise<Checkpoint | undefined> {
  const { file } = checkpointPaths(outDir);
  try {
    await stat(file);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
  }
  const text = await readTextFile(file, 'checkpoint', { maxBytes: INPUT_SIZE_LIMITS.document });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A hand-edited or foreign file: the same one-line advice as a well-formed but wrong one.
  }
  const parsed = Checkpoint.safeParse(value);
  if (!parsed.success) {
    const version = (value as { schemaVersion?: unknown } | undefined)?.schemaVersion;
    const old = typeof version === 'number' && version < CHECKPOINT_SCHEMA_VERSION;
    throw new BadInputError(
      old
        ? 'checkpoint was written by an older modeval; delete it to start over'
        : 'checkpoint is unreadable; delete it to start over',
      { file },
    );
  }
  return parsed.data;
}

/** Explain why a checkpoint does not belong to this run, or undefined when it does. */
export function checkpointMismatch(cp: Checkpoint, key: Checkpoint['key']): string | undefined {
  if (cp.key.modelSha256 !== key.modelSha256) return 'the model changed since the checkpoint';
  if (cp.key.modelFilesSha256 !== key.modelFilesSha256) {
    return 'the model card or its tokenizer changed since the checkpoint';
  }
  if (cp.key.datasetFingerprint !== key.datasetFingerprint) return 'the dataset changed since the checkpoint';
  const a = JSON.stringify(cp.key.options);
  const b = JSON.stringify(key.options);
  if (a !== b) return `options differ from the checkpoint's (${a} vs ${b})`;
  return undefined;
}

/**
 * The checkpoint this run continues from, if any. A checkpoint without `resume`, or one made by a
 * different model, dataset or options, is refused rather than silently overwritten or spliced.
 */
export async function resumePoint(
  outDir: string,
  key: Checkpoint['key'],
  resume: boolean,
  datasetRows: number | null,
  log: (line: string) => void,
): Promise<Checkpoint | undefined> {
  const paths = checkpointPaths(outDir);
  const existing = await readCheckpoint(outDir);
  if (existing && !resume) {
    throw new BadInputError(
      `an interrupted run left a checkpoint here; pass --resume to continue it, or delete ${paths.dir}`,
      { file: outDir },
    );
  }
  if (resume && !existing) log('modeval: no checkpoint to resume from; starting from the beginning');
  if (existing) {
    const why =
      checkpointMismatch(existing, key) ??
      selfMismatch(existing, datasetRows) ??
      (await partialMismatch(existing, key, paths.partial));
    if (why)
      throw new BadInputError(`cannot resume: ${why}; delete ${paths.dir} to start over`, {
        file: paths.file,
      });
  }
  return existing;
}

/** A checkpoint that disagrees with itself or the dataset: edited, or not this run's. */
function selfMismatch(cp: Checkpoint, datasetRows: number | null): string | undefined {
  const { digest, ...content } = cp;
  if (digestOf(content) !== digest)
    return 'the checkpoint was edited (its digest does not match its content)';
  if (cp.nextRow < 0 || cp.nextSeq < 0 || (datasetRows !== null && cp.nextRow > datasetRows)) {
    return `the checkpoint starts at row ${cp.nextRow}, outside the dataset's ${datasetRows ?? 'unknown number of'} rows`;
  }
  if (cp.partial.rows !== cp.tally.predicted) return 'the checkpoint tally disagrees with its partial file';
  return undefined;
}

/**
 * Read the durable prefix of the partial predictions stream (its first `partialBytes` bytes; what
 * follows is redone) and check it is what the checkpoint recorded: its bytes (sha256), the model
 * and dataset its metadata names, its row count and last id. Returns why not, or undefined.
 */
async function partialMismatch(
  cp: Checkpoint,
  key: Checkpoint['key'],
  partial: string,
): Promise<string | undefined> {
  let size: number;
  try {
    size = (await stat(partial)).size;
  } catch (err) {
    return `its partial predictions file is missing or unreadable (${codeOf(err) ?? String(err)})`;
  }
  if (size < cp.partialBytes) {
    return `the partial predictions file holds ${size} bytes, fewer than the ${cp.partialBytes} the checkpoint recorded`;
  }
  const prefix = () => createReadStream(partial, { start: 0, end: cp.partialBytes - 1 });
  const hash = createHash('sha256');
  for await (const chunk of prefix()) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== cp.partial.sha256)
    return 'the partial predictions file changed since the checkpoint';
  let rows = 0;
  let lastId: string | null = null;
  try {
    const reader = await RecordBatchReader.from(prefix());
    await reader.open();
    const raw = reader.schema.metadata.get(PREDICTIONS_META_KEY);
    const meta = PredictionsMeta.parse(JSON.parse(raw ?? 'null'));
    if (meta.model.sha256 !== key.modelSha256) return 'the partial predictions come from another model';
    if (meta.dataset.fingerprint !== key.datasetFingerprint)
      return 'the partial predictions are for another dataset';
    for await (const batch of reader) {
      rows += batch.numRows;
      if (batch.numRows > 0) lastId = String(batch.getChild('id')!.get(batch.numRows - 1));
    }
  } catch (err) {
    return `the partial predictions file is not a predictions stream (${(err as Error).message.split('\n')[0]})`;
  }
  if (rows !== cp.partial.rows || lastId !== cp.partial.lastId) {
    return `the partial predictions file holds ${rows} rows ending at ${JSON.stringify(lastId)}, the checkpoint says ${cp.partial.rows} ending at ${JSON.stringify(cp.partial.lastId)}`;
  }
  return undefined;
}
