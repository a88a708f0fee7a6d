import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DuckDBInstance, LIST, VARCHAR } from '@duckdb/node-api';
import { tempPathFor } from '../../util/atomic.js';
import { defineFormat, type QueueBatch } from './format.js';
import { type ColumnType, tabularColumns } from './shared/tabular-columns.js';

const SQL_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  float: 'DOUBLE',
  int: 'INTEGER',
  bool: 'BOOLEAN',
  string_list: 'VARCHAR[]',
  label_list: 'VARCHAR[]',
};

/** A SQL string literal: quotes doubled (the text is ours or the dataset's, never executed). */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Parquet through an in-memory DuckDB: rows go in through the appender (values never become SQL),
 * then `COPY ... TO` a temporary file that is renamed into place. DuckDB's arrow extension needs a
 * download, so Arrow data is not handed over directly.
 */
export async function writeParquetQueue(dest: string, batch: QueueBatch): Promise<void> {
  const cols = tabularColumns(batch);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(
      `CREATE TABLE queue (${cols.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`).join(', ')})`,
    );
    const appender = await conn.createAppender('queue');
    for (const x of batch.items) {
      for (const c of cols) {
        const v = c.value(x);
        if (v === null) appender.appendNull();
        else if (c.type === 'string') appender.appendVarchar(String(v));
        else if (c.type === 'float') appender.appendDouble(Number(v));
        else if (c.type === 'int') appender.appendInteger(Number(v));
        else if (c.type === 'string_list' || c.type === 'label_list')
          appender.appendList(v as readonly string[], LIST(VARCHAR));
        else appender.appendBoolean(Boolean(v));
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    // The path is ours (output folder + temp name), never dataset text; quotes are still escaped.
    // KV_METADATA becomes the Parquet footer's key-value metadata.
    const kv = [...batch.metadata].map(([k, v]) => `${literal(k)}: ${literal(v)}`);
    const meta = kv.length > 0 ? `, KV_METADATA {${kv.join(', ')}}` : '';
    await conn.run(`COPY queue TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd${meta})`);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export const format = defineFormat({
  id: 'parquet',
  title: 'Parquet',
  files: ['queue.parquet'],
  write: (dir, batch) => writeParquetQueue(join(dir, 'queue.parquet'), batch),
});
