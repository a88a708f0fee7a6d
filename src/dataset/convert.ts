import { lstat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
} from '@duckdb/node-api';
import { Field, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import { z } from 'zod';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import { checkReplaceable } from '../util/atomic.js';
import { BadInputError } from '../util/errors.js';
import { assertOutputsSpareInputs } from '../util/identity.js';
import { keyedRecord, ownValue } from '../util/keyed.js';
import { harnessVersion } from '../util/version.js';
import { checkOption } from '../util/zod.js';
import { type ArrowFormat, openArrowWriter } from './arrow-writer.js';
import { AnnotatorColumnsSchema, type GatheredAnnotators, gatherAnnotators } from './convert-annotators.js';
import {
  checkInputFile,
  INPUT_FORMATS,
  type InputFormat,
  inputFormatFromPath,
  sourceSql,
  sqlIdentifier,
  translateReadError,
} from './convert-source.js';
import {
  ColumnAccumulator,
  type ColumnMapping,
  mapDuckDBType,
  SUPPORTED_TYPES_HINT,
} from './duckdb-arrow.js';

export const ConvertOptionsSchema = z.object({
  /** CSV (header required), TSV, JSONL (one object per line) or Parquet file. */
  input: z.string().min(1),
  /** Arrow IPC output: `.arrows` = stream, `.arrow` = file, unless `format` says otherwise. */
  output: z.string().min(1),
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  format: z.enum(['stream', 'file']).optional(),
  /** Keep only these source columns, in this order (default: all, in file order). */
  select: z.array(z.string().min(1)).optional(),
  /** Rename source columns: source name → output name (any name, `constructor` included). */
  map: keyedRecordSchema(z.string().min(1)).default(() => keyedRecord<string>()),
  /**
   * Columns written as JSON text (Utf8): a nested object or list (JSONL, Parquet) becomes its
   * JSON; a text column stays as it is.
   */
  jsonText: z.array(z.string().min(1)).default([]),
  /** CSV/TSV: every column as Utf8 instead of the types DuckDB's sniffer detects. */
  allVarchar: z.boolean().default(false),
  /** Wide annotator columns gathered into one `annotations` column (they are not written on their own). */
  annotators: AnnotatorColumnsSchema.optional(),
  /** Rows per output record batch (the last batch may be shorter). */
  batchRows: z.number().int().positive().default(16_384),
  /** Replace an existing output file; without it an existing file is refused (it may be a golden set). */
  force: z.boolean().default(false),
});
export type ConvertOptions = z.input<typeof ConvertOptionsSchema>;

export interface ConvertedColumn {
  source: string;
  name: string;
  /** The DuckDB type read from the input. */
  sourceType: string;
  /** The Arrow type written. */
  type: string;
}

export interface ConvertSummary {
  input: string;
  inputFormat: InputFormat;
  output: string;
  format: ArrowFormat;
  rows: number;
  batches: number;
  columns: ConvertedColumn[];
  /** The annotations column gathered from wide annotator columns, when asked for. */
  annotators?: { output: string; sources: { column: string; annotator: string }[] };
}

interface PlannedColumn extends ConvertedColumn {
  mapping: ColumnMapping;
}

/**
 * Convert a CSV/TSV/JSONL/Parquet file to Arrow IPC through DuckDB, streaming: memory is bounded
 * by `batchRows`, not by the input size. Every input problem is a BadInputError naming the file
 * (and the line, column or type); on any error no output file is left behind.
 */
export async function convertToArrow(options: ConvertOptions): Promise<ConvertSummary> {
  const opts = checkOption(ConvertOptionsSchema, options, 'convert options');
  const inputFormat = opts.inputFormat ?? inputFormatFromPath(opts.input);
  const format = opts.format ?? outputFormatFromPath(opts.output);
  if (opts.allVarchar && inputFormat !== 'csv' && inputFormat !== 'tsv') {
    throw new BadInputError('--all-varchar applies to CSV and TSV inputs only', { file: opts.input });
  }
  await checkInputFile(opts.input);
  await checkOutput(opts.input, opts.output, opts.force);

  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    const source = sourceSql(inputFormat, opts.input, { allVarchar: opts.allVarchar });
    const readError = (err: unknown) => translateReadError(err, inputFormat, opts.input, connection);

    const probed = await probeColumns(connection, source, readError);
    const gathered =
      opts.annotators && gatherAnnotators(opts.input, probed.names, probed.types, opts.annotators);
    const { names, types } = gathered
      ? await withGathered(connection, opts.input, source, probed, gathered, readError)
      : probed;
    const columns = planColumns(
      opts.input,
      names,
      types,
      selectWith(opts.select, gathered),
      opts.map,
      opts.jsonText,
    );
    const expressions = columns.map((c) => {
      const col = c.source === gathered?.output ? `(${gathered.expression})` : sqlIdentifier(c.source);
      return c.mapping.castTo ? `CAST(${col} AS ${c.mapping.castTo})` : col;
    });
    const expected = await countRows(connection, source, expressions, readError);
    if (expected === 0) throw new BadInputError('no data rows', { file: opts.input });

    const schema = new Schema(
      columns.map((c) => new Field(c.name, c.mapping.type, true)),
      new Map([
        ['modeval.converted_from', basename(opts.input)],
        ['modeval.source_format', inputFormat],
        ['modeval.version', harnessVersion()],
      ]),
    );
    const select = `SELECT ${expressions.map((e, i) => `${e} AS ${sqlIdentifier(columns[i]!.name)}`).join(', ')} FROM ${source}`;
    const { rows, batches } = await writeRows(connection, select, readError, {
      input: opts.input,
      output: opts.output,
      format,
      schema,
      columns,
      expected,
      batchRows: opts.batchRows,
    });
    return {
      input: opts.input,
      inputFormat,
      output: opts.output,
      format,
      rows,
      batches,
      columns: columns.map(({ mapping: _, ...c }) => c),
      ...(gathered && {
        annotators: { output: gathered.output, sources: gathered.sources.map((x) => ({ ...x })) },
      }),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The output is never the input (by identity: links and hard links included, even with `force`),
 * and an existing file is replaced only with `force`: converting into a golden set's path by
 * mistake must not destroy it. Checked before DuckDB reads anything.
 */
async function checkOutput(input: string, output: string, force: boolean): Promise<void> {
  assertOutputsSpareInputs([{ path: output, what: 'Arrow output' }], [{ path: input, what: 'input file' }]);
  await checkReplaceable(output, 'Arrow output');
  const existing = await lstat(output).catch(() => undefined);
  if (existing && !force) {
    throw new BadInputError('the output file exists; pass --force to replace it', { file: output });
  }
}

type ReadError = (err: unknown) => Promise<Error>;

/** A column read as JSON text: text stays text, anything else is cast to DuckDB's JSON. */
function jsonTextMapping(type: DuckDBType): ColumnMapping {
  if (type.typeId === DuckDBTypeId.VARCHAR) return mapDuckDBType(type)!;
  return { type: new Utf8(), castTo: 'JSON', convert: (v) => String(v) };
}

/** Bind only (LIMIT 0): the sniffed/declared column names and types, before reading any rows. */
async function probeColumns(
  connection: DuckDBConnection,
  source: string,
  readError: ReadError,
): Promise<{ names: string[]; types: DuckDBType[] }> {
  try {
    const probe = await connection.stream(`SELECT * FROM ${source} LIMIT 0`);
    return { names: probe.columnNames(), types: probe.columnTypes() };
  } catch (err) {
    throw await readError(err);
  }
}

/**
 * The gathered column is always written (last, when --select leaves it out); an annotator column
 * itself cannot be selected, it lives on only inside the gathered one.
 */
function selectWith(
  select: string[] | undefined,
  gathered: GatheredAnnotators | undefined,
): string[] | undefined {
  if (!gathered || !select) return select;
  const consumed = select.find((c) => gathered.sources.some((s) => s.column === c) && c !== gathered.output);
  if (consumed !== undefined) {
    throw new BadInputError(
      `--select names annotator column ${JSON.stringify(consumed)}; its labels are written inside ${JSON.stringify(gathered.output)}`,
    );
  }
  return select.includes(gathered.output) ? select : [...select, gathered.output];
}

/**
 * The input's columns as the output sees them: the annotator columns gone, the gathered column in
 * the place of the first one, its type bound by DuckDB (so a name clash or a bad cell type is
 * caught before any row is read).
 */
async function withGathered(
  connection: DuckDBConnection,
  file: string,
  source: string,
  probed: { names: string[]; types: DuckDBType[] },
  gathered: GatheredAnnotators,
  readError: ReadError,
): Promise<{ names: string[]; types: DuckDBType[] }> {
  const consumed = new Set(gathered.sources.map((s) => s.column));
  if (probed.names.includes(gathered.output) && !consumed.has(gathered.output)) {
    throw new BadInputError(
      `the input already has a column ${JSON.stringify(gathered.output)}; name the gathered column otherwise (--annotations-column)`,
      { file },
    );
  }
  let type: DuckDBType;
  try {
    const probe = await connection.stream(`SELECT ${gathered.expression} FROM ${source} LIMIT 0`);
    type = probe.columnTypes()[0]!;
  } catch (err) {
    throw await readError(err);
  }
  const names: string[] = [];
  const types: DuckDBType[] = [];
  const first = probed.names.find((n) => consumed.has(n));
  probed.names.forEach((name, i) => {
    if (name === first) {
      names.push(gathered.output);
      types.push(type);
    }
    if (!consumed.has(name)) {
      names.push(name);
      types.push(probed.types[i]!);
    }
  });
  return { names, types };
}

/**
 * DuckDB's streaming results end quietly on an error (an empty chunk, like the real end), so the
 * whole input is first read once by an aggregate over every column, which fails loudly on a ragged
 * row, malformed JSON or a failed CAST, and gives the row count the stream must reach.
 */
async function countRows(
  connection: DuckDBConnection,
  source: string,
  expressions: readonly string[],
  readError: ReadError,
): Promise<number> {
  try {
    const counted = await connection.runAndReadAll(
      `SELECT count(*)${expressions.map((e) => `, count(${e})`).join('')} FROM ${source}`,
    );
    return Number(counted.getRows()[0]![0]);
  } catch (err) {
    throw await readError(err);
  }
}

/** Streams the query's rows into the Arrow output in fixed-size batches; no output is left on error. */
async function writeRows(
  connection: DuckDBConnection,
  select: string,
  readError: ReadError,
  out: {
    input: string;
    output: string;
    format: ArrowFormat;
    schema: Schema;
    columns: readonly PlannedColumn[];
    expected: number;
    batchRows: number;
  },
): Promise<{ rows: number; batches: number }> {
  const { schema } = out;
  const structType = new Struct(schema.fields);
  const accumulators = out.columns.map((c) => new ColumnAccumulator(c.mapping));
  const writer = await openArrowWriter(out.output, { format: out.format, schema });
  let rows = 0;
  let batches = 0;
  try {
    let result: DuckDBResult;
    try {
      result = await connection.stream(select);
    } catch (err) {
      throw await readError(err);
    }
    let pending = 0;
    // Batches hold exactly `batchRows` rows (the last one fewer) whatever sizes DuckDB's parallel
    // scan hands over, so the same input always gives the same bytes.
    const flush = async (length: number) => {
      const children = accumulators.map((a) => a.flush(length));
      await writer.write(new RecordBatch(schema, makeData({ type: structType, length, children })));
      batches++;
      pending -= length;
    };
    for (;;) {
      let chunk: DuckDBDataChunk | null;
      try {
        chunk = await result.fetchChunk();
      } catch (err) {
        throw await readError(err);
      }
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      accumulators.forEach((a, c) => {
        a.appendVector(chunk.getColumnVector(c), n);
      });
      // Free the chunk's native buffers now: V8 cannot see them and collects the wrappers late.
      chunk.reset();
      pending += n;
      rows += n;
      while (pending >= out.batchRows) await flush(out.batchRows);
    }
    if (pending > 0) await flush(pending);
    if (rows !== out.expected) {
      throw new BadInputError(
        `the read stopped after ${rows} of ${out.expected} rows (the file changed, or DuckDB hit an error it did not report)`,
        { file: out.input },
      );
    }
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { rows, batches };
}

export function outputFormatFromPath(path: string): ArrowFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.arrows') return 'stream';
  if (ext === '.arrow' || ext === '.feather') return 'file';
  throw new BadInputError(
    'cannot tell the Arrow format from the extension: use .arrows (stream), .arrow (file) or --format',
    {
      file: path,
    },
  );
}

/** Apply --select and --map to the input's columns and map each one's type, refusing what we cannot. */
function planColumns(
  file: string,
  names: readonly string[],
  types: readonly DuckDBType[],
  select: readonly string[] | undefined,
  map: Readonly<Record<string, string>>,
  jsonText: readonly string[] = [],
): PlannedColumn[] {
  const available = new Map(names.map((n, i) => [n, i]));
  const list = (xs: Iterable<string>) =>
    [...xs]
      .slice(0, 30)
      .map((x) => JSON.stringify(x))
      .join(', ');
  const requireColumn = (name: string, flag: string) => {
    if (!available.has(name)) {
      throw new BadInputError(`${flag} names a column the input does not have; it has ${list(names)}`, {
        file,
        field: name,
      });
    }
  };
  for (const name of select ?? []) requireColumn(name, '--select');
  for (const name of jsonText) requireColumn(name, 'a JSON column');
  for (const name of Object.keys(map)) requireColumn(name, '--map');
  const chosen = select ?? names;
  if (new Set(chosen).size !== chosen.length)
    throw new BadInputError('--select names a column twice', { file });
  for (const name of Object.keys(map)) {
    if (!chosen.includes(name)) {
      throw new BadInputError('--map renames a column that --select leaves out', { file, field: name });
    }
  }

  const seen = new Set<string>();
  return chosen.map((source) => {
    const type = types[available.get(source)!]!;
    const name = ownValue(map, source) ?? source;
    if (seen.has(name))
      throw new BadInputError('two output columns would have this name', { file, field: name });
    seen.add(name);
    const mapping = jsonText.includes(source) ? jsonTextMapping(type) : mapDuckDBType(type);
    if (!mapping) {
      throw new BadInputError(`column type ${type.toString()} is not supported (${SUPPORTED_TYPES_HINT})`, {
        file,
        field: source,
      });
    }
    return { source, name, sourceType: type.toString(), type: String(mapping.type), mapping };
  });
}
