/**
 * Compares two output folders file by file, byte for byte: the check that a restructure changed no
 * result. Files that record wall-clock timings (run.json, report.html: rows/s, seconds, dates) are
 * listed but do not fail the comparison; everything else must be identical and present in both,
 * except for the moments a run records (a review batch's `exportedAt`, in its manifest and the
 * schema metadata of its Arrow and Parquet queues): a file equal to the other once every ISO-8601
 * UTC timestamp in it is blanked is "differs (timestamps only)", and a DuckDB store is compared
 * table by table, row by row, with its timestamp columns blanked.
 *
 *   npm run build && node dist/bench/compare-outputs.js <before-dir> <after-dir>
 *
 * Exit 0 when every deterministic file matches, 1 when one differs or is missing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Outputs that carry timings by design, so two identical runs still differ. */
const TIMED = new Set(['run.json', 'report.html']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);

// Same length whatever the moment, so blanking keeps offsets (Arrow and Parquet are binary).
const ISO_UTC = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
const blanked = (b: Buffer) =>
  Buffer.from(b.toString('latin1').replace(ISO_UTC, 'YYYY-MM-DDThh:mm:ss.sssZ'), 'latin1');

/** Every table of a DuckDB file as sorted rows, timestamps blanked. */
async function storeDump(path: string): Promise<string> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  try {
    const tables = (
      await (await db.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows()
    ).map((r) => String(r[0]));
    const out: string[] = [];
    for (const t of tables) {
      const rows = (await db.runAndReadAll(`SELECT * FROM "${t.replaceAll('"', '""')}"`)).getRowsJson();
      const lines = rows.map((r) =>
        JSON.stringify(r)
          .replace(ISO_UTC, 'T')
          .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?/g, 'T'),
      );
      out.push(`${t}\n${lines.sort().join('\n')}`);
    }
    return out.join('\n\n');
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function compareOutputs(
  before: string,
  after: string,
): Promise<{ path: string; status: string }[]> {
  const all = [...new Set([...files(before), ...files(after)])].sort();
  const a = new Set(files(before));
  const b = new Set(files(after));
  const rows: { path: string; status: string }[] = [];
  for (const path of all) {
    const timed = TIMED.has(path.split('/').pop() ?? '');
    if (!a.has(path) || !b.has(path)) {
      rows.push({ path, status: a.has(path) ? 'missing after' : 'new after' });
      continue;
    }
    const [x, y] = [readFileSync(join(before, path)), readFileSync(join(after, path))];
    let status: string;
    if (x.equals(y)) status = `identical (${sha(join(after, path))})`;
    else if (timed) status = 'differs (timings; not compared)';
    else if (blanked(x).equals(blanked(y))) status = 'differs (timestamps only)';
    else if (path.endsWith('.duckdb'))
      status =
        (await storeDump(join(before, path))) === (await storeDump(join(after, path)))
          ? 'differs (timestamps only: same tables and rows)'
          : 'DIFFERS';
    else status = 'DIFFERS';
    rows.push({ path, status });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [before, after] = process.argv.slice(2);
  if (!before || !after) {
    process.stderr.write('usage: node dist/bench/compare-outputs.js <before-dir> <after-dir>\n');
    process.exit(2);
  }
  const rows = await compareOutputs(before, after);
  const width = Math.max(...rows.map((r) => r.path.length));
  for (const r of rows) process.stdout.write(`${r.path.padEnd(width)}  ${r.status}\n`);
  const bad = rows.filter((r) => !r.status.startsWith('identical') && !r.status.startsWith('differs (tim'));
  process.stdout.write(
    bad.length ? `${bad.length} file(s) differ\n` : 'all deterministic outputs identical\n',
  );
  process.exit(bad.length ? 1 : 0);
}
