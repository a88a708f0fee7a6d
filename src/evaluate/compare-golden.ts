import { type GoldenChange, GoldenChangeSchema } from '../contracts/golden-change.js';
import { type MetricsReport, MetricsReportSchema } from '../contracts/metrics-report.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, outputPath, writeOutputSet } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { computeMetrics } from './evaluate.js';
import { goldenChange } from './golden-change.js';
import { loadEvalSet } from './join.js';
import { type EvaluateOptions, resolveMetricOptions } from './options.js';
import { rankedLabels } from './ranking-metrics.js';

/**
 * `modeval eval --compare-golden <previous>`: the usual metrics of the predictions on the current
 * golden version (`dataset`), and what the relabel from `previous` changed for them
 * (golden-change.ts). With `out`, metrics.json, golden-change.json and golden-changes.jsonl are
 * written together (all or none).
 */

export interface CompareGoldenOptions extends EvaluateOptions {
  /** The previous golden version (Arrow); its spec is `spec` when given, else found beside it. */
  previous: string;
}

export interface CompareGoldenResult {
  report: MetricsReport;
  change: GoldenChange;
  /** Written files (metrics.json, golden-change.json, golden-changes.jsonl) when `out` was given. */
  paths: string[];
}

export async function compareGoldenVersions(options: CompareGoldenOptions): Promise<CompareGoldenResult> {
  resolveMetricOptions(options);
  const { out } = options;
  const work = async (): Promise<CompareGoldenResult> => {
    const current = await loadEvalSet(options);
    const previous = await loadEvalSet({ ...options, dataset: options.previous });
    const report = computeMetrics(current, options);
    // The same bootstrap settings as the metrics (sized for the current set) for both versions.
    const r = resolveMetricOptions(options, current.n, rankedLabels(current, {}).length);
    const { report: change, changed } = goldenChange(previous, current, r);
    const lines = changed.map((c) => JSON.stringify(c)).join('\n');
    const changesText = lines.length > 0 ? `${lines}\n` : '';
    if (out === undefined) return { report, change: { ...change, changesFile: null }, paths: [] };
    const full: GoldenChange = { ...change, changesFile: outputPath(out, OUTPUT_FILES.goldenChanges) };
    const paths = await writeOutputSet(out, [
      { file: OUTPUT_FILES.metrics, data: jsonText(MetricsReportSchema.parse(report)) },
      { file: OUTPUT_FILES.goldenChanges, data: changesText },
      { file: OUTPUT_FILES.goldenChange, data: jsonText(GoldenChangeSchema.parse(full)) },
    ]);
    return { report, change: full, paths };
  };
  if (out === undefined) return work();
  const inputs = [
    { path: options.dataset, what: 'dataset' },
    { path: options.previous, what: 'previous golden version' },
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
    ...options.predictions.flatMap(predictionFiles).map((path) => ({ path, what: 'predictions file' })),
  ];
  return withOutputFolder(
    out,
    'modeval eval',
    { outputs: [OUTPUT_FILES.metrics, OUTPUT_FILES.goldenChange, OUTPUT_FILES.goldenChanges], inputs },
    work,
  );
}
