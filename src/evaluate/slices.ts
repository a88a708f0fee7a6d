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
  // Each row's combination as one number: per column its code, null as the column's last digit
  // (so null sorts after every value), the first column most significant.
  const radix = columns.map((c) => c.values.length + 1);
  const space = radix.reduce((a, b) => a * b, 1);
  if (space > 2 ** 52) return groupRowsByString(columns);
  // Int32 keys when they fit (every slice column and most crossings): half the memory.
  const keys = space <= 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let d = 0; d < columns.length; d++) {
      const c = columns[d]!.codes[i]!;
      key = key * radix[d]! + (c < 0 ? radix[d]! - 1 : c);
    }
    keys[i] = key;
  }
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(keys[i]!, (sizes.get(keys[i]!) ?? 0) + 1);
  const order = [...sizes.keys()].sort((a, b) => a - b);
  const groups = new Map(order.map((key) => [key, { rows: new Uint32Array(sizes.get(key)!), used: 0 }]));
  for (let i = 0; i < n; i++) {
    const g = groups.get(keys[i]!)!;
    g.rows[g.used++] = i;
  }
  return order.map((key) => {
    const codes: number[] = new Array(columns.length);
    let rest = key;
    for (let d = columns.length - 1; d >= 0; d--) {
      const digit = rest % radix[d]!;
      rest = (rest - digit) / radix[d]!;
      codes[d] = digit === radix[d]! - 1 ? -1 : digit;
    }
    return {
      values: codes.map((c, d) => (c < 0 ? null : columns[d]!.values[c]!)),
      codes,
      rows: groups.get(key)!.rows,
    };
  });
}

/** The general form, for crossings whose value combinations do not fit one number. */
function groupRowsByString(columns: readonly EncodedColumn[]): RowGroup[] {
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
