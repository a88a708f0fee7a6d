import { relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import type { BuiltinDatasets } from '../dataset/builtin.js';
import { renderTable, terminalText } from '../render/terminal.js';
import { builtinDataset } from './data.js';
import { PoliciesDemoOptionsSchema, type PoliciesDemoResult, runPoliciesDemo } from './demo/policies-job.js';
import { clustersTable, withInterval, writtenFiles, writtenList } from './demo.js';
import { logLine } from './log.js';
import { schemaDefault } from './options.js';

interface DemoArgs {
  out: string;
  quiet: boolean;
}

/** `modeval demo-policies`: the multi-policy path on the fortunes golden set. */
export function demoPoliciesCommand(datasets: BuiltinDatasets): CommandModule<object, DemoArgs> {
  return {
    command: 'demo-policies',
    describe:
      'Build the es/it fortunes golden set if needed, score it with both multi-policy reference models, evaluate per policy, gate and write the report',
    builder: (y) =>
      y
        .option('out', {
          type: 'string',
          default: schemaDefault(PoliciesDemoOptionsSchema, 'out'),
          describe: 'output folder',
        })
        .option('quiet', {
          type: 'boolean',
          default: schemaDefault(PoliciesDemoOptionsSchema, 'quiet'),
          describe: 'no progress output',
        }),
    handler: async (args) => {
      const { golden } = await builtinDataset(datasets, 'fortunes').build({ log: logLine });
      process.stdout.write(
        formatPoliciesDemo(await runPoliciesDemo({ golden, out: args.out, quiet: args.quiet, log: logLine })),
      );
    },
  };
}

export function formatPoliciesDemo(r: PoliciesDemoResult): string {
  const out: string[] = [];
  const first = r.models[0]!.metrics.models[0]!;
  out.push(
    renderTable(
      ['policy', 'golden', ...r.models.flatMap((m) => [`${m.model} recall`, `${m.model} precision`])],
      first.perClass.map((c, j) => [
        c.label,
        c.support,
        ...r.models.flatMap((m) => {
          const p = m.metrics.models[0]!.perClass[j]!;
          return [withInterval(p.recall), withInterval(p.precision)];
        }),
      ]),
      { title: `Multi-policy reference models on the fortunes golden set (${r.golden})` },
    ),
  );
  out.push('');
  out.push(
    renderTable(
      [
        'model',
        'rows/s',
        'subset accuracy',
        'Hamming loss',
        'micro F1',
        `macro F1 (${r.models[0]?.metrics.models[0]?.perClass.length ?? 0} policies)`,
      ],
      r.models.map(({ model, run, metrics }) => {
        const o = metrics.models[0]!.overall;
        return [
          model,
          Math.round(run.rowsPerSecond),
          withInterval(o.subsetAccuracy),
          withInterval(o.hammingLoss),
          withInterval(o.micro.f1),
          withInterval(o.macro.f1),
        ];
      }),
    ),
  );
  const g = r.gate.report;
  out.push('');
  out.push(
    renderTable(
      ['', 'rule', 'observed'],
      g.rules.map((rule) => [rule.status === 'pass' ? 'PASS' : 'FAIL', rule.rule.text, rule.message]),
      {
        title: `Release gate, ${r.models[1]!.model} (candidate) vs ${r.models[0]!.model} (baseline): ${g.verdict.toUpperCase()} (${g.summary.passed}/${g.summary.rules} rules pass)`,
      },
    ),
  );
  out.push('');
  out.push(clustersTable(r.clusters));
  out.push('');
  const q = r.review;
  out.push(
    `Review queue "${q.queue}": ${q.exported} of ${q.matched} items where ${r.models[1]!.model} and golden disagree on a policy (missed policies first), ${q.alreadyExported} sent before${q.dir ? `, in ${relative(process.cwd(), resolve(q.dir))}` : ''}`,
  );
  out.push('');
  out.push(writtenList(writtenFiles(r)));
  return terminalText(`${out.join('\n')}\n`);
}
