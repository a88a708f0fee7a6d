import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The embedded store (a DuckDB file) that remembers which items went to which review queue, so a
 * repeated export sends only new items. Every statement is parameterised or uses the appender:
 * dataset ids never become SQL text.
 */
export interface ExportedRecord {
  queue: string;
  externalId: string;
  id: string;
  datasetFingerprint: string;
  exportedAt: string;
  batch: string;
}

export interface ReviewStore {
  /** Ids (dataset ids) already exported to `queue` for this dataset fingerprint. */
  exportedIds(queue: string, datasetFingerprint: string): Promise<Set<string>>;
  record(rows: readonly ExportedRecord[]): Promise<void>;
  /** How many batches the queue has received (the next one is numbered after them). */
  batchCount(queue: string): Promise<number>;
  close(): void;
}

const CREATE = `CREATE TABLE IF NOT EXISTS exported (
  queue VARCHAR NOT NULL,
  external_id VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  dataset_fingerprint VARCHAR NOT NULL,
  exported_at VARCHAR NOT NULL,
  export_batch VARCHAR NOT NULL,
  PRIMARY KEY (queue, external_id)
)`;

export async function openReviewStore(path: string): Promise<ReviewStore> {
  await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(CREATE);
  return {
    async exportedIds(queue, datasetFingerprint) {
      const reader = await conn.runAndReadAll(
        'SELECT item_id FROM exported WHERE queue = $1 AND dataset_fingerprint = $2',
        [queue, datasetFingerprint],
      );
      return new Set(reader.getRowsJS().map((r) => String(r[0])));
    },
    async record(rows) {
      if (rows.length === 0) return;
      await conn.run('BEGIN TRANSACTION');
      try {
        const appender = await conn.createAppender('exported');
        for (const r of rows) {
          appender.appendVarchar(r.queue);
          appender.appendVarchar(r.externalId);
          appender.appendVarchar(r.id);
          appender.appendVarchar(r.datasetFingerprint);
          appender.appendVarchar(r.exportedAt);
          appender.appendVarchar(r.batch);
          appender.endRow();
        }
        appender.flushSync();
        appender.closeSync();
        await conn.run('COMMIT');
      } catch (err) {
        await conn.run('ROLLBACK');
        throw err;
      }
    },
    async batchCount(queue) {
      const reader = await conn.runAndReadAll(
        'SELECT count(DISTINCT export_batch) FROM exported WHERE queue = $1',
        [queue],
      );
      return Number(reader.getRowsJS()[0]![0]);
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
