import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Dictionary,
  Field,
  Float32,
  Int32,
  List,
  makeData,
  RecordBatch,
  RecordBatchReader,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type ArrowFormat, openArrowWriter } from '../../src/dataset/arrow-writer.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const annotationType = new Struct([
  new Field('annotator', new Utf8(), true),
  new Field('label', new Utf8(), true),
]);
const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('n', new Int32(), true),
  new Field('scores', new List(new Field('item', new Float32(), true)), true),
  new Field('annotations', new List(new Field('item', annotationType, true)), true),
]);

interface Row {
  id: string;
  n: number | null;
  scores: number[] | null;
  annotations: { annotator: string; label: string | null }[] | null;
}

function rowsFor(batchIndex: number, size: number): Row[] {
  return Array.from({ length: size }, (_, i) => {
    const k = batchIndex * 1000 + i;
    return {
      id: `row-${k}`,
      n: k % 7 === 0 ? null : k,
      scores: k % 5 === 0 ? null : [k / 4, 0.5, -k],
      annotations: [
        { annotator: `a${k % 3}`, label: k % 2 ? 'spam' : null },
        { annotator: 'b', label: 'benign' },
      ].slice(0, k % 3),
    };
  });
}

function batchOf(rows: Row[]): RecordBatch {
  const children = schema.fields.map(
    (f) =>
      vectorFromArray(
        rows.map((r) => r[f.name as keyof Row]),
        f.type,
      ).data[0]!,
  );
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: rows.length, children }),
  );
}

async function readAll(
  path: string,
  format: ArrowFormat,
): Promise<{ schema: Schema; rows: Row[]; batches: number }> {
  const reader =
    format === 'file'
      ? await RecordBatchReader.from(await open(path))
      : await RecordBatchReader.from(readFileSync(path));
  await reader.open();
  const rows: Row[] = [];
  let batches = 0;
  const readSchema = reader.schema;
  for await (const batch of reader) {
    batches++;
    for (const r of batch.toArray()) {
      const o = r.toJSON() as Record<string, unknown>;
      rows.push({
        id: o.id as string,
        n: o.n as number | null,
        scores: o.scores === null ? null : [...(o.scores as Iterable<number>)],
        annotations:
          o.annotations === null
            ? null
            : [...(o.annotations as Iterable<{ toJSON(): { annotator: string; label: string | null } }>)].map(
                (a) => a.toJSON(),
              ),
      });
    }
  }
  return { schema: readSchema, rows, batches };
}

describe('openArrowWriter', () => {
  const tmp = useTmpDir();

  for (const format of ['stream', 'file'] as const) {
    it(`writes several batches as an Arrow ${format} that reads back identical, with metadata`, async () => {
      const dest = join(tmp(), `out.${format === 'file' ? 'arrow' : 'arrows'}`);
      const writer = await openArrowWriter(dest, { format, schema, metadata: { source: 'unit-test' } });
      const expected: Row[] = [];
      for (let b = 0; b < 5; b++) {
        const rows = rowsFor(b, 100 + b * 37);
        expected.push(...rows);
        await writer.write(batchOf(rows));
      }
      // Nothing visible under the destination name before commit.
      expect(listFiles(tmp())).not.toContain(`out.${format === 'file' ? 'arrow' : 'arrows'}`);
      await writer.commit();
      expect(listFiles(tmp())).toEqual([`out.${format === 'file' ? 'arrow' : 'arrows'}`]);

      const back = await readAll(dest, format);
      expect(back.batches).toBe(5);
      expect(back.rows).toHaveLength(expected.length);
      expect(back.rows).toEqual(
        expected.map((r) => ({ ...r, scores: r.scores?.map((s) => Math.fround(s)) ?? null })),
      );
      expect(back.schema.metadata.get('source')).toBe('unit-test');
      expect(back.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(
        schema.fields.map((f) => `${f.name}:${String(f.type)}`),
      );
    });
  }

  it('commits a valid empty table when no batch was written', async () => {
    const dest = join(tmp(), 'empty.arrow');
    const writer = await openArrowWriter(dest, { format: 'file', schema });
    await writer.commit();
    const back = await readAll(dest, 'file');
    expect(back.rows).toEqual([]);
    expect(back.schema.fields.map((f) => f.name)).toEqual(['id', 'n', 'scores', 'annotations']);
  });

  it('abort leaves nothing behind', async () => {
    const dest = join(tmp(), 'gone.arrows');
    const writer = await openArrowWriter(dest, { format: 'stream', schema });
    await writer.write(batchOf(rowsFor(0, 50)));
    await writer.abort();
    expect(listFiles(tmp())).toEqual([]);
    await expect(writer.write(batchOf(rowsFor(1, 5)))).rejects.toThrow(/already aborted/);
  });

  it('refuses a batch whose schema differs instead of silently closing the stream', async () => {
    const dest = join(tmp(), 'x.arrows');
    const dictSchema = new Schema([new Field('label', new Dictionary(new Utf8(), new Int32()), true)]);
    const writer = await openArrowWriter(dest, { format: 'stream', schema: dictSchema });
    // A second Dictionary type (new id) is a different schema to apache-arrow.
    const otherType = new Dictionary(new Utf8(), new Int32());
    const otherSchema = new Schema([new Field('label', otherType, true)]);
    const other = new RecordBatch(
      otherSchema,
      makeData({
        type: new Struct(otherSchema.fields),
        length: 2,
        children: [vectorFromArray(['a', 'b'], otherType).data[0]!],
      }),
    );
    await expect(writer.write(other)).rejects.toThrow(/batch schema differs/);
    await writer.abort();
    expect(listFiles(tmp())).toEqual([]);
  });

  it('write resolves only once the batch is handed to the file (backpressure), and all rows arrive', async () => {
    const dest = join(tmp(), 'big.arrows');
    const writer = await openArrowWriter(dest, { format: 'stream', schema });
    let total = 0;
    let bodyBytes = 0;
    for (let b = 0; b < 20; b++) {
      const batch = batchOf(rowsFor(b, 5000));
      total += batch.numRows;
      bodyBytes += batch.data.byteLength;
      await writer.write(batch);
      // Without waiting on the pump, the temp file would still be (nearly) empty here. What may
      // lag behind is the stream's buffer (16 KiB high-water mark) plus one chunk being flushed.
      const temp = listFiles(tmp()).find((f) => f.endsWith('.tmp'))!;
      expect(statSync(join(tmp(), temp)).size).toBeGreaterThan(bodyBytes * 0.5 - 128 * 1024);
    }
    await writer.commit();
    const back = await readAll(dest, 'stream');
    expect(back.batches).toBe(20);
    expect(back.rows).toHaveLength(total);
    expect(back.rows[total - 1]!.id).toBe('row-23999');
  });
});
