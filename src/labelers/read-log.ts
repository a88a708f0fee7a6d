import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { DataType, RecordBatch } from 'apache-arrow';
import { openArrow } from '../dataset/arrow-reader.js';
import {
  idColumn,
  isIdType,
  isNumberType,
  isStringListType,
  isStringType,
  numberColumn,
  stringColumn,
  stringListColumn,
} from '../dataset/columns.js';
import { convertToArrow } from '../dataset/convert.js';
import { taskView } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import type { GoldenItems, RawJudgement } from './judgements.js';
import type { ResolvedLabelersOptions } from './options.js';
import { labelProblem, type Rejects } from './rejects.js';

/**
 * A long labelling log: one row per judgement (item id, annotator, label or policy list, and
 * optionally when and how long). Arrow is read directly; CSV, TSV, JSONL and Parquet go through
 * `convert` (typed, streaming, located errors) into a temporary Arrow file first. Rows naming an
 * item the dataset does not have are skipped and counted.
 */
export interface LogJudgements {
  readonly judgements: RawJudgement[];
  outside: number;
  readonly outsideExamples: string[];
}

const MAX_EXAMPLES = 10;

interface Columns {
  item: string;
  annotator: string;
  label: string;
  timestamp: string | undefined;
  seconds: string | undefined;
  batch: string | undefined;
}

