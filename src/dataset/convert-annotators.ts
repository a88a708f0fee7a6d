import { type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import { z } from 'zod';
import { BadInputError } from '../util/errors.js';
import { sqlIdentifier, sqlString } from './convert-source.js';

/**
 * Wide annotator columns (`label_1 … label_10`, one column per annotator: the usual CSV shape of a
 * crowd-labelled set) gathered into the dataset's one `annotations` column,
 * List<Struct<annotator, label>>, in SQL, so the gathering streams with the rest of the read.
 */
export const AnnotatorColumnsSchema = z.object({
  /**
   * Which source columns hold one annotator's labels each: a range `label_1..label_10` (same prefix,
   * numbered ends, in number order), a pattern with `*` / `?` (`rater_*`, in file order), or a name.
   */
  columns: z.array(z.string().min(1)).min(1),
  /** The annotator of each selected column, in order (default: the column's own name). */
  names: z.array(z.string().min(1)).optional(),
  /** The output column (default `annotations`, the name a dataset spec finds by itself). */
  output: z.string().min(1).default('annotations'),
  /**
   * Multi-policy sets: a text cell holds every policy the annotator chose, split on this separator
   * (list-typed cells, from JSONL or Parquet, need none).
   */
  separator: z.string().min(1).optional(),
});
export type AnnotatorColumns = z.output<typeof AnnotatorColumnsSchema>;

export interface GatheredAnnotators {
  /** The output column's name. */
  readonly output: string;
  /** Source column → annotator name, in the order the entries are written. */
  readonly sources: readonly { readonly column: string; readonly annotator: string }[];
  /** The SQL expression that builds the column. */
  readonly expression: string;
}

/** Resolve the selectors against the input's columns and build the gathering expression. */
export function gatherAnnotators(
  file: string,
  names: readonly string[],
  types: readonly DuckDBType[],
  spec: AnnotatorColumns,
): GatheredAnnotators {
  const columns = resolveColumns(file, names, spec.columns);
  if (spec.names !== undefined && spec.names.length !== columns.length) {
    throw new BadInputError(
      `--annotator-names gives ${spec.names.length} names for ${columns.length} annotator columns (${columns.join(', ')})`,
      { file },
    );
  }
  const annotators = spec.names ?? columns;
  if (new Set(annotators).size !== annotators.length) {
    throw new BadInputError('two annotator columns would have the same annotator name', { file });
  }
  const typeOf = new Map(names.map((n, i) => [n, types[i]!]));
  const sources = columns.map((column, i) => ({ column, annotator: annotators[i]! }));
  const parts = sources.map((s) =>
    entriesSql(s.column, s.annotator, typeOf.get(s.column)!, spec.separator, file),
  );
  return { output: spec.output, sources, expression: `flatten([${parts.join(', ')}])` };
}

/**
 * One annotator's entries on a row. A NULL or empty cell: that annotator did not judge the item
 * (no entry). A judged set with no label (an empty list, or only separators): one entry with a null
 * label, which a multi-policy set reads as "chose no policy".
 */
function entriesSql(
  column: string,
  annotator: string,
  type: DuckDBType,
  separator: string | undefined,
  file: string,
): string {
  const col = sqlIdentifier(column);
  const who = sqlString(annotator);
  const entry = (label: string) => `{'annotator': ${who}, 'label': ${label}}`;
  const fromList = (list: string) =>
    `CASE WHEN len(${list}) = 0 THEN [${entry('NULL::VARCHAR')}] ELSE list_transform(${list}, x -> ${entry('x')}) END`;
  if (type.typeId === DuckDBTypeId.LIST) {
    if (!isScalar(type.valueType)) {
      throw new BadInputError(
        `an annotator column must hold labels or lists of labels, not ${type.toString()}`,
        {
          file,
          field: column,
        },
      );
    }
    const list = `list_filter(list_transform(${col}, x -> CAST(x AS VARCHAR)), x -> x IS NOT NULL AND x <> '')`;
    return `CASE WHEN ${col} IS NULL THEN [] ELSE ${fromList(list)} END`;
  }
  if (!isScalar(type)) {
    throw new BadInputError(
      `an annotator column must hold labels or lists of labels, not ${type.toString()}`,
      {
        file,
        field: column,
      },
    );
  }
  const text = `CAST(${col} AS VARCHAR)`;
  if (separator === undefined) {
    return `CASE WHEN ${col} IS NULL OR ${text} = '' THEN [] ELSE [${entry(text)}] END`;
  }
  const list = `list_filter(list_transform(string_split(${text}, ${sqlString(separator)}), x -> trim(x)), x -> x <> '')`;
  return `CASE WHEN ${col} IS NULL OR ${text} = '' THEN [] ELSE ${fromList(list)} END`;
}

const SCALARS = new Set<DuckDBTypeId>([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
]);

/** Labels are text; integer and boolean codes (`0`/`1`, `true`) are read as their text. */
function isScalar(type: DuckDBType): boolean {
  return SCALARS.has(type.typeId);
}

/** Every selector's columns, in selector order; a column selected twice is refused. */
export function resolveColumns(
  file: string,
  names: readonly string[],
  selectors: readonly string[],
): string[] {
  const out: string[] = [];
  for (const selector of selectors) {
    const matched = matchSelector(file, names, selector);
    for (const column of matched) {
      if (out.includes(column)) {
        throw new BadInputError(`--annotators selects column ${JSON.stringify(column)} twice`, { file });
      }
      out.push(column);
    }
  }
  return out;
}

function matchSelector(file: string, names: readonly string[], selector: string): string[] {
  const has = new Set(names);
  const range = /^(.*?)(\d+)\.\.(.*?)(\d+)$/.exec(selector);
  if (range && !has.has(selector)) {
    const [, prefix, from, prefix2, to] = range;
    if (prefix !== prefix2) {
      throw new BadInputError(
        `--annotators range ${JSON.stringify(selector)}: both ends need the same prefix (${JSON.stringify(prefix)} vs ${JSON.stringify(prefix2)})`,
        { file },
      );
    }
    const a = Number(from);
    const b = Number(to);
    const step = a <= b ? 1 : -1;
    const wanted: string[] = [];
    for (let k = a; step > 0 ? k <= b : k >= b; k += step) wanted.push(`${prefix}${k}`);
    const missing = wanted.filter((w) => !has.has(w));
    if (missing.length > 0) {
      throw new BadInputError(
        `--annotators range ${JSON.stringify(selector)}: the input has no column ${missing
          .slice(0, 5)
          .map((m) => JSON.stringify(m))
          .join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}`,
        { file },
      );
    }
    return wanted;
  }
  if (/[*?]/.test(selector) && !has.has(selector)) {
    const source = selector
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    const pattern = new RegExp(`^${source}$`, 'u');
    const matched = names.filter((n) => pattern.test(n));
    if (matched.length === 0) {
      throw new BadInputError(`--annotators pattern ${JSON.stringify(selector)} matches no column`, { file });
    }
    return matched;
  }
  if (!has.has(selector)) {
    throw new BadInputError(`--annotators names a column the input does not have`, {
      file,
      field: selector,
    });
  }
  return [selector];
}
