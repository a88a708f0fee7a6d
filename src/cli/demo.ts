import { relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import type { ClustersReport } from '../contracts/clusters-report.js';
import type { Interval } from '../contracts/metric-results.js';
import type { BuiltinDatasets } from '../dataset/builtin.js';
import { formatCell, renderTable, terminalText } from '../render/terminal.js';
import { builtinDataset } from './data.js';
import { DemoOptionsSchema, type DemoResult, runDemo } from './demo/spam-job.js';
import { logLine } from './log.js';
import { schemaDefault } from './options.js';

interface DemoArgs {
  out: string;
  quiet: boolean;
}

/** `modeval demo`; the SpamAssassin builder comes from the registered built-in datasets. */
export function demoCommand(datasets: BuiltinDatasets): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe:
      'Build the SpamAssassin golden set if needed, score it with both reference models, evaluate, gate, cluster errors and write the report',
    builder: (y) =>
      y
        .option('out', {
          type: 'string',
          default: schemaDefault(DemoOptionsSchema, 'out'),
          describe: 'output folder',
        })
        .option('quiet', {
          type: 'boolean',
          default: schemaDefault(DemoOptionsSchema, 'quiet'),
          describe: 'no progress output',
        }),
    handler: async (args) => {
      const { golden } = await builtinDataset(datasets, 'spamassassin').build({});
      process.stdout.write(
        formatDemo(await runDemo({ golden, out: args.out, quiet: args.quiet, log: logLine })),
      );
    },
  };
}

export function withInterval(iv: Interval | undefined | null): string {
  if (!iv || iv.estimate === null) return '—';
  const bound = (x: number | null) => (x === null ? '?' : x.toFixed(3));
  return `${iv.estimate.toFixed(3)} [${bound(iv.low)}, ${bound(iv.high)}]`;
}

export function formatDemo(r: DemoResult): string {
  const out: string[] = [];
  out.push(
    renderTable(
      ['model', 'rows', 'not scored', 'rows/s', 'accuracy [95% CI]', 'spam recall', 'spam FPR', 'ROC-AUC'],
      r.models.map(({ model, run, metrics }) => {
        const m = metrics.models[0]!.overall;
        return [
          model,
          run.predicted,
          run.rejected + run.invalid,
          Math.round(run.rowsPerSecond),
          withInterval(m.accuracy),
          withInterval(m.positive?.recall),
          withInterval(m.positive?.fpr),
          m.rocAuc.value === null ? `— (${m.rocAuc.reason})` : m.rocAuc.value.toFixed(4),
        ];
      }),
      { title: `Reference models on the SpamAssassin golden set (${r.golden})` },
    ),
  );
  const g = r.gate.report;
  out.push('');
  out.push(
    renderTable(
      ['', 'rule', 'observed'],
      g.rules.map((rule) => [rule.status === 'pass' ? 'PASS' : 'FAIL', rule.rule.text, rule.message]),
      {
        title: `Release gate, spam-v2 (candidate) vs spam-v1 (baseline): ${g.verdict.toUpperCase()} (${g.summary.passed}/${g.summary.rules} rules pass)`,
      },
    ),
  );
  out.push('');
  out.push(clustersTable(r.clusters));
  out.push('');
  const files = writtenFiles(r);
  out.push(writtenList(files));
  out.push(
    `Open the report (self-contained, ${(r.report.html.bytes / 1024).toFixed(0)} KiB): ${formatCell(files[files.length - 2]!)}`,
  );
  return terminalText(`${out.join('\n')}\n`);
}

/** The files a demo wrote (predictions and metrics per model, gate, clusters, report), from here. */
export function writtenFiles(r: Pick<DemoResult, 'models' | 'gate' | 'clusters' | 'report'>): string[] {
  return [
    ...r.models.flatMap((m) => [m.run.predictions ?? '', `${m.outDir}/metrics.json`]),
    r.gate.files.json,
    r.gate.files.junit,
    r.clusters.file,
    r.report.html.path,
    r.report.markdown.path,
  ].map((f) => relative(process.cwd(), resolve(f)));
}

/** The demos' "Written:" block. */
export function writtenList(files: readonly string[]): string {
  return `Written:\n${files.map((f) => `  ${formatCell(f)}`).join('\n')}`;
}

/** The demos' table of the largest error clusters. */
export function clustersTable(c: { model: string; report: ClustersReport }): string {
  return renderTable(
    ['#', 'cell', 'cluster (separating terms)', 'size', 'error rate'],
    c.report.clusters.slice(0, 6).map((x) => [x.rank, x.cell, x.name, x.size, x.errorRate]),
    { title: `Largest error clusters of ${c.model}` },
  );
}
