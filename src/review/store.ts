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
  /** Rows exported to a queue, oldest first. */
  list(queue: string): Promise<ExportedRecord[]>;
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
    async list(queue) {
      const reader = await conn.runAndReadAll(
        'SELECT queue, external_id, item_id, dataset_fingerprint, exported_at, export_batch FROM exported WHERE queue = $1 ORDER BY exported_at, external_id',
        [queue],
      );
      return reader.getRowsJS().map((r) => ({
        queue: String(r[0]),
        externalId: String(r[1]),
        id: String(r[2]),
        datasetFingerprint: String(r[3]),
        exportedAt: String(r[4]),
        batch: String(r[5]),
      }));
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
