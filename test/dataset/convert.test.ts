import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type RecordBatch, RecordBatchReader, type Schema } from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { convertCommand, parseMap } from '../../src/cli/convert.js';
import { annotationsColumn, isAnnotationsType, stringListColumn } from '../../src/dataset/columns.js';
import { type ConvertOptions, convertToArrow } from '../../src/dataset/convert.js';
import { BadInputError, ExitCode } from '../../src/util/errors.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rows as plain JSON (Int64 as decimal strings, lists as arrays) plus the schema and batch count. */
async function readArrow(
  path: string,
): Promise<{ schema: Schema; rows: Record<string, Json>[]; batches: RecordBatch[] }> {
  const head = readFileSync(path).subarray(0, 6).toString('latin1');
  const reader =
    head === 'ARROW1'
      ? await RecordBatchReader.from(await open(path))
      : await RecordBatchReader.from(readFileSync(path));
  await reader.open();
  const schema = reader.schema;
  const batches: RecordBatch[] = [];
  const rows: Record<string, Json>[] = [];
  for await (const batch of reader) {
    batches.push(batch);
    for (const row of batch.toArray()) rows.push(plain(row.toJSON()) as Record<string, Json>);
  }
  return { schema, rows, batches };
}

function plain(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function' && !Array.isArray(v)) {
    return plain(v.toJSON());
  }
  if (typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)].map(plain);
  return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)]));
}

function typesOf(schema: Schema): Record<string, string> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, String(f.type)]));
}

