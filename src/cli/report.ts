import { dirname } from 'node:path';
import type { CommandModule } from 'yargs';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { bytes } from '../render/numbers.js';
import { ReportOptionsSchema } from '../report/options.js';
import { writeReport } from '../report/report.js';
import { logLine } from './log.js';
import { onInvalidOption, requireInteger, schemaChoices, schemaDefault } from './options.js';
import { logRejectedGolden } from './rejected.js';

interface ReportArgs {
  dirs: string[];
  out: string;
  format: 'html' | 'md' | undefined;
  compare: boolean;
  thumbnails: boolean;
  resamples: number;
  seed: number;
  'on-invalid': 'error' | 'skip';
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dirs..>',
  describe: 'Write a self-contained HTML report (charts, slices, comparison, clusters) or a Markdown summary',
  builder: (y) =>
    y
      .positional('dirs', {
        type: 'string',
        array: true,
        demandOption: true,
        // yargs gives a variadic positional a `[]` default and would print `[required] [default: []]`.
        default: undefined,
        describe:
          'model folders (metrics.json from `modeval eval --out`, with run.json and predictions.arrows from `modeval run --out`, clusters.json if any) and/or a comparison folder (compare.json or gate.json)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output file (report.html or summary.md)',
      })
      .option('format', {
        choices: schemaChoices(ReportOptionsSchema, 'format'),
        describe: 'html: one self-contained file; md: headline tables for a PR comment (default: from --out)',
      })
      .option('compare', {
        type: 'boolean',
        default: schemaDefault(ReportOptionsSchema, 'autoCompare'),
        describe: 'with two models and no compare/gate folder, pair their predictions (--no-compare to skip)',
      })
      .option('resamples', {
        type: 'number',
        default: schemaDefault(ReportOptionsSchema, 'resamples'),
        describe: 'paired bootstrap replicates for that comparison',
      })
      .option('seed', {
        type: 'number',
        default: schemaDefault(ReportOptionsSchema, 'seed'),
        describe: 'bootstrap seed',
      })
      .option('thumbnails', {
        type: 'boolean',
        default: schemaDefault(ReportOptionsSchema, 'thumbnails'),
        describe:
          'inline thumbnails of flipped items when the golden set holds images, blurred where a label may be unsafe (--no-thumbnails to leave them out)',
      })
      .epilogue(
        'Folder layout: modeval run --out D; modeval eval --predictions D/predictions.arrows --dataset G --out D; ' +
          '[modeval clusters ... --out D]; modeval report D [D2] [compare-dir] --out report.html. ' +
          'The first model is the baseline, the second the candidate. The HTML has no scripts and loads nothing; ' +
          'lists are capped (slices, clusters, flipped items, curve points) and the footer states the size.',
      )
      .example(
        '$0 report out/demo/spam-v1 out/demo/spam-v2 --out report.html',
        'two models with a paired comparison',
      )
      .options(onInvalidOption)
      .example('$0 report out/v2 gate-out --out summary.md', 'Markdown for a pull request'),
  handler: async (args) => {
    requireInteger('resamples', args.resamples, 1);
    requireInteger('seed', args.seed, 0);
    const format = args.format ?? (/\.(md|markdown)$/i.test(args.out) ? 'md' : 'html');
    const result = await writeReport({
      dirs: args.dirs,
      out: args.out,
      format,
      autoCompare: args.compare,
      resamples: args.resamples,
      seed: args.seed,
      thumbnails: args.thumbnails,
      onInvalid: args['on-invalid'],
    });
    for (const w of result.inputs.warnings) logLine(`modeval: warning: ${w}`);
    logRejectedGolden(goldenRowsBeside({ onInvalid: args['on-invalid'] }, dirname(args.out), 'report').rule);
    process.stdout.write(
      `wrote ${result.path} (${format}, ${bytes(result.bytes)}; ${result.inputs.models.length} model(s)${result.inputs.comparison ? ', comparison' : ''})\n`,
    );
  },
};
