import type { CommandModule } from 'yargs';
import { type ClusterOptions, ClusterOptionsSchema, clustersFor } from '../analysis/clusters.js';
import type { ClustersReport } from '../contracts/clusters-report.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { withOutputFolder } from '../io/guard.js';
import { OUTPUT_FILES, writeJsonOutput } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { percent } from '../render/numbers.js';
import { formatCell, renderTable, terminalText } from '../render/terminal.js';
import { checkFlags, onInvalidOption, schemaDefault } from './options.js';
import { logRejectedGolden } from './rejected.js';

interface ClustersArgs {
  predictions: string[];
  dataset: string;
  spec?: string;
  out: string;
  seed: number;
  model: number;
  'min-cell-size': number;
  'max-k': number;
  'min-slice-support': number;
  examples: number;
  json: boolean;
  'on-invalid': 'error' | 'skip';
}

export const clustersCommand: CommandModule<object, ClustersArgs> = {
  command: 'clusters',
  describe: "Cluster a model's errors per confusion cell and name the clusters (writes clusters.json)",
  builder: (y) =>
    y
      .option('predictions', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'predictions file(s); golden labels are flagged for a check only where two good (ROC-AUC interval above 0.9), independent models agree, so give a second model',
      })
      .option('dataset', { type: 'string', demandOption: true, describe: 'golden dataset (Arrow)' })
      .option('spec', { type: 'string', describe: 'dataset spec JSON (default: beside the dataset)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder for clusters.json' })
      .option('seed', {
        type: 'number',
        default: schemaDefault(ClusterOptionsSchema, 'seed'),
        describe: 'seed (projection, k-means, samples)',
      })
      .option('model', {
        type: 'number',
        default: schemaDefault(ClusterOptionsSchema, 'model'),
        describe: 'which predictions file to analyse (0-based)',
      })
      .option('min-cell-size', {
        type: 'number',
        default: schemaDefault(ClusterOptionsSchema, 'minCellSize'),
        describe: 'smallest confusion cell clustered',
      })
      .option('max-k', {
        type: 'number',
        default: schemaDefault(ClusterOptionsSchema, 'maxK'),
        describe: 'largest k tried (k chosen by silhouette)',
      })
      .option('min-slice-support', {
        type: 'number',
        default: schemaDefault(ClusterOptionsSchema, 'minSliceSupport'),
        describe: 'fewest members for a slice lift',
      })
      .option('examples', { type: 'number', default: 3, describe: 'example snippets printed per cluster' })
      .option('json', { type: 'boolean', default: false, describe: 'print clusters.json to stdout' })
      .options(onInvalidOption)
      .example(
        '$0 clusters --predictions out/demo/spam-v1/predictions.arrows --dataset datasets/spamassassin/build/golden.arrow --out out/clusters',
        'named error clusters of spam-v1 on the golden set',
      ),
  handler: async (args) => {
    const options: ClusterOptions = {
      seed: args.seed,
      model: args.model,
      minCellSize: args['min-cell-size'],
      maxK: args['max-k'],
      minSliceSupport: args['min-slice-support'],
    };
    checkFlags(ClusterOptionsSchema, options);
    const inputs = [
      { path: args.dataset, what: 'dataset' },
      ...args.predictions.flatMap(predictionFiles).map((path) => ({ path, what: 'predictions file' })),
      ...(args.spec ? [{ path: args.spec, what: 'dataset spec' }] : []),
    ];
    const golden = goldenRowsBeside({ onInvalid: args['on-invalid'] }, args.out, 'clusters');
    const { report, file } = await withOutputFolder(
      args.out,
      'modeval clusters',
      { outputs: [OUTPUT_FILES.clusters, ...golden.outputs], inputs },
      async () => {
        const r = await clustersFor(
          {
            dataset: args.dataset,
            predictions: args.predictions,
            ...(args.spec ? { spec: args.spec } : {}),
            ...golden.rule,
          },
          options,
        );
        return { report: r, file: await writeJsonOutput(OUTPUT_FILES.clusters, args.out, r) };
      },
    );
    logRejectedGolden(golden.rule);
    process.stdout.write(
      args.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${formatClusters(report, args.examples)}\nwritten ${formatCell(file)}\n`,
    );
  },
};

export function formatClusters(r: ClustersReport, examples = 3): string {
  const out: string[] = [];
  out.push(`Error clusters of ${formatCell(`${r.model.name}@${r.model.version}`)} (seed ${r.seed})`);
  out.push(
    renderTable(
      [
        r.cells.some((c) => c.policy !== undefined) ? 'cell' : 'cell (golden>predicted)',
        'errors',
        'clustered',
        'k',
        'silhouette',
      ],
      r.cells.map((c) => [c.cell, c.size, c.clustered ? 'yes' : (c.note ?? 'no'), c.k, c.silhouette]),
    ),
  );
  for (const c of r.cells) if (c.warning) out.push(`${formatCell(c.cell)}: ${formatCell(c.warning)}`);
  if (r.labelIssues) out.push(`Golden-label check: ${formatCell(r.labelIssues.rule)}.`);
  for (const c of r.clusters) {
    out.push('');
    out.push(
      `${c.id}  ${formatCell(c.cell)}${c.policy !== undefined ? '' : ` ${c.kind.replace('_', ' ')}`}  “${formatCell(c.name)}”${c.weakStructure ? ' (weak structure)' : ''}  ` +
        `${c.size} items (${percent(c.size, c.size / c.share)} of cell) · error rate ${(100 * c.errorRate).toFixed(0)}% · mean score ${c.meanScore.toFixed(2)} · ${c.relabelCandidates} golden labels to check`,
    );
    if (c.slices.length > 0) {
      out.push(
        `    over-represented: ${c.slices
          .slice(0, 3)
          .map((s) => `${formatCell(s.column)}=${formatCell(s.value)} ×${s.lift.toFixed(1)} (${s.support})`)
          .join(', ')}`,
      );
    }
    for (const e of c.representatives.slice(0, examples)) {
      out.push(
        `    · [${e.score.toFixed(2)}${e.labelIssue === 'relabel' ? ', check the golden label' : ''}] ${formatCell(e.text.slice(0, 110))}`,
      );
    }
  }
  if (r.clusters.length === 0) out.push('', 'No confusion cell is large enough to cluster.');
  return terminalText(out.join('\n'));
}
