import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Int32, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { countArrowRows } from '../../src/dataset/row-count.js';
import { goldenPath, repeatedGolden } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

describe('countArrowRows (metadata only)', () => {
  it('counts the real golden set (file format) and a repeated copy (stream format)', async () => {
    expect(await countArrowRows(await goldenPath())).toBe(1183);
    expect(await countArrowRows(await repeatedGolden(tmp(), 3))).toBe(3 * 1183);
  });

  it('counts several batches, empty tables and gives null for what is not Arrow', async () => {
    const dir = tmp();
    // Synthetic: batch boundaries of chosen sizes, which the real files do not have.
    const parts = [5, 0, 17, 1].map(
      (n) =>
        new Table({
          x: vectorFromArray(
            Array.from({ length: n }, (_, i) => i),
            new Int32(),
          ),
        }),
    );
    const table = parts.reduce((a, b) => a.concat(b));
    for (const format of ['file', 'stream'] as const) {
      const path = join(dir, `t.${format}`);
      writeFileSync(path, tableToIPC(table, format));
      expect(await countArrowRows(path)).toBe(23);
      const empty = join(dir, `e.${format}`);
      writeFileSync(empty, tableToIPC(new Table({ x: vectorFromArray([], new Int32()) }), format));
      expect(await countArrowRows(empty)).toBe(0);
    }
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'id,text\n1,hello\n');
    expect(await countArrowRows(junk)).toBeNull();
  });
});
