import { once } from 'node:events';
import { type RecordBatch, RecordBatchFileWriter, RecordBatchStreamWriter, Schema, util } from 'apache-arrow';
import { openAtomicStream } from '../util/atomic.js';
import type { ArrowFormat } from './arrow-reader.js';

export type { ArrowFormat };

export interface ArrowWriterOptions {
  /** `stream` (.arrows: append-only, readable while incomplete) or `file` (.arrow: random access footer). */
  format: ArrowFormat;
  /**
   * The one schema every batch must use. Build Dictionary columns from this schema's own types: a
   * new Dictionary type per batch is a different schema to apache-arrow (it would silently close a
   * stream writer; we refuse it instead), and the file format cannot replace a dictionary at all.
   */
  schema: Schema;
  /** Extra schema metadata (merged over the schema's own), e.g. fingerprints and versions. */
  metadata?: Readonly<Record<string, string>>;
}

/** An Arrow IPC output written batch by batch and only visible under its name once committed. */
export interface ArrowWriter {
  /** The schema actually written (the given one plus `metadata`); batches may use either. */
  readonly schema: Schema;
  /** Resolves once the batch's bytes are handed to the file (waiting out the file's backpressure). */
  write(batch: RecordBatch): Promise<void>;
  /** Finish the IPC stream (and the footer, for `file`) and rename the temporary file into place. */
  commit(): Promise<void>;
  /** Discard everything written; nothing is left on disk. */
  abort(): Promise<void>;
}

/*
 * apache-arrow's writers encode each batch synchronously into an in-memory byte queue and expose no
 * way to wait for that queue to be consumed. These subclasses only read the (protected) count of
 * bytes produced so far, so `write` can wait until the pump has handed all of them to the file.
 */
class CountingStreamWriter extends RecordBatchStreamWriter {
  get bytesProduced(): number {
    return this._position;
  }
}
class CountingFileWriter extends RecordBatchFileWriter {
  get bytesProduced(): number {
    return this._position;
  }
}

/**
 * Open an incremental Arrow IPC writer at `dest`. Bytes go to a temporary file beside it, memory
 * stays at about one batch however much is written, and `commit` renames the file into place.
 * Calls must not overlap: await each `write` before the next.
 */
export async function openArrowWriter(dest: string, options: ArrowWriterOptions): Promise<ArrowWriter> {
  const schema = withMetadata(options.schema, options.metadata);
  const out = await openAtomicStream(dest);
  const writer = options.format === 'file' ? new CountingFileWriter() : new CountingStreamWriter();
  // Write the schema now, so that a writer committed with no batches is still a valid empty table.
  writer.reset(undefined, schema);

  let failure: unknown;
  let pumped = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  out.stream.on('error', (err) => {
    failure ??= err;
    notify();
  });

  // The pump moves encoded bytes from the writer's queue to the file, pausing on 'drain'.
  const pump = (async () => {
    for await (const chunk of writer) {
      if (!out.stream.write(chunk)) await once(out.stream, 'drain');
      pumped += chunk.byteLength;
      notify();
    }
  })().catch((err: unknown) => {
    failure ??= err;
    notify();
  });

  let state: 'open' | 'committed' | 'aborted' = 'open';
  const ensureOpen = () => {
    if (state !== 'open') throw new Error(`arrow writer for ${dest} is already ${state}`);
    if (failure !== undefined) throw failure;
  };

  return {
    schema,
    async write(batch) {
      ensureOpen();
      if (batch.schema !== schema && !util.compareSchemas(schema, batch.schema)) {
        throw new Error(
          `batch schema differs from the writer's schema for ${dest}: ${describeFields(batch.schema)} vs ${describeFields(schema)}`,
        );
      }
      writer.write(batch);
      const target = writer.bytesProduced;
      while (pumped < target && failure === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (failure !== undefined) throw failure;
    },
    async commit() {
      ensureOpen();
      state = 'committed';
      try {
        writer.close();
        await pump;
        if (failure !== undefined) throw failure;
        await out.commit();
      } catch (err) {
        await out.abort();
        throw failure ?? err;
      }
    },
    async abort() {
      if (state === 'aborted') return;
      state = 'aborted';
      // Not awaiting the pump: it may wait for a 'drain' that a destroyed stream never emits.
      await out.abort();
      try {
        writer.abort(new Error('aborted'));
      } catch {
        // The byte queue is already closed (the pump failed or finished): nothing left to stop.
      }
    },
  };
}

function withMetadata(schema: Schema, metadata: Readonly<Record<string, string>> | undefined): Schema {
  if (!metadata || Object.keys(metadata).length === 0) return schema;
  const merged = new Map(schema.metadata);
  for (const [key, value] of Object.entries(metadata)) merged.set(key, value);
  return new Schema(schema.fields, merged, schema.dictionaries, schema.metadataVersion);
}

function describeFields(schema: Schema): string {
  return `[${schema.fields.map((f) => `${f.name}: ${String(f.type)}`).join(', ')}]`;
}
