import type { CommandModule } from 'yargs';
import type { LabelersReport } from '../contracts/labelers-report.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, writeOutputSet } from '../io/outputs.js';
import { labelers, labelersRun } from '../labelers/labelers.js';
import { labelersMarkdown } from '../labelers/markdown.js';
import { type LabelersOptions, LabelersOptionsSchema } from '../labelers/options.js';
import { DASH, f3, interval, pValue } from '../render/numbers.js';
import { type Cell, formatCell, renderTable } from '../render/terminal.js';
import { BadInputError } from '../util/errors.js';
import { logLine } from './log.js';
import { checkFlags, schemaChoices, schemaDefault } from './options.js';

interface LabelersArgs {
  dataset: string;
  spec?: string;
  log?: string;
  'log-format': 'auto' | 'table' | 'label-studio' | 'argilla';
  'on-invalid': 'error' | 'skip';
  'item-column': string;
  'annotator-column': string;
  'label-column': string;
  'label-delimiter': string;
  'timestamp-column'?: string;
  'seconds-column'?: string;
  'batch-column'?: string;
  by: 'iso-week' | 'batch';
  target?: number;
  'min-items': number;
  fdr: number;
  level: number;
  'suspect-confidence': number;
  resamples: number;
  seed: number;
  out?: string;
  json: boolean;
}

const S = LabelersOptionsSchema;

export const labelersCommand: CommandModule<object, LabelersArgs> = {
  command: 'labelers',
  describe:
    'Labelling QA: each annotator against golden and the consensus (with intervals and flags), Dawid–Skene consensus, golden suspects, and where annotators disagree (writes labelers.json, labelers.md)',
  builder: (y) =>
    y
      .option('dataset', { type: 'string', demandOption: true, describe: 'golden dataset (Arrow)' })
      .option('spec', { type: 'string', describe: 'dataset spec JSON (default: beside the dataset)' })
      .option('log', {
        type: 'string',
        describe:
          "labelling log, one row per judgement (Arrow, Parquet, CSV, TSV, JSONL); default: the dataset's annotations column",
      })
      .option('log-format', {
        choices: schemaChoices(S, 'logFormat'),
        default: schemaDefault(S, 'logFormat'),
        describe:
          'table = one row per judgement; label-studio = Label Studio JSON export; argilla = Argilla record export or to_disk folder; auto = a tool export when the first record has its shape, else a table',
      })
      .option('on-invalid', {
        choices: schemaChoices(S, 'onInvalid'),
        default: schemaDefault(S, 'onInvalid'),
        describe:
          'a bad judgement (label outside the set, empty id or annotator, bad time): error = stop at the first (exit 2, naming file, row and field); skip = leave each out, with its reason in rejected-judgements.jsonl beside the output',
      })
      .option('item-column', {
        type: 'string',
        default: schemaDefault(S, 'itemColumn'),
        describe: 'log: item id column',
      })
      .option('annotator-column', {
        type: 'string',
        default: schemaDefault(S, 'annotatorColumn'),
        describe: 'log: annotator column',
      })
      .option('label-column', {
        type: 'string',
        default: schemaDefault(S, 'labelColumn'),
        describe: 'log: label column (multi-policy: a list, or text split on --label-delimiter)',
      })
      .option('label-delimiter', {
        type: 'string',
        default: schemaDefault(S, 'labelDelimiter'),
        describe: 'log: policy separator in text',
      })
      .option('timestamp-column', {
        type: 'string',
        describe: 'log: when each judgement was made (orders repeats; default `timestamp` if present)',
      })
      .option('seconds-column', {
        type: 'string',
        describe: 'log: seconds spent per judgement (default `seconds` if present)',
      })
      .option('batch-column', {
        type: 'string',
        describe: 'log: batch or queue of each judgement, for --by batch (default `batch` if present)',
      })
      .option('by', {
        choices: schemaChoices(S, 'by'),
        default: schemaDefault(S, 'by'),
        describe: 'drift periods: ISO week of the timestamps, or the log batch column',
      })
      .option('target', {
        type: 'number',
        describe: 'flag annotators below this accuracy (default: below the rest of the team)',
      })
      .option('min-items', {
        type: 'number',
        default: schemaDefault(S, 'minItems'),
        describe: 'fewer golden-labelled judgements than this: not enough data, not ranked',
      })
      .option('fdr', {
        type: 'number',
        default: schemaDefault(S, 'fdr'),
        describe: 'false discovery rate of the flags (Benjamini–Hochberg)',
      })
      .option('level', { type: 'number', default: schemaDefault(S, 'level'), describe: 'interval coverage' })
      .option('suspect-confidence', {
        type: 'number',
        default: schemaDefault(S, 'suspectConfidence'),
        describe: 'golden suspect: the consensus posterior of another label is at least this',
      })
      .option('resamples', {
        type: 'number',
        default: schemaDefault(S, 'resamples'),
        describe: 'bootstrap replicates per agreement interval, and permutations per drift change-point test',
      })
      .option('seed', {
        type: 'number',
        default: schemaDefault(S, 'seed'),
        describe: 'bootstrap and permutation seed',
      })
      .option('out', { type: 'string', describe: 'folder to write labelers.json and labelers.md into' })
      .option('json', { type: 'boolean', default: false, describe: 'print labelers.json instead of tables' })
      .example('$0 labelers --dataset golden.arrow --out out/labelers', "the dataset's annotations column")
      .example(
        '$0 labelers --dataset golden.arrow --log judgements.csv --target 0.9',
        'a labelling log, flagged against a target',
      ),
  handler: async (args) => {
    const options: LabelersOptions = {
      dataset: args.dataset,
      ...(args.spec !== undefined ? { spec: args.spec } : {}),
      ...(args.log !== undefined ? { log: args.log } : {}),
      logFormat: args['log-format'],
      onInvalid: args['on-invalid'],
      itemColumn: args['item-column'],
      annotatorColumn: args['annotator-column'],
      labelColumn: args['label-column'],
      labelDelimiter: args['label-delimiter'],
      ...(args['timestamp-column'] !== undefined ? { timestampColumn: args['timestamp-column'] } : {}),
      ...(args['seconds-column'] !== undefined ? { secondsColumn: args['seconds-column'] } : {}),
      ...(args['batch-column'] !== undefined ? { batchColumn: args['batch-column'] } : {}),
      by: args.by,
      ...(args.target !== undefined ? { target: args.target } : {}),
      minItems: args['min-items'],
      fdr: args.fdr,
      level: args.level,
      suspectConfidence: args['suspect-confidence'],
      resamples: args.resamples,
      seed: args.seed,
    };
    checkFlags(S, options);
    const out = args.out;
    const skip = args['on-invalid'] === 'skip';
    if (skip && out === undefined) {
      throw new BadInputError(
        'labelers --on-invalid skip writes the rejected judgements beside its output: give --out',
        {
          field: 'out',
        },
      );
    }
    const outputs = [
      OUTPUT_FILES.labelers,
      OUTPUT_FILES.labelersMarkdown,
      ...(skip ? [OUTPUT_FILES.rejectedJudgements] : []),
    ];
    const inputs = [
      { path: args.dataset, what: 'dataset' },
      ...(args.spec ? [{ path: args.spec, what: 'dataset spec' }] : []),
      ...(args.log ? [{ path: args.log, what: 'labelling log' }] : []),
    ];
    const report = out
      ? await withOutputFolder(out, 'modeval labelers', { outputs, inputs }, async () => {
          const { report: r, rejected } = await labelersRun(options);
          const lines = rejected.map((x) => `${JSON.stringify(x)}\n`).join('');
          await writeOutputSet(out, [
            ...(skip ? [{ file: OUTPUT_FILES.rejectedJudgements, data: lines }] : []),
            { file: OUTPUT_FILES.labelersMarkdown, data: labelersMarkdown(r) },
            { file: OUTPUT_FILES.labelers, data: jsonText(r) },
          ]);
          return r;
        })
      : await labelers(options);
    const c = report.counts;
    if (c.rejected > 0 && out !== undefined) {
      const where = `${out}/${OUTPUT_FILES.rejectedJudgements.name}`;
      logLine(
        `modeval: warning: ${c.rejected} judgements were rejected and left out; each with its reason in ${where}`,
      );
    }
    if (c.skippedAnswers > 0) {
      logLine(
        `modeval: ${c.skippedAnswers} export answers were not submitted (cancelled, empty, draft or discarded): skipped`,
      );
    }
    process.stdout.write(args.json ? jsonText(report) : formatLabelers(report));
    if (out && !args.json)
      process.stdout.write(`\nwrote ${formatCell(`${out}/${OUTPUT_FILES.labelers.name}`)}\n`);
  },
};

