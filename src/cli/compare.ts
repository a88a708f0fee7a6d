import type { CommandModule } from 'yargs';
import type { Comparison } from '../contracts/gate-report.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { compareModels } from '../gate/load.js';
import { compareMarkdown } from '../gate/markdown.js';
import { CompareOptionsSchema } from '../gate/options.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, writeOutputSet } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { fixed4, formatNumber, signedPlain } from '../render/numbers.js';
import { renderTable, terminalText } from '../render/terminal.js';
import { BadInputError } from '../util/errors.js';
import { listLimitOption, onInvalidOption, pairOptions, requireInteger, schemaDefault } from './options.js';

interface CompareArgs {
  baseline: string;
  candidate: string;
  dataset: string;
  spec?: string;
  out?: string;
  resamples: number;
  seed: number;
  level: number;
  'list-limit': number;
  json: boolean;
  'on-invalid': 'error' | 'skip';
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe:
    'Compare a candidate model with a baseline on the same golden set: paired intervals, McNemar, flips, slice regressions',
  builder: (y) =>
    y
      .options(pairOptions)
      .option('out', { type: 'string', describe: 'folder for compare.json and compare.md' })
      .option('resamples', {
        type: 'number',
        default: schemaDefault(CompareOptionsSchema, 'resamples'),
        describe: 'paired bootstrap replicates',
      })
      .option('seed', {
        type: 'number',
        default: schemaDefault(CompareOptionsSchema, 'seed'),
        describe: 'bootstrap seed (same seed, same report)',
      })
      .option('level', {
        type: 'number',
        default: schemaDefault(CompareOptionsSchema, 'level'),
        describe: 'interval coverage',
      })
      .options(listLimitOption)
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .options(onInvalidOption)
      .example(
        '$0 compare --baseline out/v1/predictions.arrows --candidate out/v2/predictions.arrows --dataset golden.arrow',
        'what changed between two model versions, beyond noise',
      ),
  handler: async (args) => {
    requireInteger('resamples', args.resamples, 1);
    requireInteger('seed', args.seed, 0);
    if (!(args.level > 0 && args.level < 1))
      throw new BadInputError(`--level must be in (0, 1), got ${args.level}`);
    requireInteger('list-limit', args['list-limit'], 0);
    const golden = goldenRowsBeside({ onInvalid: args['on-invalid'] }, args.out, 'compare');
    const compare = () =>
      compareModels({
        baseline: args.baseline,
        candidate: args.candidate,
        dataset: args.dataset,
        ...(args.spec ? { spec: args.spec } : {}),
        resamples: args.resamples,
        seed: args.seed,
        level: args.level,
        listLimit: args['list-limit'],
        ...golden.rule,
      });
    const out = args.out;
    const inputs = [
      ...predictionFiles(args.baseline).map((path) => ({ path, what: 'baseline predictions' })),
      ...predictionFiles(args.candidate).map((path) => ({ path, what: 'candidate predictions' })),
      { path: args.dataset, what: 'dataset' },
      ...(args.spec ? [{ path: args.spec, what: 'dataset spec' }] : []),
    ];
    const report = out
      ? await withOutputFolder(
          out,
          'modeval compare',
          { outputs: [OUTPUT_FILES.compare, OUTPUT_FILES.compareMarkdown, ...golden.outputs], inputs },
          async () => {
            const r = await compare();
            await writeOutputSet(out, [
              { file: OUTPUT_FILES.compareMarkdown, data: compareMarkdown(r) },
              { file: OUTPUT_FILES.compare, data: jsonText(r) },
            ]);
            return r;
          },
        )
      : await compare();
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatComparison(report));
  },
};

// Deltas and their interval ends at four decimals, so they line up.
const signed = (x: number | null) => (x === null ? null : signedPlain(x, fixed4));

