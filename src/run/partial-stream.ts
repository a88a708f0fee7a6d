import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { type RecordBatch, RecordBatchStreamWriter, type Schema } from 'apache-arrow';
import { type ArrayBufferViewInput, toUint8Array } from 'apache-arrow/util/buffer';
import { outputFailure } from '../util/fs-errors.js';

/**
 * apache-arrow's stream writer queues encoded bytes for an async reader; this one hands them over
 * synchronously, so each batch's bytes are known (and written) before the next batch is encoded.
 */
class CollectingStreamWriter extends RecordBatchStreamWriter {
  pending: Uint8Array[] = [];

  protected override _write(chunk: ArrayBufferViewInput): this {
    if (this._started) {
      const bytes = toUint8Array(chunk);
      if (bytes.byteLength > 0) {
        this.pending.push(bytes);
        this._position += bytes.byteLength;
      }
    }
    return this;
  }

  take(): Uint8Array[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/**
 * An Arrow IPC stream written in place, batch by batch, that can be made durable at any batch
 * boundary (`sync` returns the byte length to resume from) and reopened at such a length: the bytes
 * after it are cut off and the schema is not written again, so an interrupted-and-resumed file is
 * byte for byte the file an uninterrupted writer would have produced.
 */
/** Encoded bytes are gathered up to this much before a write: one system call per ~150 chunks. */
const WRITE_BYTES = 1 << 20;

export class PartialArrowStream {
  /** Bytes of the stream so far, written or still gathered in `#pending`. */
  #bytes: number;
  /** Bytes in the file (where the next write goes). */
  #written: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #closed = false;
  /** sha256 of every byte in the file so far (what a checkpoint records of its durable prefix). */
  readonly #hash: Hash = createHash('sha256');

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly encoder: CollectingStreamWriter,
    bytes: number,
  ) {
    this.#bytes = bytes;
    this.#written = bytes;
  }

  /** Start a new stream (truncating any file there), or continue one at `resumeAt` bytes. */
  static async open(path: string, schema: Schema, resumeAt?: number): Promise<PartialArrowStream> {
    const encoder = new CollectingStreamWriter();
    encoder.reset(undefined, schema);
    const header = encoder.take();
    if (resumeAt === undefined) {
      const fh = await open(path, 'w');
      const stream = new PartialArrowStream(path, fh, encoder, 0);
      await stream.#append(header);
      return stream;
    }
    const fh = await open(path, 'r+');
    try {
      const { size } = await fh.stat();
      const headerBytes = header.reduce((n, b) => n + b.byteLength, 0);
      if (size < resumeAt || resumeAt < headerBytes) {
        throw new Error(`holds ${size} bytes, fewer than the ${resumeAt} the checkpoint recorded`);
      }
      // Bytes past the last durable point belong to chunks the resumed run scores again.
      await fh.truncate(resumeAt);
      const stream = new PartialArrowStream(path, fh, encoder, resumeAt);
      await stream.#hashPrefix(resumeAt);
      return stream;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async #hashPrefix(length: number): Promise<void> {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let at = 0; at < length; ) {
      const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, length - at), at);
      if (bytesRead === 0) throw new Error(`ended at ${at} bytes while reading its first ${length}`);
      this.#hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  }

  /** sha256 (hex) of the bytes written so far, i.e. of the first `bytes` bytes of the file. */
  get sha256(): string {
    return this.#hash.copy().digest('hex');
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  async write(batch: RecordBatch): Promise<void> {
    this.encoder.write(batch);
    await this.#append(this.encoder.take());
  }

  /** Flush to the disk; what is written so far survives a crash. Returns the durable length. */
  async sync(): Promise<number> {
    await this.#flush();
    await this.fh.datasync().catch((err: unknown) => {
      throw outputFailure(err, this.path, 'write the predictions');
    });
    return this.#bytes;
  }

  /** Write the end-of-stream marker, sync and close: the file is now a complete stream. */
  async finish(): Promise<void> {
    this.encoder.close();
    await this.#append(this.encoder.take());
    await this.#flush();
    await this.fh.datasync();
    this.#closed = true;
    await this.fh.close();
  }

  /**
   * Close without ending the stream (it stays resumable at its last synced length). Gathered bytes
   * are written if they can be, as a killed process's would have been; a resume cuts them off.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flush().catch(() => undefined);
    await this.fh.close();
  }

  async #append(chunks: Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      this.#hash.update(chunk);
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.byteLength;
      this.#bytes += chunk.byteLength;
    }
    if (this.#pendingBytes >= WRITE_BYTES) await this.#flush();
  }

  /** Write the gathered bytes (the stream's batches do not change after they are encoded). */
  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    let rest = [Buffer.concat(this.#pending, this.#pendingBytes)] as Uint8Array[];
    this.#pending = [];
    this.#pendingBytes = 0;
    let at = this.#written;
    // writev may write less than asked: continue from where it stopped.
    try {
      while (rest.length > 0) {
        const { bytesWritten } = await this.fh.writev(rest, at);
        at += bytesWritten;
        rest = dropBytes(rest, bytesWritten);
      }
    } catch (err) {
      // A full disk or a vanished mount: exit 2 naming the file, not an internal error.
      throw outputFailure(err, this.path, 'write the predictions');
    }
    this.#written = at;
  }
}

function dropBytes(chunks: Uint8Array[], n: number): Uint8Array[] {
  let left = n;
  let i = 0;
  while (i < chunks.length && left >= chunks[i]!.byteLength) left -= chunks[i++]!.byteLength;
  const rest = chunks.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}
