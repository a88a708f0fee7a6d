import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { openArrow } from '../../src/dataset/arrow-reader.js';
import { CompactIdSet } from '../../src/dataset/compact-id-set.js';
import { firstRowsOf } from '../../src/dataset/duplicate-rows.js';
import { openDataset } from '../../src/dataset/open.js';
import { useTmpDir } from '../helpers/tmp.js';

// Synthetic ids on purpose: the cases (a repeat three batches later, a repeat inside a batch,
// a stream of unknown length) are shapes the real corpora do not have.
const tmp = useTmpDir();
const enc = new TextEncoder();

/** An Arrow file whose record batches hold these ids (text and label filled in). */
function batchedFile(dir: string, batches: string[][], format: 'file' | 'stream' = 'file'): string {
  const utf8 = (values: string[]) => vectorFromArray(values, new Utf8());
  const parts = batches.map(
    (ids) =>
      new Table({
        id: utf8(ids),
        text: utf8(ids.map((i) => `text ${i}`)),
        label: utf8(ids.map(() => 'ham')),
      }),
  );
  const path = join(dir, `ids.${format === 'file' ? 'arrow' : 'arrows'}`);
  writeFileSync(path, tableToIPC(new Table(parts.flatMap((t) => t.batches)), format));
  return path;
}

describe('CompactIdSet', () => {
  it('answers new, then seen, for the same bytes; keeps distinct ids apart', () => {
    const set = new CompactIdSet(100);
    expect(set.add(enc.encode('a'))).toBe(true);
    expect(set.add(enc.encode('b'))).toBe(true);
    expect(set.add(enc.encode('a'))).toBe(false);
    expect(set.add(enc.encode('__proto__'))).toBe(true);
    expect(set.size).toBe(3);
  });

  it('sized from the row count, holds 5 bytes per row and never doubles', () => {
    const set = new CompactIdSet(100_000);
    const bytes = set.bytes;
    expect(bytes / 100_000).toBeLessThan(5.5);
    for (let i = 0; i < 100_000; i++) expect(set.add(enc.encode(`id-${i}`))).toBe(true);
    expect(set.bytes).toBe(bytes);
    for (let i = 0; i < 100_000; i += 997) expect(set.add(enc.encode(`id-${i}`))).toBe(false);
  });

  it('takes rows past the expected count into a growing table, still finding every repeat', () => {
    const set = new CompactIdSet(1000);
    for (let i = 0; i < 5000; i++) expect(set.add(enc.encode(`over ${i}`))).toBe(true);
    for (let i = 0; i < 5000; i += 7) expect(set.add(enc.encode(`over ${i}`))).toBe(false);
    expect(set.size).toBe(5000);
  });

  it('grows for a stream of unknown length without losing an id', () => {
    const set = new CompactIdSet();
    for (let i = 0; i < 50_000; i++) set.add(enc.encode(`row ${i}`));
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 101) expect(set.add(enc.encode(`row ${i}`))).toBe(false);
    expect(set.add(enc.encode('row 50000'))).toBe(true);
  });
});

describe('duplicate ids across record batches', () => {
  it.each(['file', 'stream'] as const)(
    'names the first row of an id repeated batches later (%s)',
    async (format) => {
      const path = batchedFile(
        tmp(),
        [
          ['a', 'b'],
          ['c', 'd'],
          ['e', 'b', 'e'],
        ],
        format,
      );
      const summary = await (await openDataset(path)).scan({ onInvalid: 'collect' }).run();
      expect(summary.problems).toEqual({ duplicate_id: 2 });
      expect(summary.examples.map((p) => [p.row, p.message])).toEqual([
        [5, 'duplicate id (first seen at row 1)'],
        [6, 'duplicate id (first seen at row 4)'],
      ]);
      expect(summary.valid).toBe(5);
    },
  );

  it('stops at the first duplicate by default, naming both rows', async () => {
    const path = batchedFile(tmp(), [
      ['x', 'y'],
      ['z', 'x'],
    ]);
    await expect((await openDataset(path)).scan().run()).rejects.toThrow(
      /batch 1, row 3, id "x", field "id": duplicate id \(first seen at row 0\)/,
    );
  });

  it('firstRowsOf: a suspect with no earlier row of the same bytes is a fingerprint collision', async () => {
    const path = batchedFile(tmp(), [
      ['p', 'q'],
      ['r', 'q', 's'],
    ]);
    const source = await openArrow(path);
    const ds = await openDataset(path);
    let found: Map<number, number> | undefined;
    for await (const vb of ds.scan({ onInvalid: 'collect', checkDuplicateIds: false })) {
      // Rows 0 and 1 of batch 1 ('r', 'q') treated as suspects: only 'q' was seen before.
      if (vb.index === 1) found = await firstRowsOf(source, 'id', vb, [0, 1, 2]);
    }
    expect([...found!]).toEqual([[1, 1]]);
  });
});
