import type { ClustersReport } from '../contracts/clusters-report.js';
import type { Comparison, GateReport } from '../contracts/gate-report.js';
import type { MetricsReport, ModelMetrics } from '../contracts/metrics-report.js';
import type { PredictionsMeta, RunFile } from '../contracts/predictions.js';
import type { ReviewImportSummary } from '../contracts/review-import.js';
import type { ScoreHistogram } from './scores.js';
import type { Thumbnail } from './thumbnails.js';

/** What `modeval report` renders: every folder's stage outputs, loaded (load.ts) and completed (recompute.ts). */

export interface ModelEntry {
  /** The folder it came from. */
  dir: string;
  metricsFile: string;
  /** The whole metrics.json (dataset, definitions, agreement, warnings). */
  report: MetricsReport;
  model: ModelMetrics;
  run: RunFile | null;
  /** Provenance from run.json, or from the predictions file's schema metadata. */
  meta: PredictionsMeta | null;
  clusters: ClustersReport | null;
  /** Binned scores joined to the golden labels (null when the predictions or dataset are gone). */
  scores: ScoreHistogram | null;
}

export interface ComparisonEntry {
  /** Where it came from: a file, or "computed" when the report paired two models itself. */
  source: string;
  comparison: Comparison;
  gate: GateReport | null;
}

export interface ReviewEntry {
  file: string;
  summary: ReviewImportSummary;
}

export interface ReportInputs {
  models: ModelEntry[];
  comparison: ComparisonEntry | null;
  /** `*.review.json` summaries of `modeval review import` (a relabelled golden version). */
  reviews: ReviewEntry[];
  /** Thumbnails by item id (flipped items of an image dataset), blurred where they may be unsafe. */
  thumbnails: Map<string, Thumbnail>;
  /** Texts by item id (flipped items, from the golden set's first text column when it is the compared file). */
  itemTexts?: Map<string, string>;
  warnings: string[];
}
