import { scoreMetric } from './declaration.js';

/**
 * Metrics of the scores rather than the confusion counts: computed by the ranking and calibration
 * sections (evaluate/ranking-metrics.ts, calibration-metrics.ts), reported as a value with its
 * reason and its bootstrap interval.
 */

export const rocAuc = scoreMetric({
  key: 'rocAuc',
  scope: 'overall',
  rule: { name: 'roc_auc', order: 120 },
  label: 'ROC-AUC',
  description:
    'ROC-AUC over all scores, tied scores counting one half (Mann-Whitney); null with a reason when a class is missing',
  macroDescription: 'unweighted mean of one-vs-rest ROC-AUC (and AP) over labels with both classes present',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 130, report: 130 },
  interval: { method: 'bootstrap', widenOn: 'smaller-class' },
});

export const averagePrecision = scoreMetric({
  key: 'averagePrecision',
  scope: 'overall',
  rule: { name: 'average_precision', order: 130 },
  label: 'average precision',
  description: 'step sum over distinct thresholds of (R_i − R_{i−1})·P_i (no interpolation)',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 140, report: 140 },
  interval: { method: 'bootstrap', widenOn: 'positives' },
});

/** Positive-class ECE (binary) or top-label ECE (multiclass). */
export const ece = scoreMetric({
  key: 'ece',
  scope: 'overall',
  rule: null,
  label: 'ECE',
  description:
    'expected calibration error: sum over bins of (count/n)·|accuracy − mean confidence|; biased upward at small n (a calibrated model scores above 0), its interval the spread of that estimate',
  range: [0, 1],
  direction: 'lower',
  tasks: ['binary', 'multiclass'],
  places: { terminal: 150, report: 150 },
  interval: { method: 'bootstrap', widenOn: 'all-items' },
  qualifiedLabel: (positive) => (positive ? `ECE (${positive})` : 'top-label ECE'),
});
