import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { detectArrowFormat, openArrow } from '../../src/dataset/arrow-reader.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

function sample(path: string, format: 'file' | 'stream', rows = 5): void {
  const ids = Array.from({ length: rows }, (_, i) => `id-${i}`);
  writeArrow(
    path,
    {
      id: { values: ids, type: new Utf8() },
      text: { values: ids.map((i) => `text of ${i}`), type: new Utf8() },
      label: { values: ids.map((_, i) => (i % 2 ? 'spam' : 'ham')), type: new Utf8() },
    },
    format,
  );
}

async function rowsOf(path: string): Promise<number> {
  const src = await openArrow(path);
  let n = 0;
  for await (const b of src.batches()) n += b.numRows;
  return n;
}

describe('openArrow', () => {
  it('detects the file and stream formats by magic bytes, whatever the extension', async () => {
    const f = join(tmp(), 'a.data');
    const s = join(tmp(), 'b.arrow');
    sample(f, 'file');
    sample(s, 'stream');
    expect((await openArrow(f)).format).toBe('file');
    expect((await openArrow(s)).format).toBe('stream');
    expect(await rowsOf(f)).toBe(5);
    expect(await rowsOf(s)).toBe(5);
    expect(detectArrowFormat(new TextEncoder().encode('id,text\n1,2'))).toBeUndefined();
  });

  it('exposes the schema before reading any batch, and batches can be re-read', async () => {
    const f = join(tmp(), 'a.arrow');
    sample(f, 'file');
    const src = await openArrow(f);
    expect(src.schema.fields.map((x) => x.name)).toEqual(['id', 'text', 'label']);
    expect(await rowsOf(f)).toBe(5);
    let again = 0;
    for await (const b of src.batches()) again += b.numRows;
    expect(again).toBe(5);
  });

  it('rejects an empty file, a non-Arrow file and a missing file with the file named', async () => {
    const empty = join(tmp(), 'empty.arrow');
    writeFileSync(empty, '');
    await expect(openArrow(empty)).rejects.toThrow(`${empty}: empty file`);
    const csv = join(tmp(), 'x.arrow');
    writeFileSync(csv, 'id,text,label\n1,hello,spam\n');
    await expect(openArrow(csv)).rejects.toThrow(/x\.arrow: not an Arrow IPC file or stream/);
    await expect(openArrow(join(tmp(), 'missing.arrow'))).rejects.toThrow(
      /missing\.arrow: cannot read dataset \(ENOENT\)/,
    );
    await expect(openArrow(tmp())).rejects.toBeInstanceOf(BadInputError);
    await expect(openArrow(tmp())).rejects.toThrow(`${tmp()}: not a regular file`);
  });

  it.each(['file', 'stream'] as const)(
    'rejects a truncated %s with a BadInputError naming the file',
    async (format) => {
      const good = join(tmp(), `good.${format}`);
      sample(good, format, 200);
      const bytes = readFileSync(good);
      const cut = join(tmp(), `cut.${format}`);
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const attempt = async () => rowsOf(cut);
      await expect(attempt()).rejects.toBeInstanceOf(BadInputError);
      await expect(attempt()).rejects.toThrow(/cut\.(file|stream).*corrupt or truncated Arrow data/);
    },
  );

  it('rejects a stream whose bytes are garbage after a valid start', async () => {
    const good = join(tmp(), 'good.arrows');
    sample(good, 'stream', 50);
    const bytes = Buffer.from(readFileSync(good));
    bytes.fill(0x7f, 16, bytes.length - 8);
    const bad = join(tmp(), 'garbage.arrows');
    writeFileSync(bad, bytes);
    await expect(rowsOf(bad)).rejects.toBeInstanceOf(BadInputError);
  });
});
