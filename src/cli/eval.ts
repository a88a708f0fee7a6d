import type { CommandModule } from 'yargs';
import { compareGoldenVersions } from '../evaluate/compare-golden.js';
import { evaluate } from '../evaluate/evaluate.js';
import { MetricOptionsSchema, SCORE_INTERVALS_AUTO_MAX_ROWS } from '../evaluate/options.js';
import { formatGoldenChange } from '../render/golden-change.js';
import { formatMetrics } from '../render/metrics-tables.js';
import { logLine } from './log.js';
import { onInvalidOption, schemaChoices, schemaDefault } from './options.js';

interface EvalArgs {
  predictions: string[];
  dataset: string;
  spec?: string;
  out: string;
  resamples: number;
  seed: number;
  level: number;
  bins: number;
  binning: 'uniform' | 'equal-mass';
  'min-slice-support': number;
  'min-class-support': number;
  'max-interval-width': number;
  'min-bin-items': number;
  intervals: 'wilson' | 'jeffreys';
  'score-intervals'?: boolean;
  'max-slice-values': number;
  'max-slice-rows': number;
  json: boolean;
  'on-invalid': 'error' | 'skip';
  'compare-golden'?: string;
}

export const evalCommand: CommandModule<object, EvalArgs> = {
  command: 'eval',
  describe:
    'Score predictions against golden labels: per-class, per-slice, calibration, bias and agreement metrics with bootstrap intervals',
  builder: (y) =>
    y
      .option('predictions', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'predictions file(s) from `modeval run` (repeat for several models; rows all of them scored are used); the shards of one sharded run: comma-separated',
      })
      .option('dataset', {
        type: 'string',
        demandOption: true,
        describe: 'golden dataset (Arrow IPC file or stream)',
      })
      .option('spec', {
        type: 'string',
        describe: 'dataset spec JSON (default: <name>.spec.json or spec.json beside it)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder for metrics.json' })
      .option('resamples', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'resamples'),
        describe: 'bootstrap resamples per interval',
      })
      .option('seed', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'seed'),
        describe: 'bootstrap seed (same seed, same intervals)',
      })
      .option('level', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'level'),
        describe: 'interval coverage',
      })
      .option('bins', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'bins'),
        describe: 'calibration bins',
      })
      .option('binning', {
        choices: schemaChoices(MetricOptionsSchema, 'binning'),
        default: schemaDefault(MetricOptionsSchema, 'binning'),
        describe: 'calibration bins: equal widths of confidence, or equal numbers of items',
      })
      .option('min-bin-items', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'minBinItems'),
        describe:
          'equal-mass bins hold at least this many items (fewer bins on small sets); smaller bins are flagged sparse',
      })
      .option('intervals', {
        choices: schemaChoices(MetricOptionsSchema, 'intervals'),
        default: schemaDefault(MetricOptionsSchema, 'intervals'),
        describe: 'interval for proportions (accuracy, precision, recall, FPR, FNR)',
      })
      .option('min-class-support', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'minClassSupport'),
        describe:
          'a class with golden items but fewer than this flags a slice small (its recall rests on them)',
      })
      .option('max-interval-width', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'maxIntervalWidth'),
        describe: 'an accuracy interval wider than this flags a slice small',
      })
      .option('min-slice-support', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'minSliceSupport'),
        describe: 'slices with fewer items are flagged small',
      })
      .option('score-intervals', {
        type: 'boolean',
        describe: `bootstrap ROC-AUC and AP too (default: on up to ${SCORE_INTERVALS_AUTO_MAX_ROWS.toLocaleString('en-US')} rows × ranked labels)`,
      })
      .option('max-slice-values', {
        type: 'number',
        default: schemaDefault(MetricOptionsSchema, 'maxSliceValues'),
        describe: 'values measured per slice column, largest first (the rest are counted)',
      })
      .option('max-slice-rows', {
        type: 'number',
        default: 15,
        describe: 'values printed per slice table, largest first (metrics.json has all)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print metrics.json instead of tables' })
      .options(onInvalidOption)
      .option('compare-golden', {
        type: 'string',
        describe:
          'the previous golden version (e.g. the file `review import` relabelled): also evaluate the one predictions file on it and write golden-change.json (each headline metric under both versions, the labels that changed, the errors that became correct or wrong) and golden-changes.jsonl (the changed items)',
      })
      .example(
        '$0 eval --predictions out/v2/predictions.arrows --dataset golden.v2.arrow --compare-golden golden.arrow --out out/v2-relabel',
        'what the relabel changed for one model',
      )
      .example(
        '$0 eval --predictions out/v1/predictions.arrows --dataset datasets/spamassassin/build/golden.arrow --out out/v1',
        'metrics of one model on the golden set',
      ),
  handler: async (args) => {
    const options = {
      dataset: args.dataset,
      predictions: args.predictions,
      ...(args.spec ? { spec: args.spec } : {}),
      out: args.out,
      onInvalid: args['on-invalid'],
      resamples: args.resamples,
      seed: args.seed,
      level: args.level,
      bins: args.bins,
      binning: args.binning,
      minSliceSupport: args['min-slice-support'],
      minClassSupport: args['min-class-support'],
      maxIntervalWidth: args['max-interval-width'],
      minBinItems: args['min-bin-items'],
      intervals: args.intervals,
      ...(args['score-intervals'] !== undefined ? { scoreIntervals: args['score-intervals'] } : {}),
      maxSliceValues: args['max-slice-values'],
    };
    const previous = args['compare-golden'];
    if (previous !== undefined) {
      const { report, change, paths } = await compareGoldenVersions({ ...options, previous });
      for (const w of change.warnings) logLine(`modeval: warning: ${w}`);
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ metrics: report, goldenChange: change }, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatMetrics(report, { maxSliceRows: args['max-slice-rows'] }));
      process.stdout.write(`\n${formatGoldenChange(change)}`);
      process.stdout.write(`\nwrote ${paths.join(', ')}\n`);
      return;
    }
    const { report, path } = await evaluate(options);
    for (const w of report.warnings) logLine(`modeval: warning: ${w}`);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    process.stdout.write(formatMetrics(report, { maxSliceRows: args['max-slice-rows'] }));
    process.stdout.write(`\nwrote ${path}\n`);
  },
};
