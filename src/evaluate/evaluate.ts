import {
  METRICS_SCHEMA_VERSION,
  type MetricsReport,
  MetricsReportSchema,
  type ModelMetrics,
} from '../contracts/metrics-report.js';
import { withOutputFolder } from '../io/guard.js';
import { OUTPUT_FILES, writeJsonOutput } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { BadInputError } from '../util/errors.js';
import { harnessVersion } from '../util/version.js';
import { annotatorAgreement } from './annotator-agreement.js';
import { calibration } from './calibration-metrics.js';
import type { EvalSet, ModelColumns } from './eval-set.js';
import { goldenRowsBeside } from './golden-rows.js';
import { headline } from './headline.js';
import { identityBias } from './identity-bias.js';
import { loadEvalSet } from './join.js';
import {
  type EvaluateOptions,
  type MetricOptions,
  metricDefinitions,
  type ResolvedMetricOptions,
  resolveMetricOptions,
} from './options.js';
import { labelRanking, rankedLabels } from './ranking-metrics.js';
import { sliceReports } from './slice-metrics.js';

function modelMetrics(set: EvalSet, m: ModelColumns, r: ResolvedMetricOptions): ModelMetrics {
  const overall = headline(set, m, null, r);
  return {
    model: {
      name: m.meta.model.name,
      version: m.meta.model.version,
      sha256: m.meta.model.sha256,
      task: m.meta.model.task,
      predictionsFile: m.file,
      datasetFingerprint: m.meta.dataset.fingerprint,
    },
    join: {
      predictionRows: m.rows,
      missing: m.missing,
      unknown: m.unknown,
      unlabelled: m.unlabelled,
      rejected: m.rejected,
    },
    overall: overall.headline,
    perClass: overall.perClass,
    classification: overall.report,
    ranking: set.n === 0 ? [] : rankedLabels(set, m).map((j) => labelRanking(set, m, j, r)),
    calibration: calibration(set, m, r),
    slices: sliceReports(set, m, r),
    bias: identityBias(set, m),
  };
}

/** Every metric of every model in an evaluation set (pure: same set and options, same report). */
export function computeMetrics(set: EvalSet, options: MetricOptions = {}): MetricsReport {
  const r = resolveMetricOptions(options, set.n, rankedLabels(set, {}).length);
  return {
    schemaVersion: METRICS_SCHEMA_VERSION,
    kind: 'modeval.metrics',
    harness: { name: 'modeval', version: harnessVersion() },
    dataset: {
      file: set.dataset.file,
      fingerprint: set.dataset.fingerprint,
      spec: set.dataset.specOrigin,
      rows: set.counts.datasetRows,
      rejected: set.counts.rejected,
      unlabelled: set.counts.unlabelled,
      labelled: set.counts.labelled,
      evaluated: set.n,
      droppedMissingPrediction: set.counts.droppedMissingPrediction,
    },
    task: set.task,
    labels: [...set.labels],
    positive: set.positive,
    definitions: metricDefinitions(r),
    models: set.models.map((m) => modelMetrics(set, m, r)),
    agreement: annotatorAgreement(set),
    warnings: [...set.warnings],
  };
}

/** Validate against the schema and write `<dir>/metrics.json` atomically; returns the path. */
export async function writeMetrics(report: MetricsReport, dir: string): Promise<string> {
  return writeJsonOutput(OUTPUT_FILES.metrics, dir, MetricsReportSchema.parse(report));
}

/** Load, join, compute and (with `out`) write: the library form of `modeval eval`. */
export async function evaluate(options: EvaluateOptions): Promise<{ report: MetricsReport; path?: string }> {
  // Options are checked before any file is read, so a bad flag fails fast.
  resolveMetricOptions(options);
  const { out } = options;
  if (out === undefined) return { report: await evaluationReport(options) };
  const inputs = [
    { path: options.dataset, what: 'dataset' },
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
    ...options.predictions.flatMap(predictionFiles).map((path) => ({ path, what: 'predictions file' })),
  ];
  const golden = goldenRowsBeside(options, out, 'eval');
  const outputs = [OUTPUT_FILES.metrics, ...golden.outputs];
  return withOutputFolder(out, 'modeval eval', { outputs, inputs }, async () => {
    const report = await evaluationReport({ ...options, ...golden.rule });
    return { report, path: await writeMetrics(report, out) };
  });
}

async function evaluationReport(options: EvaluateOptions): Promise<MetricsReport> {
  const set = await loadEvalSet(options);
  if (set.n === 0) {
    const hint = set.models
      .filter((m) => m.unknown.count > 0)
      .map(
        (m) =>
          `${m.unknown.count} ids of ${m.file} are not in the dataset (e.g. ${JSON.stringify(m.unknown.examples[0])})`,
      )
      .join('; ');
    throw new BadInputError(
      `no labelled row has a prediction from every model: nothing to evaluate${hint ? `; ${hint}` : ''}`,
      { file: options.dataset },
    );
  }
  return computeMetrics(set, options);
}
