import type { CommandModule } from 'yargs';
import { runGate } from '../gate/gate.js';
import { GateOptionsSchema } from '../gate/options.js';
import { formatCell } from '../render/terminal.js';
import { GateFailedError } from '../util/errors.js';
import { logLine } from './log.js';
import { listLimitOption, onInvalidOption, pairOptions, requireInteger, schemaDefault } from './options.js';

interface GateArgs {
  policy: string;
  baseline?: string;
  candidate?: string;
  dataset?: string;
  labelers?: string;
  spec?: string;
  out: string;
  'step-summary'?: string;
  'list-limit': number;
  'include-null': boolean;
  'on-invalid': 'error' | 'skip';
}

export const gateCommand: CommandModule<object, GateArgs> = {
  command: 'gate',
  describe:
    'Decide whether a candidate model may replace the baseline, or a labelling delivery meets its bar: exit 0 pass, 1 fail, 2 bad input',
  builder: (y) =>
    y
      .option('policy', { type: 'string', demandOption: true, describe: 'gate policy (YAML or JSON)' })
      // Optional here: a policy of labelling rules alone gates a labelers.json, no models.
      .options({
        baseline: { ...pairOptions.baseline, demandOption: false },
        candidate: { ...pairOptions.candidate, demandOption: false },
        dataset: { ...pairOptions.dataset, demandOption: false },
        spec: pairOptions.spec,
      })
      .option('labelers', {
        type: 'string',
        describe:
          'labelers.json of a labelling delivery (or the folder of `modeval labelers --out`), for labelling rules (labeler_accuracy_min, labeler_flagged, agreement_alpha)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'folder for gate.json, junit.xml, summary.md',
      })
      .option('step-summary', {
        type: 'string',
        describe: 'append the Markdown summary to this file (default: $GITHUB_STEP_SUMMARY when set)',
      })
      .options(listLimitOption)
      .options(onInvalidOption)
      .option('include-null', {
        type: 'boolean',
        default: schemaDefault(GateOptionsSchema, 'includeNull'),
        describe:
          'rules "per <column>" also check the items with no value in the column, as (null) (default: listed as skipped)',
      })
      .example(
        '$0 gate --policy gate.yaml --baseline v1/predictions.arrows --candidate v2/predictions.arrows --dataset golden.arrow --out gate/',
        'release gate for CI',
      )
      .example(
        '$0 gate --policy examples/ci/labelers-gate.yaml --labelers out/labelers/labelers.json --out gate/',
        "a labelling vendor's delivery",
      ),
  handler: async (args) => {
    requireInteger('list-limit', args['list-limit'], 0);
    const stepSummary = args['step-summary'] ?? (process.env.GITHUB_STEP_SUMMARY || undefined);
    const { report, files } = await runGate({
      policy: args.policy,
      ...(args.baseline ? { baseline: args.baseline } : {}),
      ...(args.candidate ? { candidate: args.candidate } : {}),
      ...(args.dataset ? { dataset: args.dataset } : {}),
      ...(args.labelers ? { labelers: args.labelers } : {}),
      ...(args.spec ? { spec: args.spec } : {}),
      outDir: args.out,
      listLimit: args['list-limit'],
      includeNull: args['include-null'],
      onInvalid: args['on-invalid'],
      ...(stepSummary ? { stepSummary } : {}),
    });
    for (const w of report.comparison?.warnings ?? []) logLine(`modeval: warning: ${w}`);
    for (const r of report.rules) {
      process.stdout.write(
        `${r.status === 'pass' ? 'PASS' : 'FAIL'}  ${formatCell(r.rule.name === r.rule.text ? r.rule.text : `${r.rule.name}: ${r.rule.text}`)}\n      ${formatCell(r.message)}\n`,
      );
    }
    process.stdout.write(
      `\ngate ${report.verdict.toUpperCase()}: ${report.summary.passed}/${report.summary.rules} rules pass · ${files.json} · ${files.junit} · ${files.markdown}\n`,
    );
    if (report.verdict === 'fail') {
      throw new GateFailedError(`${report.summary.failed} of ${report.summary.rules} gate rules failed`);
    }
  },
};
