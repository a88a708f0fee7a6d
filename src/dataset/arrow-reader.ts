import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type RecordBatch, RecordBatchReader, type Schema } from 'apache-arrow';
import { BadInputError } from '../util/errors.js';
import { statRegularFile } from '../util/files.js';

export type ArrowFormat = 'file' | 'stream';

/** An opened Arrow IPC dataset: its schema now, its record batches lazily, one at a time. */
export interface ArrowSource {
  readonly path: string;
  readonly format: ArrowFormat;
  readonly schema: Schema;
  readonly sizeBytes: number;
  /** Iterate record batches; each call re-reads from the start. Errors name the file and batch. */
  batches(): AsyncGenerator<RecordBatch>;
}

const FILE_MAGIC = Buffer.from('ARROW1');
const CONTINUATION = 0xffffffff;

/** Decide the IPC flavour from the first bytes, so a misnamed file still opens the right way. */
export function detectArrowFormat(head: Uint8Array): ArrowFormat | undefined {
  if (head.length >= 6 && Buffer.from(head.subarray(0, 6)).equals(FILE_MAGIC)) return 'file';
  if (head.length >= 8) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const first = view.getUint32(0, true);
    // Current streams start with the continuation marker; pre-0.15 streams start with a
    // positive metadata length directly followed by a flatbuffer.
    if (first === CONTINUATION) return 'stream';
    if (first > 0 && first < 1 << 24 && view.getUint32(4, true) > 0) return 'stream';
  }
  return undefined;
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Open an Arrow IPC file or stream for batch-at-a-time reading. The file format is read with
 * random access through a file handle (reading it through a stream would buffer the whole file,
 * see TECH-NOTES); the stream format through a read stream.
 */
export async function openArrow(path: string): Promise<ArrowSource> {
  const { size: sizeBytes } = await statRegularFile(path, (code) => `cannot read dataset (${code})`);
  if (sizeBytes === 0)
    throw new BadInputError('empty file: expected an Arrow IPC file or stream', { file: path });
  const format = detectArrowFormat(await readHead(path, 8));
  if (format === undefined) {
    throw new BadInputError(
      'not an Arrow IPC file or stream (no Arrow magic bytes); convert CSV/JSONL/Parquet with `modeval convert`',
      { file: path },
    );
  }
  const schema = await withReader(path, format, async (reader) => reader.schema);
  return {
    path,
    format,
    schema,
    sizeBytes,
    batches: () => iterateBatches(path, format),
  };
}

type AnyReader = RecordBatchReader;

async function openReader(path: string, format: ArrowFormat): Promise<AnyReader> {
  try {
    const reader =
      format === 'file'
        ? await RecordBatchReader.from(await open(path, 'r'))
        : await RecordBatchReader.from(createReadStream(path, { highWaterMark: 1 << 20 }));
    await reader.open({ autoDestroy: false });
    if (!reader.schema) throw new Error('no schema message');
    return reader as AnyReader;
  } catch (err) {
    throw corrupt(path, undefined, err);
  }
}

async function withReader<T>(
  path: string,
  format: ArrowFormat,
  fn: (r: AnyReader) => Promise<T>,
): Promise<T> {
  const reader = await openReader(path, format);
  try {
    return await fn(reader);
  } finally {
    await reader.cancel();
  }
}

async function* iterateBatches(path: string, format: ArrowFormat): AsyncGenerator<RecordBatch> {
  const reader = await openReader(path, format);
  let index = 0;
  try {
    while (true) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await reader.next();
      } catch (err) {
        throw corrupt(path, index, err);
      }
      if (next.done) break;
      yield next.value;
      index++;
    }
  } finally {
    await reader.cancel();
  }
}

function corrupt(path: string, batch: number | undefined, err: unknown): BadInputError {
  if (err instanceof BadInputError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new BadInputError(`corrupt or truncated Arrow data (${why})`, { file: path, batch }, { cause: err });
}
