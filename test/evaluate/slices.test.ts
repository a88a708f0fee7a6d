import { describe, expect, it } from 'vitest';
import type { EncodedColumn } from '../../src/evaluate/eval-set.js';
import { groupRows, rowsBySliceValue } from '../../src/evaluate/slices.js';

// Synthetic codes: the grouping rules (value order, null last, empty values) need exact shapes.
const column = (name: string, values: string[], codes: number[]): EncodedColumn => ({
  name,
  values,
  codes: Int32Array.from(codes),
});

describe('slice grouping', () => {
  const lang = column('lang', ['de', 'en', 'fr'], [1, -1, 0, 1, 0, -1]);
  const src = column('source', ['a', 'b'], [0, 0, 1, 1, 0, 1]);

  it('groups one column in value order with null last, rows ascending', () => {
    const groups = groupRows([lang]);
    expect(groups.map((g) => g.values)).toEqual([['de'], ['en'], [null]]);
    expect(groups.map((g) => [...g.rows])).toEqual([
      [2, 4],
      [0, 3],
      [1, 5],
    ]);
  });

  it('groups a crossing by the first column, then the second', () => {
    const groups = groupRows([lang, src]);
    expect(groups.map((g) => g.values)).toEqual([
      ['de', 'a'],
      ['de', 'b'],
      ['en', 'a'],
      ['en', 'b'],
      [null, 'a'],
      [null, 'b'],
    ]);
    expect(groups.map((g) => g.rows.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('indexes rows by value code, with an empty group for a value without rows and no null group', () => {
    const byValue = rowsBySliceValue(lang);
    expect(byValue.map((r) => [...r])).toEqual([[2, 4], [0, 3], []]);
    expect(rowsBySliceValue(column('x', ['v'], [])).map((r) => r.length)).toEqual([0]);
  });
});