export async function readLog(
  opts: ResolvedLabelersOptions,
  path: string,
  items: GoldenItems,
  rejects: Rejects,
): Promise<LogJudgements> {
  const ext = extname(path).toLowerCase();
  const arrow = ext === '.arrow' || ext === '.arrows' || ext === '.feather';
  const tmp = arrow ? undefined : await mkdtemp(join(tmpdir(), 'modeval-labelers-'));
  try {
    let arrowPath = path;
    if (tmp) {
      arrowPath = join(tmp, 'log.arrows');
      await convertToArrow({ input: path, output: arrowPath });
    }
    const source = await openArrow(arrowPath);
    const types = new Map(source.schema.fields.map((f) => [f.name, f.type as DataType]));
    const columns = resolveColumns(opts, types, path);
    const out: LogJudgements = { judgements: [], outside: 0, outsideExamples: [] };
    let row = 0;
    for await (const batch of source.batches()) {
      readBatch(batch, row, columns, opts, { items, out, rejects });
      row += batch.numRows;
    }
    return out;
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

function resolveColumns(opts: ResolvedLabelersOptions, types: Map<string, DataType>, file: string): Columns {
  const has = (name: string) => types.has(name);
  const require = (name: string, ok: (t: DataType) => boolean, expected: string) => {
    const type = types.get(name);
    if (type === undefined) {
      throw new BadInputError(`missing column; the log has: ${[...types.keys()].join(', ')}`, {
        file,
        field: name,
      });
    }
    if (!ok(type))
      throw new BadInputError(`column has type ${String(type)}, expected ${expected}`, { file, field: name });
  };
  // Integer ids are read as their decimal text, as the dataset's own id column is.
  require(opts.itemColumn, isIdType, 'Utf8 or an integer');
  require(opts.annotatorColumn, isStringType, 'Utf8');
  require(opts.labelColumn, (t) => isStringType(t) || isStringListType(t), 'Utf8 or List<Utf8>');
  const optional = (given: string | undefined, fallback: string) =>
    given ?? (has(fallback) ? fallback : undefined);
  const timestamp = optional(opts.timestampColumn, 'timestamp');
  const seconds = optional(opts.secondsColumn, 'seconds');
  if (timestamp !== undefined) {
    require(timestamp, (t) => isStringType(t) || isNumberType(t), 'Utf8 (ISO 8601) or a number (epoch ms)');
  }
  if (seconds !== undefined) require(seconds, isNumberType, 'a number');
  const batch = optional(opts.batchColumn, 'batch');
  if (batch !== undefined) require(batch, isStringType, 'Utf8');
  return {
    item: opts.itemColumn,
    annotator: opts.annotatorColumn,
    label: opts.labelColumn,
    timestamp,
    seconds,
    batch,
  };
}

interface Sink {
  readonly items: GoldenItems;
  readonly out: LogJudgements;
  readonly rejects: Rejects;
}

/** A bad cell of one row: the row is rejected (or the read stops, by `--on-invalid`). */
class RowProblem extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function readBatch(
  batch: RecordBatch,
  offset: number,
  c: Columns,
  opts: ResolvedLabelersOptions,
  sink: Sink,
): void {
  const data = (name: string) => batch.getChild(name)!.data[0]!;
  const ids = idColumn(data(c.item));
  const who = stringColumn(data(c.annotator));
  const labelData = data(c.label);
  const list = isStringListType(labelData.type) ? stringListColumn(labelData) : undefined;
  const text = list ? undefined : stringColumn(labelData);
  const timeData = c.timestamp !== undefined ? data(c.timestamp) : undefined;
  const timeText = timeData && isStringType(timeData.type) ? stringColumn(timeData) : undefined;
  const timeNumber = timeData && !timeText ? numberColumn(timeData) : undefined;
  const seconds = c.seconds !== undefined ? numberColumn(data(c.seconds)) : undefined;
  const { items, out, rejects } = sink;
  const batches = c.batch !== undefined ? stringColumn(data(c.batch)) : undefined;
  const multiLabel = taskView(items.task).multiLabel;
  const cells: Cells = { ids, who, list, text, timeText, timeNumber, seconds, batches };
  for (let i = 0; i < batch.numRows; i++) {
    const row = offset + i;
    let id: string | null = null;
    try {
      id = cell(() => ids.get(i), c.item);
      const j = readRow(i, row, c, cells, opts, multiLabel, items, id);
      if (j === 'outside') {
        out.outside++;
        if (out.outsideExamples.length < MAX_EXAMPLES) out.outsideExamples.push(id!);
      } else out.judgements.push(j);
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      rejects.reject(row, err.field, id === '' ? null : id, err.message);
    }
  }
}

interface Cells {
  ids: ReturnType<typeof idColumn>;
  who: ReturnType<typeof stringColumn>;
  list: ReturnType<typeof stringListColumn> | undefined;
  text: ReturnType<typeof stringColumn> | undefined;
  timeText: ReturnType<typeof stringColumn> | undefined;
  timeNumber: ReturnType<typeof numberColumn> | undefined;
  seconds: ReturnType<typeof numberColumn> | undefined;
  batches: ReturnType<typeof stringColumn> | undefined;
}

/** One row as a judgement, `outside` for an item the dataset lacks; a bad cell throws RowProblem. */
function readRow(
  i: number,
  row: number,
  c: Columns,
  cells: Cells,
  opts: ResolvedLabelersOptions,
  multiLabel: boolean,
  items: GoldenItems,
  id: string | null,
): RawJudgement | 'outside' {
  if (id === null || id === '') throw new RowProblem('item id is null or empty', c.item);
  const annotator = cell(() => cells.who.get(i), c.annotator);
  if (annotator === null || annotator === '') throw new RowProblem('annotator is null or empty', c.annotator);
  const item = items.byId.get(id);
  if (item === undefined) return 'outside';
  const labels = labelsOf(i, cells.list, cells.text, multiLabel, opts.labelDelimiter, c.label);
  const problem = labelProblem(labels, items.declared);
  if (problem !== null) throw new RowProblem(problem, c.label);
  const time = cells.timeText
    ? parseTime(
        cell(() => cells.timeText!.get(i), c.timestamp!),
        c.timestamp!,
      )
    : (cells.timeNumber?.get(i) ?? null);
  const s = cells.seconds?.get(i) ?? null;
  if (s !== null && !(Number.isFinite(s) && s >= 0)) {
    throw new RowProblem(`seconds must be a finite number >= 0, got ${s}`, c.seconds!);
  }
  const batch = cells.batches ? cell(() => cells.batches!.get(i), c.batch!) || null : null;
  return { item, annotator, labels, time, seconds: s, batch, seq: row, where: { row, field: c.label } };
}

/** A cell read; malformed UTF-8 rejects the row, naming the field. */
function cell<T>(get: () => T, field: string): T {
  try {
    return get();
  } catch (err) {
    throw new RowProblem(err instanceof Error ? err.message : String(err), field);
  }
}

function labelsOf(
  i: number,
  list: ReturnType<typeof stringListColumn> | undefined,
  text: ReturnType<typeof stringColumn> | undefined,
  multiLabel: boolean,
  delimiter: string,
  field: string,
): string[] {
  // The column kind decides: a list column holds the set; text holds one label, or (multi-policy)
  // the policies joined by the delimiter. A multi-policy judgement may be empty: no policy applies.
  let labels: string[];
  if (list) {
    const value = cell(() => list.get(i), field);
    if (value === null) throw new RowProblem('label is null', field);
    labels = value;
  } else {
    const value = cell(() => text!.get(i), field);
    if (value === null) throw new RowProblem('label is null', field);
    labels = multiLabel
      ? value
          .split(delimiter)
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [value];
  }
  if (!multiLabel && (labels.length !== 1 || labels[0] === '')) {
    throw new RowProblem(
      `a single-label set needs exactly one label per judgement, got ${labels.length}`,
      field,
    );
  }
  return [...new Set(labels)];
}

function parseTime(text: string | null, field: string): number | null {
  if (text === null || text.trim() === '') return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RowProblem(`timestamp "${text}" is not an ISO 8601 date-time`, field);
  return ms;
}