async function duckdb(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function expectBadInput(options: ConvertOptions, pattern: RegExp, dir: string): Promise<void> {
  const before = listFiles(dir);
  const err = await convertToArrow(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadInputError);
  expect((err as BadInputError).exitCode).toBe(ExitCode.badInput);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toContain('\n');
  // Nothing written: no output, no temporary file.
  expect(listFiles(dir)).toEqual(before);
}

describe('convertToArrow', () => {
  const tmp = useTmpDir();

  it('CSV round trip: quotes, commas, unicode, nulls, sniffed types; .arrows is a stream', async () => {
    const input = join(tmp(), 'in.csv');
    writeFileSync(
      input,
      [
        'id,text,score,flagged,count',
        'a1,"hello, world",0.25,true,3',
        'a2,"she said ""hi""",0.5,false,-7',
        'a3,"héllo ✓ 日本",,true,',
        'a4,"two\nlines",1e-3,false,9007199254740993',
      ].join('\n'),
    );
    const output = join(tmp(), 'out.arrows');
    const summary = await convertToArrow({ input, output });
    expect(summary).toMatchObject({ inputFormat: 'csv', format: 'stream', rows: 4, batches: 1 });
    const back = await readArrow(output);
    expect(readFileSync(output).subarray(0, 6).toString('latin1')).not.toBe('ARROW1');
    expect(typesOf(back.schema)).toEqual({
      id: 'Utf8',
      text: 'Utf8',
      score: 'Float64',
      flagged: 'Bool',
      count: 'Int64',
    });
    expect(back.rows).toEqual([
      { id: 'a1', text: 'hello, world', score: 0.25, flagged: true, count: '3' },
      { id: 'a2', text: 'she said "hi"', score: 0.5, flagged: false, count: '-7' },
      { id: 'a3', text: 'héllo ✓ 日本', score: null, flagged: true, count: null },
      { id: 'a4', text: 'two\nlines', score: 0.001, flagged: false, count: '9007199254740993' },
    ]);
    expect(back.schema.metadata.get('modeval.converted_from')).toBe('in.csv');
    expect(back.schema.metadata.get('modeval.source_format')).toBe('csv');
  });

  it('--all-varchar keeps every CSV column as text; .arrow is a file; a quote in the path is fine', async () => {
    const input = join(tmp(), "it's.csv");
    writeFileSync(input, 'id,score\n007,0.50\n008,1\n');
    const output = join(tmp(), 'out.arrow');
    await convertToArrow({ input, output, allVarchar: true });
    expect(readFileSync(output).subarray(0, 6).toString('latin1')).toBe('ARROW1');
    const back = await readArrow(output);
    expect(typesOf(back.schema)).toEqual({ id: 'Utf8', score: 'Utf8' });
    expect(back.rows).toEqual([
      { id: '007', score: '0.50' },
      { id: '008', score: '1' },
    ]);
  });

  it('TSV round trip, with --format overriding the extension', async () => {
    const input = join(tmp(), 'in.tsv');
    writeFileSync(input, 'id\ttext\tlabel\nx\ta, b\tspam\ny\t"quoted\ttab"\tbenign\n');
    const output = join(tmp(), 'out.arrow');
    const summary = await convertToArrow({ input, output, format: 'stream' });
    expect(summary.format).toBe('stream');
    const back = await readArrow(output);
    expect(back.rows).toEqual([
      { id: 'x', text: 'a, b', label: 'spam' },
      { id: 'y', text: 'quoted\ttab', label: 'benign' },
    ]);
  });

  it('JSONL: labels as List<Utf8>, annotations as List<Struct<annotator, label>>, scores as List<Float64>', async () => {
    const input = join(tmp(), 'in.jsonl');
    const records = [
      {
        id: 'm1',
        text: 'synthetic sample 1',
        labels: ['hate', 'spam'],
        annotations: [
          { annotator: 'r1', label: 'hate' },
          { annotator: 'r2', label: 'spam' },
        ],
        scores: [0.9, 0.1],
      },
      {
        id: 'm2',
        text: 'synthetic sample 2',
        labels: [],
        annotations: [{ annotator: 'r1', label: null }],
        scores: [0, 1.5],
      },
      { id: 'm3', text: 'synthetic sample 3', labels: null, annotations: null, scores: null },
    ];
    writeFileSync(input, `${records.map((r) => JSON.stringify(r)).join('\n')}\n\n`);
    const output = join(tmp(), 'out.arrows');
    await convertToArrow({ input, output });
    const back = await readArrow(output);
    expect(typesOf(back.schema)).toEqual({
      id: 'Utf8',
      text: 'Utf8',
      labels: 'List<Utf8>',
      annotations: 'List<Struct<{annotator:Utf8, label:Utf8}>>',
      scores: 'List<Float64>',
    });
    expect(back.rows).toEqual(records);
    // The dataset layer's own readers accept what convert writes.
    const batch = back.batches[0]!;
    const annotations = batch.getChild('annotations')!.data[0]!;
    expect(isAnnotationsType(annotations.type)).toBe(true);
    expect(annotationsColumn(annotations).get(0)).toEqual(records[0]!.annotations);
    expect(stringListColumn(batch.getChild('labels')!.data[0]!).get(0)).toEqual(['hate', 'spam']);
  });

  it('Parquet (written by DuckDB) round trip with narrow ints, FLOAT, DECIMAL, DATE, TIMESTAMP, lists', async () => {
    const input = join(tmp(), 'in.parquet');
    await duckdb(`COPY (
      SELECT * FROM (VALUES
        ('p1', 1::SMALLINT, 2::INTEGER, 0.5::FLOAT, 1.25::DECIMAL(6,2), DATE '2024-02-29',
         TIMESTAMP '2024-01-02 03:04:05.123456', TIMESTAMPTZ '2024-01-02 05:04:05+02',
         ['hate', 'spam'], [0.5::FLOAT, 0.25::FLOAT]),
        ('p2', NULL, -2, NULL, NULL, NULL, NULL, NULL, [], NULL)
      ) t(id, small, i, f, d, day, ts, tz, labels, feats)
    ) TO '${input}' (FORMAT parquet)`);
    const output = join(tmp(), 'out.arrow');
    const summary = await convertToArrow({ input, output });
    expect(summary.inputFormat).toBe('parquet');
    const back = await readArrow(output);
    expect(typesOf(back.schema)).toEqual({
      id: 'Utf8',
      small: 'Int32',
      i: 'Int32',
      f: 'Float32',
      d: 'Float64',
      day: 'Utf8',
      ts: 'Utf8',
      tz: 'Utf8',
      labels: 'List<Utf8>',
      feats: 'List<Float32>',
    });
    expect(back.rows).toEqual([
      {
        id: 'p1',
        small: 1,
        i: 2,
        f: 0.5,
        d: 1.25,
        day: '2024-02-29',
        ts: '2024-01-02T03:04:05.123456',
        tz: '2024-01-02T03:04:05Z',
        labels: ['hate', 'spam'],
        feats: [0.5, 0.25],
      },
      {
        id: 'p2',
        small: null,
        i: -2,
        f: null,
        d: null,
        day: null,
        ts: null,
        tz: null,
        labels: [],
        feats: null,
      },
    ]);
  });

  it('--select keeps a subset in the given order and --map renames', async () => {
    const input = join(tmp(), 'in.csv');
    writeFileSync(input, 'msg_id,body,gold,extra\n1,one,spam,x\n2,two,ham,y\n');
    const output = join(tmp(), 'out.arrows');
    const summary = await convertToArrow({
      input,
      output,
      select: ['body', 'msg_id', 'gold'],
      map: { msg_id: 'id', body: 'text', gold: 'label' },
      allVarchar: true,
    });
    expect(summary.columns.map((c) => `${c.source}->${c.name}`)).toEqual([
      'body->text',
      'msg_id->id',
      'gold->label',
    ]);
    const back = await readArrow(output);
    expect(back.rows).toEqual([
      { text: 'one', id: '1', label: 'spam' },
      { text: 'two', id: '2', label: 'ham' },
    ]);
  });

  it('streams in record batches of batchRows rows, in input order, byte-identical on a rerun', async () => {
    const input = join(tmp(), 'in.csv');
    const n = 10_000;
    writeFileSync(input, `id,v\n${Array.from({ length: n }, (_, i) => `r${i},${i}`).join('\n')}\n`);
    const output = join(tmp(), 'out.arrows');
    const summary = await convertToArrow({ input, output, batchRows: 3000 });
    const back = await readArrow(output);
    expect(summary.rows).toBe(n);
    expect(back.batches.map((b) => b.numRows)).toEqual([3000, 3000, 3000, 1000]);
    expect(back.rows.map((r) => r.v)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    // Deterministic: converting again gives the same bytes.
    const again = join(tmp(), 'again.arrows');
    await convertToArrow({ input, output: again, batchRows: 3000 });
    expect(readFileSync(again).equals(readFileSync(output))).toBe(true);
  });

  describe('bad input: one-line BadInputError (exit 2) and no output left behind', () => {
    it('a CSV row with too many fields names its line', async () => {
      const input = join(tmp(), 'ragged.csv');
      writeFileSync(input, 'id,text,label\n1,a,spam\n2,b,ham,extra\n3,c,spam\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /ragged\.csv, line 3: row has 4 fields but the header has 3/,
        tmp(),
      );
    });

    it('a CSV row with too few fields names its line', async () => {
      const input = join(tmp(), 'short.csv');
      writeFileSync(input, 'id,text,label\n1,a,spam\n2,b,ham\n3,c\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrow') },
        /short\.csv, line 4: row has 2 fields but the header has 3/,
        tmp(),
      );
    });

    it('a ragged row far past the sniffer sample names its line too', async () => {
      const input = join(tmp(), 'late.csv');
      const lines = Array.from({ length: 30_000 }, (_, i) => (i === 25_000 ? `${i},x,y,z` : `${i},x,y`));
      writeFileSync(input, `a,b,c\n${lines.join('\n')}\n`);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /line 25002: row has 4 fields but the header has 3/,
        tmp(),
      );
    });

    it('a value that does not fit the sniffed type names its line', async () => {
      const input = join(tmp(), 'types.csv');
      const lines = Array.from({ length: 30_000 }, (_, i) => `${i},${i === 29_000 ? 'abc' : i}`);
      writeFileSync(input, `id,n\n${lines.join('\n')}\n`);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /types\.csv, line 29002: .*abc/,
        tmp(),
      );
    });

    it('an invalid JSONL line names its line', async () => {
      const input = join(tmp(), 'bad.jsonl');
      writeFileSync(input, '{"id":"a"}\n{"id":"b"}\n{"id": "c", oops}\n{"id":"d"}\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /bad\.jsonl, line 3: invalid JSON/,
        tmp(),
      );
    });

    it('a JSONL value of another type past the type-inference sample names its line', async () => {
      const input = join(tmp(), 'late.jsonl');
      const lines = Array.from({ length: 30_000 }, (_, i) =>
        JSON.stringify({ id: `r${i}`, n: i === 25_000 ? 'oops' : i }),
      );
      writeFileSync(input, `${lines.join('\n')}\n`);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /late\.jsonl, line 25001: JSON transform error: .*"oops"/,
        tmp(),
      );
    });

    it('an output path equal to the input', async () => {
      const input = join(tmp(), 'same.csv');
      writeFileSync(input, 'id\n1\n');
      await expectBadInput({ input, output: input, format: 'file' }, /would replace the input/, tmp());
      expect(readFileSync(input, 'utf8')).toBe('id\n1\n');
    });

    it('an output reached through a link to the input, even with force', async () => {
      const dir = tmp();
      const input = join(dir, 'golden.csv');
      writeFileSync(input, 'id\n1\n');
      symlinkSync(input, join(dir, 'current.arrow'));
      await expectBadInput(
        { input, output: join(dir, 'current.arrow'), force: true },
        /Arrow output would replace the input file/,
        dir,
      );
      expect(readFileSync(input, 'utf8')).toBe('id\n1\n');
    });

    it('an existing output file without force; force replaces it', async () => {
      const dir = tmp();
      const input = join(dir, 'in.csv');
      writeFileSync(input, 'id,label\n1,spam\n');
      const output = join(dir, 'golden.arrow');
      writeFileSync(output, 'the golden set');
      await expectBadInput({ input, output }, /golden\.arrow: the output file exists; pass --force/, dir);
      expect(readFileSync(output, 'utf8')).toBe('the golden set');
      await convertToArrow({ input, output, force: true });
      expect((await readArrow(output)).rows).toEqual([{ id: '1', label: 'spam' }]);
    });

    it('a JSONL line that is not an object names its line', async () => {
      const input = join(tmp(), 'arr.jsonl');
      writeFileSync(input, '{"id":"a"}\n\n[1,2]\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /arr\.jsonl, line 3: each line must be a JSON object/,
        tmp(),
      );
    });

    it('a Parquet MAP column is refused naming the column and type', async () => {
      const input = join(tmp(), 'map.parquet');
      await duckdb(`COPY (SELECT 'x' AS id, MAP {'a': 1} AS m) TO '${input}' (FORMAT parquet)`);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /map\.parquet, field "m": column type MAP\(VARCHAR, INTEGER\) is not supported/,
        tmp(),
      );
    });

    it('a Parquet INTERVAL column is refused naming the column and type', async () => {
      const input = join(tmp(), 'interval.parquet');
      await duckdb(`COPY (SELECT 'x' AS id, INTERVAL 3 DAY AS wait) TO '${input}' (FORMAT parquet)`);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrow') },
        /field "wait": column type INTERVAL is not supported/,
        tmp(),
      );
    });

    it('a struct that is not an annotation is refused', async () => {
      const input = join(tmp(), 'nested.jsonl');
      writeFileSync(input, '{"id":"a","meta":{"source":"x","n":1}}\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /field "meta": column type STRUCT/,
        tmp(),
      );
    });

    it('an empty file', async () => {
      for (const name of ['empty.csv', 'empty.jsonl', 'empty.parquet']) {
        const input = join(tmp(), name);
        writeFileSync(input, '');
        await expectBadInput({ input, output: join(tmp(), 'o.arrows') }, /file is empty/, tmp());
      }
    });

    it('a CSV with a header and no rows', async () => {
      const input = join(tmp(), 'header.csv');
      writeFileSync(input, 'id,text\n');
      await expectBadInput({ input, output: join(tmp(), 'o.arrows') }, /header\.csv: no data rows/, tmp());
    });

    it('a file that does not exist', async () => {
      await expectBadInput(
        { input: join(tmp(), 'missing.csv'), output: join(tmp(), 'o.arrows') },
        /missing\.csv: no such file/,
        tmp(),
      );
    });

    it('a folder named like a CSV', async () => {
      const input = join(tmp(), 'folder.csv');
      mkdirSync(input);
      await expectBadInput(
        { input, output: join(tmp(), 'o.arrows') },
        /folder\.csv: not a regular file/,
        tmp(),
      );
    });

    it('a file that is not Parquet', async () => {
      const input = join(tmp(), 'fake.parquet');
      writeFileSync(input, 'id,text\n1,a\n');
      await expectBadInput({ input, output: join(tmp(), 'o.arrows') }, /fake\.parquet: /, tmp());
    });

    it('a path with glob characters (DuckDB would expand it)', async () => {
      const input = join(tmp(), 'a[1].csv');
      writeFileSync(input, 'id\n1\n');
      await expectBadInput({ input, output: join(tmp(), 'o.arrows') }, /glob characters/, tmp());
    });

    it('unknown --select / --map columns and colliding output names', async () => {
      const input = join(tmp(), 'in.csv');
      writeFileSync(input, 'id,text\n1,a\n');
      const output = join(tmp(), 'o.arrows');
      await expectBadInput(
        { input, output, select: ['id', 'nope'] },
        /field "nope": --select names a column the input does not have; it has "id", "text"/,
        tmp(),
      );
      await expectBadInput(
        { input, output, map: { txt: 'text' } },
        /field "txt": --map names a column/,
        tmp(),
      );
      await expectBadInput(
        { input, output, map: { text: 'id' } },
        /field "id": two output columns would have this name/,
        tmp(),
      );
    });

    it('columns named like Object properties keep their names, and map like any other', async () => {
      const input = join(tmp(), 'names.csv');
      writeFileSync(input, 'id,constructor,toString,__proto__\n1,a,b,c\n');
      const output = join(tmp(), 'names.arrow');
      const summary = await convertToArrow({
        input,
        output,
        map: JSON.parse('{"__proto__":"label","toString":"text"}') as Record<string, string>,
      });
      expect(summary.columns.map((c) => c.name)).toEqual(['id', 'constructor', 'text', 'label']);
      expect((await readArrow(output)).rows).toEqual([{ id: '1', constructor: 'a', text: 'b', label: 'c' }]);
    });

    it('an output extension that names no Arrow format', async () => {
      const input = join(tmp(), 'in.csv');
      writeFileSync(input, 'id\n1\n');
      await expectBadInput(
        { input, output: join(tmp(), 'o.txt') },
        /\.arrows \(stream\), \.arrow \(file\) or --format/,
        tmp(),
      );
    });
  });

  describe('CLI: modeval convert', () => {
    it('parses --map/--select and prints a summary', async () => {
      const input = join(tmp(), 'in.csv');
      writeFileSync(input, 'msg,gold,junk\nhello,spam,1\n');
      const output = join(tmp(), 'out.arrows');
      const printed: string[] = [];
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        printed.push(String(chunk));
        return true;
      });
      try {
        await yargs()
          .command(convertCommand)
          .strict()
          .exitProcess(false)
          .parseAsync([
            'convert',
            input,
            output,
            '--map',
            'msg=text',
            '--map',
            'gold=label',
            '--select',
            'msg,gold',
          ]);
      } finally {
        write.mockRestore();
      }
      expect(printed.join('')).toMatch(
        /wrote 1 rows in 1 batches .*\n {2}text \(from msg\): Utf8 <- VARCHAR/s,
      );
      expect((await readArrow(output)).rows).toEqual([{ text: 'hello', label: 'spam' }]);
    });

    it('--force comes from the schema default (off) and replaces an existing output when given', async () => {
      const dir = tmp();
      const input = join(dir, 'in.csv');
      writeFileSync(input, 'id\n1\n');
      const output = join(dir, 'out.arrow');
      writeFileSync(output, 'keep me');
      const run = (extra: string[]) =>
        yargs()
          .command(convertCommand)
          .strict()
          .exitProcess(false)
          .fail((_msg, err) => {
            throw err;
          })
          .parseAsync(['convert', input, output, '--json', ...extra]);
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        await expect(run([])).rejects.toThrow(/pass --force to replace it/);
        expect(readFileSync(output, 'utf8')).toBe('keep me');
        await run(['--force']);
      } finally {
        write.mockRestore();
      }
      expect((await readArrow(output)).rows).toEqual([{ id: '1' }]);
    });

    it('parseMap splits on the first "=" and refuses malformed pairs', () => {
      expect(parseMap(['a=b', 'c=d=e'])).toEqual({ a: 'b', c: 'd=e' });
      expect(() => parseMap(['nodst='])).toThrow(BadInputError);
      expect(() => parseMap(['=x'])).toThrow(/--map wants src=dst/);
      expect(() => parseMap(['a=b', 'a=c'])).toThrow(/twice/);
    });
  });
});
