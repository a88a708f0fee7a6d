import type { CommandModule } from 'yargs';
import { runGate } from '../gate/gate.js';
import { GateOptionsSchema } from '../gate/options.js';
import { formatCell } from '../render/terminal.js';
import { GateFailedError } from '../util/errors.js';
import { logLine } from './log.js';
import { listLimitOption, onInvalidOption, pairOptions, requireInteger, schemaDefault } from './options.js';

interface GateArgs {
  policy: string;
  baseline: string;
  candidate: string;
  dataset: string;
  spec?: string;
  out: string;
  'step-summary'?: string;
  'list-limit': number;
  'include-null': boolean;
  'on-invalid': 'error' | 'skip';
}

export const gateCommand: CommandModule<object, GateArgs> = {
  command: 'gate',
  describe: 'Decide whether a candidate model may replace the baseline: exit 0 pass, 1 fail, 2 bad input',
  builder: (y) =>
    y
      .option('policy', { type: 'string', demandOption: true, describe: 'gate policy (YAML or JSON)' })
      .options(pairOptions)
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
      ),
  handler: async (args) => {
    requireInteger('list-limit', args['list-limit'], 0);
    const stepSummary = args['step-summary'] ?? (process.env.GITHUB_STEP_SUMMARY || undefined);
    const { report, files } = await runGate({
      policy: args.policy,
      baseline: args.baseline,
      candidate: args.candidate,
      dataset: args.dataset,
      ...(args.spec ? { spec: args.spec } : {}),
      outDir: args.out,
      listLimit: args['list-limit'],
      includeNull: args['include-null'],
      onInvalid: args['on-invalid'],
      ...(stepSummary ? { stepSummary } : {}),
    });
    for (const w of report.comparison.warnings) logLine(`modeval: warning: ${w}`);
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
