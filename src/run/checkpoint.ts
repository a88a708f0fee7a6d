import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';
import { BadInputError } from '../util/errors.js';

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

export const Checkpoint = z.object({
  /** 2: the partial file is an unterminated stream cut back to `partialBytes` on resume. */
  schemaVersion: z.literal(2),
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
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export function checkpointPaths(outDir: string): { dir: string; file: string; partial: string } {
  const dir = join(outDir, CHECKPOINT_DIR);
  return { dir, file: join(dir, 'checkpoint.json'), partial: join(dir, PARTIAL_PREDICTIONS) };
}

export async function writeCheckpoint(outDir: string, cp: Checkpoint): Promise<void> {
  await writeFileAtomic(checkpointPaths(outDir).file, `${JSON.stringify(cp, null, 2)}\n`);
}

export async function readCheckpoint(outDir: string): Promise<Checkpoint | undefined> {
  const { file } = checkpointPaths(outDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A hand-edited or foreign file: the same one-line advice as a well-formed but wrong one.
  }
  const parsed = Checkpoint.safeParse(value);
  if (!parsed.success) {
    const old = (value as { schemaVersion?: unknown } | undefined)?.schemaVersion === 1;
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
    const why = checkpointMismatch(existing, key);
    if (why) throw new BadInputError(`cannot resume: ${why}`, { file: paths.file });
  }
  return existing;
}
