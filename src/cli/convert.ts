import type { CommandModule } from 'yargs';
import {
  type ConvertOptions,
  ConvertOptionsSchema,
  type ConvertSummary,
  convertToArrow,
} from '../dataset/convert.js';
import type { InputFormat } from '../dataset/convert-source.js';
import { terminalText } from '../render/terminal.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { checkFlags, schemaChoices, schemaDefault } from './options.js';

interface ConvertArgs {
  input: string;
  output: string;
  format?: 'stream' | 'file';
  'input-format'?: InputFormat;
  map?: string[];
  select?: string[];
  'all-varchar': boolean;
  annotators?: string[];
  'annotator-names'?: string[];
  'annotations-column'?: string;
  'annotation-separator'?: string;
  'batch-rows': number;
  force: boolean;
  json: boolean;
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: 'convert <input> <output>',
  describe: 'Convert a CSV, TSV, JSONL or Parquet file to an Arrow IPC dataset (streaming, typed)',
  builder: (y) =>
    y
      .positional('input', {
        type: 'string',
        demandOption: true,
        describe: 'CSV/TSV (header row), JSONL or Parquet',
      })
      .positional('output', {
        type: 'string',
        demandOption: true,
        describe: 'Arrow output: .arrows = stream, .arrow = file',
      })
      .option('format', {
        choices: schemaChoices(ConvertOptionsSchema, 'format'),
        describe: 'Arrow IPC format (default: from the extension)',
      })
      .option('input-format', {
        choices: schemaChoices(ConvertOptionsSchema, 'inputFormat'),
        describe: 'input format (default: from the extension)',
      })
      .option('map', { type: 'string', array: true, describe: 'rename a column, src=dst (repeatable)' })
      .option('select', {
        type: 'string',
        array: true,
        describe: 'keep only these source columns, in this order (repeatable or comma-separated)',
      })
      .option('annotators', {
        type: 'string',
        array: true,
        describe:
          'wide annotator columns to gather into one annotations column: a range label_1..label_10, a pattern rater_*, or names (repeatable or comma-separated)',
      })
      .option('annotator-names', {
        type: 'string',
        array: true,
        describe: "each annotator column's annotator, in order (default: the column name)",
      })
      .option('annotations-column', {
        type: 'string',
        describe: 'name of the gathered column (default: annotations, which a dataset spec finds by itself)',
      })
      .option('annotation-separator', {
        type: 'string',
        describe: 'multi-policy sets: split each annotator text cell on this separator (e.g. ";")',
      })
      .option('all-varchar', {
        type: 'boolean',
        default: schemaDefault(ConvertOptionsSchema, 'allVarchar'),
        describe: 'CSV/TSV: read every column as text',
      })
      .option('batch-rows', {
        type: 'number',
        default: schemaDefault(ConvertOptionsSchema, 'batchRows'),
        describe: 'rows per Arrow record batch',
      })
      .option('force', {
        type: 'boolean',
        default: schemaDefault(ConvertOptionsSchema, 'force'),
        describe: 'replace an existing output file (without it, an existing file is refused)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .example(
        '$0 convert golden.csv golden.arrows --map msg=text --map gold=label',
        'CSV to an Arrow stream',
      )
      .example(
        '$0 convert crowd.csv crowd.arrows --annotators label_1..label_5 --map gold=label',
        'five annotator columns into the annotations column',
      )
      .example('$0 convert logs.parquet preds.arrow --select id,scores', 'keep two columns, Arrow file'),
  handler: async (args) => {
    const options: ConvertOptions = {
      input: args.input,
      output: args.output,
      format: args.format,
      inputFormat: args['input-format'],
      map: parseMap(args.map ?? []),
      select: commaList(args.select),
      allVarchar: args['all-varchar'],
      annotators: annotatorOptions(args),
      batchRows: args['batch-rows'],
      force: args.force,
    };
    checkFlags(ConvertOptionsSchema, options);
    const summary = await convertToArrow(options);
    process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : describeSummary(summary));
  },
};

const commaList = (xs: readonly string[] | undefined) =>
  xs?.flatMap((s) => s.split(',')).map((s) => s.trim());

function annotatorOptions(args: ConvertArgs): ConvertOptions['annotators'] {
  const columns = commaList(args.annotators);
  if (columns === undefined) {
    const stray = (['annotator-names', 'annotations-column', 'annotation-separator'] as const).find(
      (f) => args[f] !== undefined,
    );
    if (stray) throw new BadInputError(`--${stray} needs --annotators (which columns to gather)`);
    return undefined;
  }
  return {
    columns,
    names: commaList(args['annotator-names']),
    output: args['annotations-column'],
    separator: args['annotation-separator'],
  };
}

/** `--map src=dst` pairs; the first '=' splits, so a destination may itself contain '='. */
export function parseMap(pairs: readonly string[]): Record<string, string> {
  const out = keyedRecord<string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const src = at > 0 ? pair.slice(0, at) : '';
    const dst = at > 0 ? pair.slice(at + 1) : '';
    if (!src || !dst) throw new BadInputError(`--map wants src=dst, got ${JSON.stringify(pair)}`);
    if (Object.hasOwn(out, src)) throw new BadInputError(`--map renames ${JSON.stringify(src)} twice`);
    out[src] = dst;
  }
  return out;
}

function describeSummary(s: ConvertSummary): string {
  const columns = s.columns
    .map(
      (c) => `  ${c.name}${c.name === c.source ? '' : ` (from ${c.source})`}: ${c.type} <- ${c.sourceType}`,
    )
    .join('\n');
  // Column names come from the input file's header.
  const gathered = s.annotators
    ? `\n  ${s.annotators.output} gathers ${s.annotators.sources.length} annotator columns: ${s.annotators.sources
        .map((x) => (x.annotator === x.column ? x.column : `${x.column} as ${x.annotator}`))
        .join(', ')}`
    : '';
  return terminalText(
    `modeval: wrote ${s.rows} rows in ${s.batches} batches to ${s.output} (Arrow ${s.format})\n${columns}${gathered}\n`,
  );
}
