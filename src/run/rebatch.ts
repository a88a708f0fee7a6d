import type { Data } from 'apache-arrow';
import { binaryColumn, type FloatListColumn, floatListColumn, stringColumn } from '../dataset/columns.js';
import { RowStatus, type ValidatedBatch } from '../dataset/validate.js';
import { growableFloat32, growableUint8 } from '../util/growable.js';

/**
 * A model input column packed for a worker. Buffers are SharedArrayBuffer-backed: workers read them
 * without a copy, and the bytes survive a worker crash so the chunk can be retried.
 */
export type PackedInput =
  | { kind: 'utf8'; offsets: Int32Array; bytes: Uint8Array }
  | { kind: 'binary'; offsets: Int32Array; bytes: Uint8Array }
  | { kind: 'floats'; offsets: Int32Array; values: Float32Array };

/** Strings as UTF-8 bytes end to end: value i is bytes[offsets[i]..offsets[i+1]]. */
export interface PackedUtf8 {
  offsets: Int32Array;
  bytes: Uint8Array;
}

const idDecoder = new TextDecoder();

/** Value i of packed strings (ids are decoded only for messages, never per row). */
export function packedString(p: PackedUtf8, i: number): string {
  return idDecoder.decode(p.bytes.subarray(p.offsets[i]!, p.offsets[i + 1]!));
}

/** `batchSize` consecutive valid rows, in dataset order. */
export interface RowChunk {
  seq: number;
  /** Rows in the chunk. */
  length: number;
  /** The rows' ids as the dataset's bytes (copied into the predictions without a string per row). */
  ids: PackedUtf8;
  /** Packed model inputs by dataset column. */
  inputs: Record<string, PackedInput>;
  /** Golden label per row (null where unlabelled), kept on the main thread for the run summary. */
  labels: (string | string[] | null)[];
  /** Dataset row index of each row. */
  rows: number[];
  /** The dataset row just after this chunk's last row: where a resume starts. */
  endRow: number;
}

/** A dataset column the model reads, and how it is packed. */
export interface InputColumn {
  name: string;
  kind: 'utf8' | 'binary' | 'floats';
}

/** Growable byte/float storage that ends up in one SharedArrayBuffer per chunk. */
class Packer {
  private readonly bytes = growableUint8(1 << 16);
  private readonly floats = growableFloat32(1 << 12);
  private offsets: number[] = [0];

  constructor(readonly kind: 'utf8' | 'binary' | 'floats') {}

  get rows(): number {
    return this.offsets.length - 1;
  }

  addBytes(b: Uint8Array): void {
    this.bytes.append(b);
    this.offsets.push(this.bytes.length);
  }

  addFloats(src: Float32Array | Float64Array, start: number, end: number): void {
    this.floats.append(src, start, end);
    this.offsets.push(this.floats.length);
  }

  /** The packed rows, in SharedArrayBuffers for workers (`inShared`) or plain exact-size arrays. */
  take(inShared = true): PackedInput {
    const alloc = inShared ? shared : plain;
    const offsets = alloc(Int32Array, this.offsets.length);
    offsets.set(this.offsets);
    let input: PackedInput;
    if (this.kind !== 'floats') {
      const bytes = alloc(Uint8Array, this.bytes.length);
      bytes.set(this.bytes.view());
      input = { kind: this.kind, offsets, bytes };
    } else {
      const values = alloc(Float32Array, this.floats.length);
      values.set(this.floats.view());
      input = { kind: 'floats', offsets, values };
    }
    this.bytes.clear();
    this.floats.clear();
    this.offsets = [0];
    return input;
  }
}

function shared<T extends Int32Array | Uint8Array | Float32Array>(
  ctor: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * ctor.BYTES_PER_ELEMENT));
}

function plain<T extends Int32Array | Uint8Array | Float32Array>(
  ctor: { new (length: number): T },
  length: number,
): T {
  return new ctor(length);
}

/**
 * Re-batches validated dataset batches into chunks of exactly `batchSize` valid rows (the last may
 * be shorter). Chunk boundaries depend only on the count of valid rows since the start, so a run
 * resumed at a chunk boundary produces the same chunks as an uninterrupted one.
 */
export class Rebatcher {
  private packers: Map<string, Packer>;
  private readonly ids = new Packer('utf8');
  private labels: (string | string[] | null)[] = [];
  private rows: number[] = [];
  private encoder = new TextEncoder();
  private nextSeq: number;
  /** Rows of the current chunk so far, and whether this process scores it. */
  private inChunk = 0;
  private owned = true;

  constructor(
    private readonly batchSize: number,
    columns: readonly InputColumn[],
    /** Rows before this dataset index were done by an earlier, interrupted run. */
    private readonly startRow = 0,
    firstSeq = 0,
    /**
     * For a shard: whether the chunk starting at this dataset row is scored here. Chunks it does
     * not own are still cut and numbered (their rows counted, not packed), so a shard's chunks are
     * exactly the single run's chunks it owns.
     */
    private readonly owns: (firstRow: number) => boolean = () => true,
  ) {
    this.packers = new Map(columns.map((c) => [c.name, new Packer(c.kind)]));
    this.nextSeq = firstSeq;
  }

  *push(vb: ValidatedBatch): Generator<RowChunk> {
    const readers = [...this.packers].map(([name, packer]) => {
      const data = vb.batch.getChild(name)!.data[0]! as Data;
      if (packer.kind === 'utf8') {
        const text = stringColumn(data);
        // Utf8 rows are copied as raw bytes; Dictionary rows (no byte view) are re-encoded.
        return (i: number) => packer.addBytes(text.bytes(i) ?? this.encoder.encode(text.get(i) ?? ''));
      }
      if (packer.kind === 'binary') {
        // A null value is packed as zero bytes: the worker reports it as an empty image.
        const binary = binaryColumn(data);
        const none = new Uint8Array(0);
        return (i: number) => packer.addBytes(binary.bytes(i) ?? none);
      }
      const floats: FloatListColumn = floatListColumn(data);
      return (i: number) => {
        const [s, e] = floats.isNull(i) ? [0, 0] : floats.offsets(i);
        packer.addFloats(floats.values, s, e);
      };
    });
    for (let i = 0; i < vb.batch.numRows; i++) {
      const row = vb.rowOffset + i;
      if (row < this.startRow || vb.status[i] === RowStatus.rejected) continue;
      if (this.inChunk === 0) this.owned = this.owns(row);
      this.inChunk++;
      if (this.owned) {
        for (const read of readers) read(i);
        this.ids.addBytes(vb.ids.bytes(i) ?? this.encoder.encode(vb.ids.get(i)!));
        this.labels.push(vb.labels[i] ?? null);
        this.rows.push(row);
      }
      if (this.inChunk === this.batchSize) {
        this.inChunk = 0;
        if (this.owned) yield this.take();
        else this.nextSeq++;
      }
    }
  }

  *flush(): Generator<RowChunk> {
    if (this.rows.length > 0) yield this.take();
    this.inChunk = 0;
  }

  private take(): RowChunk {
    const ids = this.ids.take(false) as Extract<PackedInput, { kind: 'utf8' }>;
    const chunk: RowChunk = {
      seq: this.nextSeq++,
      length: this.rows.length,
      ids,
      inputs: Object.fromEntries([...this.packers].map(([name, p]) => [name, p.take()])),
      labels: this.labels,
      rows: this.rows,
      endRow: this.rows[this.rows.length - 1]! + 1,
    };
    this.labels = [];
    this.rows = [];
    return chunk;
  }
}
