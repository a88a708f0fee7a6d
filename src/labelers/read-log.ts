import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { DataType, RecordBatch } from 'apache-arrow';
import { openArrow } from '../dataset/arrow-reader.js';
import {
  isNumberType,
  isStringListType,
  isStringType,
  numberColumn,
  stringColumn,
  stringListColumn,
} from '../dataset/columns.js';
import { convertToArrow } from '../dataset/convert.js';
import { taskView } from '../task/index.js';
import { BadInputError, type InputLocation } from '../util/errors.js';
import type { GoldenItems, RawJudgement } from './judgements.js';
import type { ResolvedLabelersOptions } from './options.js';

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
      readBatch(batch, row, columns, opts, path, items, out);
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
  require(opts.itemColumn, isStringType, 'Utf8');
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

function readBatch(
  batch: RecordBatch,
  offset: number,
  c: Columns,
  opts: ResolvedLabelersOptions,
  file: string,
  items: GoldenItems,
  out: LogJudgements,
): void {
  const data = (name: string) => batch.getChild(name)!.data[0]!;
  const ids = stringColumn(data(c.item));
  const who = stringColumn(data(c.annotator));
  const labelData = data(c.label);
  const list = isStringListType(labelData.type) ? stringListColumn(labelData) : undefined;
  const text = list ? undefined : stringColumn(labelData);
  const timeData = c.timestamp !== undefined ? data(c.timestamp) : undefined;
  const timeText = timeData && isStringType(timeData.type) ? stringColumn(timeData) : undefined;
  const timeNumber = timeData && !timeText ? numberColumn(timeData) : undefined;
  const seconds = c.seconds !== undefined ? numberColumn(data(c.seconds)) : undefined;
  const batches = c.batch !== undefined ? stringColumn(data(c.batch)) : undefined;
  const multiLabel = taskView(items.task).multiLabel;
  for (let i = 0; i < batch.numRows; i++) {
    const row = offset + i;
    const at = (field: string): InputLocation => ({ file, row, field });
    const id = read(() => ids.get(i), at(c.item));
    if (id === null || id === '') throw new BadInputError('item id is null or empty', at(c.item));
    const annotator = read(() => who.get(i), at(c.annotator));
    if (annotator === null || annotator === '')
      throw new BadInputError('annotator is null or empty', at(c.annotator));
    const item = items.byId.get(id);
    if (item === undefined) {
      out.outside++;
      if (out.outsideExamples.length < MAX_EXAMPLES) out.outsideExamples.push(id);
      continue;
    }
    const labels = labelsOf(i, list, text, multiLabel, opts.labelDelimiter, at(c.label));
    const time = timeText
      ? parseTime(
          read(() => timeText.get(i), at(c.timestamp!)),
          at(c.timestamp!),
        )
      : (timeNumber?.get(i) ?? null);
    const s = seconds?.get(i) ?? null;
    if (s !== null && !(Number.isFinite(s) && s >= 0)) {
      throw new BadInputError(`seconds must be a finite number >= 0, got ${s}`, at(c.seconds!));
    }
    out.judgements.push({
      item,
      annotator,
      labels,
      time,
      seconds: s,
      batch: batches ? read(() => batches.get(i), at(c.batch!)) || null : null,
      seq: row,
      where: { row, field: c.label },
    });
  }
}

/** A cell read; malformed UTF-8 becomes a located bad-input error. */
function read<T>(get: () => T, at: InputLocation): T {
  try {
    return get();
  } catch (err) {
    throw new BadInputError(err instanceof Error ? err.message : String(err), at);
  }
}

function labelsOf(
  i: number,
  list: ReturnType<typeof stringListColumn> | undefined,
  text: ReturnType<typeof stringColumn> | undefined,
  multiLabel: boolean,
  delimiter: string,
  at: InputLocation,
): string[] {
  // The column kind decides: a list column holds the set; text holds one label, or (multi-policy)
  // the policies joined by the delimiter. A multi-policy judgement may be empty: no policy applies.
  let labels: string[];
  if (list) {
    const value = read(() => list.get(i), at);
    if (value === null) throw new BadInputError('label is null', at);
    labels = value;
  } else {
    const value = read(() => text!.get(i), at);
    if (value === null) throw new BadInputError('label is null', at);
    labels = multiLabel
      ? value
          .split(delimiter)
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [value];
  }
  if (!multiLabel && (labels.length !== 1 || labels[0] === '')) {
    throw new BadInputError(
      `a single-label set needs exactly one label per judgement, got ${labels.length}`,
      at,
    );
  }
  return [...new Set(labels)];
}

function parseTime(text: string | null, at: InputLocation): number | null {
  if (text === null || text.trim() === '') return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new BadInputError(`timestamp "${text}" is not an ISO 8601 date-time`, at);
  return ms;
}
