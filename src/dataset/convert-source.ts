import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BadInputError, truncate } from '../util/errors.js';
import { statRegularFile } from '../util/files.js';

/** Tabular inputs that `convert` reads through DuckDB. */
export const INPUT_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const BY_EXTENSION: Record<string, InputFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export function inputFormatFromPath(path: string): InputFormat {
  const format = BY_EXTENSION[extname(path).toLowerCase()];
  if (!format) {
    throw new BadInputError(
      `cannot tell the input format from the extension; name it with --input-format (${INPUT_FORMATS.join(', ')})`,
      { file: path },
    );
  }
  return format;
}

/** A SQL string literal: the only way user-given text (a path) enters a query. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier: column names come from the (hostile) input file. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Refuse what DuckDB would misread before it sees the path: a missing, empty or non-regular file,
 * and glob characters (DuckDB's readers expand `*`, `?`, `[`, so one path could read other files).
 */
export async function checkInputFile(path: string): Promise<void> {
  if (path.includes('\0')) throw new BadInputError('path contains a NUL character', { file: path });
  const { size } = await statRegularFile(path, (code) =>
    code === 'ENOENT' ? 'no such file' : `cannot read: ${code}`,
  );
  if (size === 0) throw new BadInputError('file is empty', { file: path });
  if (/[*?[\]{}]/.test(path)) {
    throw new BadInputError(
      'path contains glob characters (* ? [ ] { }), which DuckDB would expand; rename the file',
      {
        file: path,
      },
    );
  }
}

export interface SourceOptions {
  /** CSV/TSV only: read every column as VARCHAR instead of the sniffer's types. */
  allVarchar?: boolean;
}

/** The table function call that reads `path`; strict CSV (a ragged row is an error, never padded). */
export function sourceSql(format: InputFormat, path: string, options: SourceOptions = {}): string {
  const file = sqlString(path);
  switch (format) {
    case 'csv':
    case 'tsv':
      return `read_csv(${file}, ${csvOptions(format)}, all_varchar=${options.allVarchar ? 'true' : 'false'})`;
    case 'jsonl':
      return `read_json(${file}, format='newline_delimited', records=true)`;
    case 'parquet':
      return `read_parquet(${file})`;
  }
}

function csvOptions(format: 'csv' | 'tsv'): string {
  const delim = format === 'tsv' ? "E'\\t'" : "','";
  return `header=true, delim=${delim}, quote='"', escape='"', strict_mode=true, null_padding=false`;
}

/**
 * Turn a DuckDB error about reading the input into a one-line BadInputError naming the file and,
 * where it can be found, the line. DuckDB's own location is used where it is right (CSV lines,
 * JSON transform errors); for malformed JSON (off by one) and CSV rows caught while sniffing
 * (no line at all) we locate the line ourselves.
 */
export async function translateReadError(
  err: unknown,
  format: InputFormat,
  path: string,
  connection: DuckDBConnection,
): Promise<BadInputError> {
  if (err instanceof BadInputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const summary = summarise(message);

  if (format === 'csv' || format === 'tsv') {
    const located = csvLineError(message);
    if (located) return new BadInputError(located.message, { file: path, line: located.line });
    if (/Error when sniffing file/.test(message)) {
      const diagnosed = await diagnoseCsv(format, path, connection);
      if (diagnosed) return diagnosed;
      return new BadInputError(
        `could not parse as ${format.toUpperCase()} (header row, '${format === 'tsv' ? '\\t' : ','}' delimiter, '"' quotes)`,
        { file: path },
      );
    }
  }
  if (format === 'jsonl') {
    const invalid = await findInvalidJsonLine(path);
    if (invalid) return invalid;
    const line = /\bin line (\d+)/.exec(message);
    if (line && !/Malformed JSON/.test(message)) {
      return new BadInputError(summary.replace(/ in file "[^"]*"/, '').replace(/,? in line \d+/, ''), {
        file: path,
        line: Number(line[1]),
      });
    }
  }
  if (/No files found that match the pattern/.test(message))
    return new BadInputError('no such file', { file: path });
  return new BadInputError(summary.replaceAll(`"${path}"`, 'the file'), { file: path });
}

/** The first line of a DuckDB error, without the SQL echo DuckDB appends. */
function summarise(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/^[A-Za-z ]*Error: /, '').trim();
}

function csvLineError(message: string): { line: number; message: string } | undefined {
  const line = /CSV Error on Line: (\d+)/.exec(message);
  if (!line) return undefined;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) {
    return {
      line: Number(line[1]),
      message: `row has ${columns[2]} fields but the header has ${columns[1]}`,
    };
  }
  // Conversion and quoting errors: DuckDB's explanation is the line after "Original Line: ...".
  const lines = message.split('\n').map((l) => l.trim());
  const original = lines.findIndex((l) => l.startsWith('Original Line'));
  const reason = (original >= 0 ? lines[original + 1] : undefined) ?? summarise(message);
  return { line: Number(line[1]), message: reason };
}

/**
 * DuckDB's sniffer rejects a strict CSV with a ragged row in its sample without naming the row.
 * Re-read with the header's width fixed (no sniffing, every column text), which makes DuckDB
 * report the first ragged line.
 */
async function diagnoseCsv(
  format: 'csv' | 'tsv',
  path: string,
  connection: DuckDBConnection,
): Promise<BadInputError | undefined> {
  const width = await headerWidth(path, format === 'tsv' ? '\t' : ',');
  if (width === undefined) return undefined;
  const columns = Array.from({ length: width }, (_, i) => `${sqlString(`c${i}`)}: 'VARCHAR'`).join(', ');
  const sql = `SELECT count(*) FROM read_csv(${sqlString(path)}, ${csvOptions(format)}, auto_detect=false, columns={${columns}})`;
  try {
    await connection.run(sql);
    return undefined;
  } catch (err) {
    const located = csvLineError(err instanceof Error ? err.message : String(err));
    return located ? new BadInputError(located.message, { file: path, line: located.line }) : undefined;
  }
}

/** Number of fields in the header row (RFC 4180 quoting), read from at most the first MiB. */
async function headerWidth(path: string, delimiter: string): Promise<number | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    let fields = 1;
    let quoted = false;
    for (const ch of text) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === delimiter) fields++;
      else if (!quoted && (ch === '\n' || ch === '\r')) return fields;
    }
    return bytesRead < buf.length ? fields : undefined;
  } finally {
    await fh.close();
  }
}

/** The first line that is not a JSON object (blank lines are skipped, as DuckDB does), if any. */
export async function findInvalidJsonLine(path: string): Promise<BadInputError | undefined> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  let records = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        const why = err instanceof SyntaxError ? err.message : String(err);
        return new BadInputError(`invalid JSON: ${truncate(why, 160)}`, { file: path, line: n });
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return new BadInputError('each line must be a JSON object', { file: path, line: n });
      }
      records++;
    }
  } finally {
    lines.close();
  }
  return records === 0 ? new BadInputError('file has no JSON records', { file: path }) : undefined;
}
