import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Message } from 'apache-arrow/ipc/metadata/message';
import { z } from 'zod';
import type { RunFile } from '../contracts/predictions.js';
import { OUTPUT_FILES, outputPath, readOutput } from '../io/outputs.js';
import { openAtomicStream } from '../util/atomic.js';
import { BadInputError } from '../util/errors.js';
import { checkOption } from '../util/zod.js';

export const MergeOptionsSchema = z.object({
  /** Output folders of `modeval run --shard i/n` (or the predictions.arrows in them), any order. */
  shards: z.array(z.string().min(1)).min(1),
  /** The merged predictions file to write. */
  out: z.string().min(1),
});
export type MergeOptions = z.infer<typeof MergeOptionsSchema>;
export type MergeOptionsInput = z.input<typeof MergeOptionsSchema>;

export interface MergeSummary {
  out: string;
  shards: number;
  /** Rows in the merged file. */
  rows: number;
  bytes: number;
}

/** Arrow IPC end-of-stream: the continuation marker and a zero length. */
const EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

interface Shard {
  predictions: string;
  run: RunFile & { shard: NonNullable<RunFile['shard']> };
  /** Bytes of the stream's schema message (the same in every shard), and the file size. */
  headerBytes: number;
  size: number;
}

/**
 * Join the shards of one `modeval run --shard` into the predictions file a single run writes, byte
 * for byte. A shard's file is the schema message, its record batches and the end-of-stream marker,
 * and the shards' batches are the single run's, cut at chunk boundaries: so the merge writes the
 * schema once, each shard's batches in order, and one end marker, copying bytes without decoding.
 */
export async function mergePredictions(input: MergeOptionsInput): Promise<MergeSummary> {
  const opts = checkOption(MergeOptionsSchema, input, 'merge options');
  const shards: Shard[] = [];
  for (const s of opts.shards) shards.push(await readShard(s));
  shards.sort((a, b) => a.run.shard.index - b.run.shard.index);
  checkComplete(shards);
  const header = await readBytes(shards[0]!.predictions, 0, shards[0]!.headerBytes);
  for (const s of shards.slice(1)) {
    const other = await readBytes(s.predictions, 0, s.headerBytes);
    if (!Buffer.from(other).equals(Buffer.from(header))) {
      throw new BadInputError(
        `not from the same run as ${shards[0]!.predictions} (the predictions schema or metadata differ)`,
        { file: s.predictions },
      );
    }
  }

  const out = await openAtomicStream(opts.out);
  try {
    await writeChunk(out.stream, header);
    for (const s of shards) {
      if (s.size - EOS.length > s.headerBytes) {
        const body = createReadStream(s.predictions, {
          start: s.headerBytes,
          end: s.size - EOS.length - 1,
          highWaterMark: 1 << 20,
        });
        for await (const chunk of body) await writeChunk(out.stream, chunk as Buffer);
      }
    }
    await writeChunk(out.stream, EOS);
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
  const rows = shards.reduce((n, s) => n + s.run.predicted, 0);
  return { out: opts.out, shards: shards.length, rows, bytes: (await stat(opts.out)).size };
}

function writeChunk(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => stream.write(bytes, (err) => (err ? reject(err) : resolve())));
}

async function readShard(given: string): Promise<Shard> {
  const isDir = (await stat(given).catch(() => undefined))?.isDirectory() ?? false;
  const dir = isDir ? given : dirname(given);
  const predictions = isDir ? outputPath(dir, OUTPUT_FILES.predictions) : given;
  const runPath = join(dir, OUTPUT_FILES.run.name);
  const run = await readOutput(OUTPUT_FILES.run, runPath);
  if (run.status !== 'completed') {
    throw new BadInputError('this shard did not complete; finish it with `modeval run --resume`', {
      file: runPath,
    });
  }
  if (!run.shard) throw new BadInputError('not the output of `modeval run --shard`', { file: runPath });
  const size = (await stat(predictions).catch(() => undefined))?.size;
  if (size === undefined)
    throw new BadInputError('cannot read predictions (no such file)', { file: predictions });
  const fh = await open(predictions, 'r');
  try {
    const headerBytes = await schemaMessageBytes(fh, predictions);
    const tail = new Uint8Array(EOS.length);
    await fh.read(tail, 0, EOS.length, size - EOS.length);
    if (size < headerBytes + EOS.length || !Buffer.from(tail).equals(Buffer.from(EOS))) {
      throw new BadInputError('predictions stream is incomplete (no end-of-stream marker)', {
        file: predictions,
      });
    }
    return { predictions, run: { ...run, shard: run.shard }, headerBytes, size };
  } finally {
    await fh.close();
  }
}

/** Length of the stream's first message, which must be its schema (no body). */
async function schemaMessageBytes(fh: FileHandle, file: string): Promise<number> {
  const prefix = new Uint8Array(8);
  await fh.read(prefix, 0, 8, 0);
  const view = new DataView(prefix.buffer);
  const length = view.getUint32(4, true);
  const notStream = () => new BadInputError('not an Arrow IPC stream written by `modeval run`', { file });
  if (view.getUint32(0, true) !== 0xffffffff || length === 0 || length > 1 << 26) throw notStream();
  const meta = new Uint8Array(length);
  await fh.read(meta, 0, length, 8);
  let message: Message;
  try {
    message = Message.decode(meta);
  } catch {
    throw notStream();
  }
  if (!message.isSchema() || Number(message.bodyLength) !== 0) throw notStream();
  return 8 + length;
}

async function readBytes(file: string, start: number, length: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(length);
    await fh.read(buf, 0, length, start);
    return buf;
  } finally {
    await fh.close();
  }
}

/** Every share 0..n-1 exactly once, of one dataset and model, each starting where the last ended. */
function checkComplete(shards: Shard[]): void {
  const first = shards[0]!;
  const count = first.run.shard.count;
  for (const [i, s] of shards.entries()) {
    const where = { file: s.predictions };
    if (s.run.shard.count !== count) {
      throw new BadInputError(
        `shard ${s.run.shard.index}/${s.run.shard.count} is of another split than ${count}`,
        where,
      );
    }
    if (
      s.run.dataset.fingerprint !== first.run.dataset.fingerprint ||
      s.run.model.sha256 !== first.run.model.sha256
    ) {
      throw new BadInputError(`shard ${s.run.shard.index}/${count} scored another dataset or model`, where);
    }
    if (i > 0 && s.run.shard.index === shards[i - 1]!.run.shard.index) {
      throw new BadInputError(`shard ${s.run.shard.index}/${count} is given twice`, where);
    }
    if (i > 0 && s.run.shard.firstRow !== shards[i - 1]!.run.shard.endRow) {
      throw new BadInputError(
        `shard ${s.run.shard.index}/${count} does not start where the one before ended`,
        where,
      );
    }
  }
  const have = new Set(shards.map((s) => s.run.shard.index));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i));
  if (missing.length > 0) {
    throw new BadInputError(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}`, {
      field: 'shards',
    });
  }
}
