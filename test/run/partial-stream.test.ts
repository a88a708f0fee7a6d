import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Float32,
  Int32,
  type RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Table,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PartialArrowStream } from '../../src/run/partial-stream.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

// Synthetic batches: the byte layout of the stream is what is under test, not the data.
function batches(): { schema: Schema; list: RecordBatch[] } {
  const list: RecordBatch[] = [];
  let schema: Schema | undefined;
  for (let b = 0; b < 5; b++) {
    const n = 3 + b;
    const table = new Table({
      id: vectorFromArray(
        Array.from({ length: n }, (_, i) => `row-${b}-${i}-é`),
        new Utf8(),
      ),
      n: vectorFromArray(
        Array.from({ length: n }, (_, i) => i * b),
        new Int32(),
      ),
      s: vectorFromArray(
        Array.from({ length: n }, (_, i) => i / 7),
        new Float32(),
      ),
    });
    schema ??= new Schema(table.schema.fields, new Map([['k', 'v']]));
    list.push(...table.batches.map((x) => x));
  }
  const s = schema!;
  return { schema: s, list: list.map((x) => new (x.constructor as typeof RecordBatch)(s, x.data)) };
}

describe('PartialArrowStream', () => {
  it('writes the same bytes as apache-arrow stream writer', async () => {
    const { schema, list } = batches();
    const path = join(tmp(), 'a.arrows');
    const stream = await PartialArrowStream.open(path, schema);
    for (const b of list) await stream.write(b);
    await stream.finish();
    const reference = RecordBatchStreamWriter.writeAll(list).toUint8Array(true);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(reference))).toBe(true);
  });

  it('reopened at a synced length, drops the bytes after it and continues to identical bytes', async () => {
    const { schema, list } = batches();
    const path = join(tmp(), 'b.arrows');
    const first = await PartialArrowStream.open(path, schema);
    await first.write(list[0]!);
    await first.write(list[1]!);
    const synced = await first.sync();
    // Written after the sync, then "killed": these bytes must not survive a resume.
    await first.write(list[2]!);
    await first.close();
    expect(readFileSync(path).length).toBeGreaterThan(synced);

    const second = await PartialArrowStream.open(path, schema, synced);
    for (const b of list.slice(2)) await second.write(b);
    await second.finish();
    const reference = RecordBatchStreamWriter.writeAll(list).toUint8Array(true);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(reference))).toBe(true);
  });

  it('refuses to resume a file shorter than the recorded length', async () => {
    const { schema } = batches();
    const path = join(tmp(), 'c.arrows');
    writeFileSync(path, Buffer.alloc(10));
    await expect(PartialArrowStream.open(path, schema, 500)).rejects.toThrow(/fewer than the 500/);
  });
});
