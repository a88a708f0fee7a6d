import { writeFileSync } from 'node:fs';
import { type DataType, Table, tableToIPC, vectorFromArray } from 'apache-arrow';

/** Write a small Arrow table (column name → values and type) as an IPC file or stream. */
export function writeArrow(
  path: string,
  columns: Record<string, { values: unknown[]; type: DataType }>,
  format: 'file' | 'stream' = 'file',
): void {
  const vectors = Object.fromEntries(
    Object.entries(columns).map(([name, c]) => [name, vectorFromArray(c.values, c.type)]),
  );
  writeFileSync(path, tableToIPC(new Table(vectors), format));
}