/** One row per policy: recall and precision with their paired deltas, flips both ways, McNemar. */
function formatPolicies(c: Comparison): string {
  const level = `${Math.round(c.level * 100)}%`;
  const rows = (c.policies ?? []).map(({ policy, comparison: p }) => {
    const m = (metric: string) => p.metrics.find((x) => x.metric === metric && x.class === policy);
    const recall = m('recall');
    const precision = m('precision');
    const missed = p.mcnemar.perClass.find((g) => g.class === policy);
    const over = p.mcnemar.perClass.find((g) => g.class !== policy);
    const delta = (x: typeof recall) =>
      x === undefined || x.delta === null
        ? null
        : `${signed(x.delta)} [${signed(x.interval.low)}, ${signed(x.interval.high)}]`;
    return [
      policy,
      missed?.n ?? 0,
      recall?.candidate ?? null,
      delta(recall),
      precision?.candidate ?? null,
      delta(precision),
      missed?.b ?? 0,
      over?.b ?? 0,
      formatNumber(p.mcnemar.overall.pValue),
    ];
  });
  return renderTable(
    [
      'policy',
      'golden',
      'cand. recall',
      `Δ recall (${level} CI)`,
      'cand. precision',
      `Δ precision (${level} CI)`,
      'newly missed',
      'newly over-enforced',
      'McNemar p',
    ],
    rows,
    { title: 'Per policy (labels and predictions closed upward through the taxonomy)' },
  );
}

export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  if (c.policies !== undefined) {
    out.push(formatPolicies(c));
    out.push('');
    out.push(`Roll-up / first policy: ${c.labels[1] ?? ''}`);
  }
  const level = `${Math.round(c.level * 100)}%`;
  out.push(
    `candidate ${c.candidate.name} ${c.candidate.version} vs baseline ${c.baseline.name} ${c.baseline.version} · ` +
      `${c.n.toLocaleString('en-US')} items · ${level} paired bootstrap, ${c.resamples} resamples, seed ${c.seed}`,
  );
  for (const w of c.warnings) out.push(`warning: ${w}`);
  out.push('');
  out.push(
    renderTable(
      ['metric', 'baseline', 'candidate', 'delta', `${level} CI of delta`, 'verdict'],
      c.metrics.map((m) => [
        m.class === null ? m.metric : `${m.metric}[${m.class}]`,
        m.baseline,
        m.candidate,
        signed(m.delta),
        m.interval.low === null ? null : `[${signed(m.interval.low)}, ${signed(m.interval.high)}]`,
        m.verdict,
      ]),
    ),
  );
  out.push('');
  out.push(
    renderTable(
      ['McNemar', 'n', 'newly wrong', 'newly right', 'p-value', 'method'],
      [c.mcnemar.overall, ...c.mcnemar.perClass].map((g) => [
        g.class === null ? 'all items' : `golden ${g.class}`,
        g.n,
        g.b,
        g.c,
        formatNumber(g.pValue),
        g.method,
      ]),
    ),
  );
  const f = c.flips;
  out.push('');
  out.push(
    `flips: ${f.newlyWrong} newly wrong, ${f.newlyRight} newly right, ${f.predictionFlips} predictions changed ` +
      `(flip rate ${f.predictionFlipRate === null ? '—' : `${(100 * f.predictionFlipRate).toFixed(2)}%`})`,
  );
  const k = c.labels.length;
  const shown = f.newlyWrongItems.slice(0, 10);
  if (shown.length > 0) {
    out.push('');
    out.push(
      renderTable(
        ['newly wrong id', 'golden', 'baseline', 'candidate', ...c.labels.map((l) => `cand. p(${l})`)],
        shown.map((x) => [
          x.id,
          x.truth,
          x.baselinePredicted,
          x.candidatePredicted,
          ...x.candidateScores.slice(0, k),
        ]),
      ),
    );
  }
  if (c.sliceRegressions.length > 0) {
    out.push('');
    out.push(
      renderTable(
        [
          'slice regression',
          'n',
          'baseline acc',
          'candidate acc',
          'delta',
          'wrong/right',
          'McNemar p',
          'Holm p',
        ],
        c.sliceRegressions
          .slice(0, 10)
          .map((r) => [
            `${r.column}=${r.value}`,
            r.n,
            r.baselineAccuracy,
            r.candidateAccuracy,
            signed(r.delta),
            `${r.newlyWrong}/${r.newlyRight}`,
            formatNumber(r.mcnemar.pValue),
            formatNumber(r.adjusted.holm),
          ]),
      ),
    );
  }
  return terminalText(`${out.join('\n')}\n`);
}
