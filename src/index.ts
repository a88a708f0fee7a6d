/**
 * modeval's typed library API: everything the CLI does is callable from code.
 *
 * @example
 * ```ts
 * import { runModel, evaluate } from 'modeval';
 * const run = await runModel({ model: 'models/spam-v1', dataset: 'golden.arrow', out: 'out/v1' });
 * const { report } = await evaluate({ dataset: 'golden.arrow', predictions: [run.predictions!], out: 'out/v1' });
 * console.log(report.models[0].overall.accuracy);
 * ```
 */

// Root-cause analysis, review loop and reports.
export { type ClusterOptions, ClusterOptionsSchema, clustersFor } from './analysis/clusters.js';
export { findLabelIssues } from './analysis/label-issues.js';
export { type ClustersReport, ClustersReportSchema } from './contracts/clusters-report.js';
export { type LabelersReport, LabelersReportSchema } from './contracts/labelers-report.js';
export { type MetricsReport, MetricsReportSchema } from './contracts/metrics-report.js';
export {
  type PlanOptions,
  PlanOptionsSchema,
  type PlanReport,
  PlanReportSchema,
} from './contracts/plan-report.js';
export { PredictionsMeta, RunSummary } from './contracts/predictions.js';
export { type ReviewImportSummary, ReviewImportSummarySchema } from './contracts/review-import.js';
// Datasets: reading, validation, specs, conversion, the contract of the built-in dataset builders.
export { type ArrowFormat, type ArrowSource, openArrow } from './dataset/arrow-reader.js';
export { type ArrowWriter, openArrowWriter } from './dataset/arrow-writer.js';
export {
  type BuiltinDataset,
  type BuiltinDatasetBuild,
  type BuiltinDatasets,
  type DataBuildOptions,
  DataBuildOptionsSchema,
} from './dataset/builtin.js';
export { type ConvertOptions, convertToArrow } from './dataset/convert.js';
export { InspectReport, inspectDataset } from './dataset/inspect.js';
export { type Dataset, type OpenDatasetOptions, openDataset } from './dataset/open.js';
export { DatasetSpec, type ResolvedSpec, resolveSpec } from './dataset/spec.js';
export { parseTaxonomy, Taxonomy, TaxonomySchema } from './dataset/taxonomy.js';
export { DatasetScan, OnInvalid, type ValidatedBatch, ValidationSummary } from './dataset/validate.js';
export type { EvalSet } from './evaluate/eval-set.js';
// Evaluation, comparison and release gates.
export { computeMetrics, evaluate } from './evaluate/evaluate.js';
export { loadEvalSet } from './evaluate/join.js';
export {
  type EvaluateOptions,
  EvaluateOptionsSchema,
  type MetricOptions,
  MetricOptionsSchema,
} from './evaluate/options.js';
export * as gate from './gate/index.js';
export { predictionFiles } from './io/prediction-files.js';
// Labelling QA: the annotators measured.
export { labelers } from './labelers/labelers.js';
export { labelersMarkdown } from './labelers/markdown.js';
export { type LabelersOptions, LabelersOptionsSchema } from './labelers/options.js';
export * as metrics from './metrics/index.js';
// Models: cards, sessions, predictors.
export { loadModelCard, type ModelCard, ModelCardSchema } from './model/card.js';
export { createPredictor, type Predictor, type PredictorOptions } from './model/predictor.js';
export { plan, planFromMetrics, planFromPrevalence } from './plan/plan.js';
export { type ReportOptions, ReportOptionsSchema } from './report/options.js';
export { writeReport } from './report/report.js';
export { exportReview } from './review/export.js';
export { type ReviewExportOptions, ReviewExportOptionsSchema } from './review/export-options.js';
export { importReview, type ReviewImportOptions, ReviewImportOptionsSchema } from './review/import.js';
// Running models and predictions files.
export { type ImportOptions, ImportOptionsSchema, importPredictions } from './run/import.js';
export { type MergeOptions, MergeOptionsSchema, type MergeSummary, mergePredictions } from './run/merge.js';
export { openPredictions, type PredictionsSource } from './run/predictions.js';
export { type RunOptions, type RunOptionsInput, RunOptionsSchema, runModel } from './run/run.js';
export { parseShard, type ShardSpec, ShardSpecSchema } from './run/shard.js';
export { BadInputError, ExitCode, GateFailedError, RunFailedError } from './util/errors.js';
