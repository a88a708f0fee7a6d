import type { EncodedColumn } from './eval-set.js';
import type { Rows } from './rows.js';

/** The rows sharing one combination of values of some slice columns. */
export interface RowGroup {
  /** One value per column; null where the row's value is null. */
  readonly values: (string | null)[];
  /** One code per column (-1 = null). */
  readonly codes: readonly number[];
  readonly rows: Rows;
}

/**
 * Groups the rows by their values of one slice column or a crossing of several, in value order
 * per column (null after every value); only combinations that occur form a group.
 */
export function groupRows(columns: readonly EncodedColumn[]): RowGroup[] {
  const n = columns[0]!.codes.length;
  const byKey = new Map<string, { codes: number[]; rows: number[] }>();
  for (let i = 0; i < n; i++) {
    const codes = columns.map((c) => c.codes[i]!);
    const key = codes.join(',');
    let g = byKey.get(key);
    if (!g) {
      g = { codes, rows: [] };
      byKey.set(key, g);
    }
    g.rows.push(i);
  }
  const order = (c: number) => (c < 0 ? Number.MAX_SAFE_INTEGER : c);
  return [...byKey.values()]
    .sort((a, b) => {
      for (let d = 0; d < a.codes.length; d++) {
        const diff = order(a.codes[d]!) - order(b.codes[d]!);
        if (diff !== 0) return diff;
      }
      return 0;
    })
    .map((g) => ({
      values: g.codes.map((c, d) => (c < 0 ? null : columns[d]!.values[c]!)),
      codes: g.codes,
      rows: Uint32Array.from(g.rows),
    }));
}

/**
 * Rows per value of one column, indexed by the value's code (a value without rows gets an empty
 * group; null rows are in no group).
 */
export function rowsBySliceValue(column: EncodedColumn): Rows[] {
  const out: Rows[] = column.values.map(() => new Uint32Array(0));
  for (const g of groupRows([column])) if (g.codes[0]! >= 0) out[g.codes[0]!] = g.rows;
  return out;
}