/** The terminal view: per view, the annotator table and the lowest-agreement scopes. */
export function formatLabelers(r: LabelersReport): string {
  const out: string[] = [];
  for (const v of r.views) {
    const title = v.policy === null ? 'Annotators' : `Policy ${v.policy}`;
    const rows: Cell[][] = v.annotators.map((a) => [
      a.annotator,
      a.judgements,
      interval(a.accuracy.interval),
      f3(a.kappaVsGolden.kappa),
      f3(a.kappaVsConsensus.kappa),
      a.selfConsistency.n > 0 ? interval(a.selfConsistency.interval) : DASH,
      a.flag.status,
      a.flag.adjusted === null ? DASH : pValue(a.flag.adjusted),
    ]);
    out.push(
      renderTable(
        [
          'annotator',
          'judgements',
          'accuracy [CI]',
          'κ golden',
          'κ consensus',
          'self-consistency',
          'flag',
          'adj. p',
        ],
        rows,
        {
          title: `${title}: team accuracy ${interval(v.team.interval)}; α ${interval(v.agreement.overall.alpha)}`,
        },
      ),
    );
    const gaps = [...v.agreement.perLabel, ...v.agreement.perSlice]
      .filter((g) => g.rank !== null)
      .sort((a, b) => a.alpha.estimate! - b.alpha.estimate!)
      .slice(0, 5);
    if (gaps.length > 0) {
      out.push(
        renderTable(
          ['scope', 'items', 'α [CI]'],
          gaps.map((g) => [g.scope, g.units, interval(g.alpha)]),
          { title: 'Lowest agreement' },
        ),
      );
    }
    out.push(
      `golden suspects: ${v.consensus.goldenSuspects.length}; majority ties: ${v.consensus.majorityTies}\n`,
    );
  }
  return out.join('\n');
}
