/** Row indices of a subset of an evaluation set's items (a slice, a bootstrap's base sample...). */
export type Rows = Uint32Array;

export function allRows(n: number): Rows {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** The values of a per-row column at the given rows. */
export function pick(values: Int32Array, rows: Rows): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}
