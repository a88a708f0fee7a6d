import type { Interval } from '../contracts/metric-results.js';
import type { Headline } from '../contracts/metrics-report.js';

/** The headline metrics, in the order both the HTML summary and the Markdown table show them. */
export interface HeadlineRow {
  name: string;
  get: (h: Headline) => Interval | null | undefined;
}

export const HEADLINES: HeadlineRow[] = [
  { name: 'accuracy', get: (h) => h.accuracy },
  { name: 'balanced accuracy', get: (h) => h.balancedAccuracy },
  { name: 'subset accuracy', get: (h) => h.subsetAccuracy },
  { name: 'samples F1', get: (h) => h.samples?.f1 },
  { name: 'macro F1', get: (h) => h.macro.f1 },
  { name: 'weighted F1', get: (h) => h.weighted.f1 },
  { name: 'positive precision', get: (h) => h.positive?.precision },
  { name: 'positive recall', get: (h) => h.positive?.recall },
  { name: 'positive F1', get: (h) => h.positive?.f1 },
  { name: 'positive FPR', get: (h) => h.positive?.fpr },
  { name: "Cohen's kappa", get: (h) => h.cohenKappa },
  { name: 'MCC', get: (h) => h.matthews },
  { name: 'ROC-AUC', get: (h) => h.rocAuc.interval ?? scalar(h.rocAuc.value) },
  { name: 'average precision', get: (h) => h.averagePrecision.interval ?? scalar(h.averagePrecision.value) },
  { name: 'ECE', get: (h) => (h.ece ? (h.ece.interval ?? scalar(h.ece.value)) : undefined) },
];

function scalar(value: number | null): Interval | null {
  if (value === null) return null;
  return {
    estimate: value,
    low: null,
    high: null,
    level: 0.95,
    method: 'percentile-bootstrap',
    resamples: 0,
    undefinedResamples: 0,
    seed: null,
  };
}
