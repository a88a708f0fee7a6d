import { anyTaskMetric } from './declaration.js';

/**
 * One-vs-rest ratios of one class (`c<j>.<key>` intervals): every class in `perClass`, the
 * positive class of a binary task in the headline. Precision, recall, FPR and FNR are proportions
 * of items; F1 is not, and rests on the class's true and predicted items.
 */

export const precision = anyTaskMetric({
  key: 'precision',
  scope: 'class',
  rule: { name: 'precision', order: 140 },
  label: 'precision',
  description: 'TP / (TP + FP) of the class',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 10, report: 101, compare: 10 },
  interval: {
    method: 'proportion',
    counts: (r, j) => [r.perClass[j]!.tp, r.perClass[j]!.tp + r.perClass[j]!.fp],
  },
  value: (r, j) => r.perClass[j]!.precision,
});

export const recall = anyTaskMetric({
  key: 'recall',
  scope: 'class',
  rule: { name: 'recall', order: 150 },
  label: 'recall',
  description: 'TP / (TP + FN) of the class',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 20, report: 102, compare: 20 },
  interval: {
    method: 'proportion',
    counts: (r, j) => [r.perClass[j]!.tp, r.perClass[j]!.tp + r.perClass[j]!.fn],
  },
  value: (r, j) => r.perClass[j]!.recall,
});

export const f1 = anyTaskMetric({
  key: 'f1',
  scope: 'class',
  rule: { name: 'f1', order: 160 },
  label: 'F1',
  description: '2TP / (2TP + FP + FN) of the class',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 30, report: 103, compare: 30 },
  interval: {
    method: 'bootstrap',
    restsOn: (r, j) => r.perClass[j]!.tp + r.perClass[j]!.fp + r.perClass[j]!.fn,
    // With no golden item of the class every flag is a false alarm: F1 is 0 by construction,
    // not a measurement (precision and FPR say how often it is flagged).
    undefinedWhen: (r, j, iv) =>
      r.perClass[j]!.support === 0 && iv.estimate !== null
        ? `no golden ${r.perClass[j]!.label} items here: F1 could only be 0 (its precision and FPR say how often it is flagged)`
        : null,
  },
  value: (r, j) => r.perClass[j]!.f1,
});

export const fpr = anyTaskMetric({
  key: 'fpr',
  scope: 'class',
  rule: { name: 'fpr', order: 170 },
  label: 'FPR',
  description: 'FP / (FP + TN): items of other classes predicted as the class',
  range: [0, 1],
  direction: 'lower',
  places: { terminal: 40, report: 104, compare: 40 },
  interval: {
    method: 'proportion',
    counts: (r, j) => [r.perClass[j]!.fp, r.perClass[j]!.fp + r.perClass[j]!.tn],
  },
  value: (r, j) => r.perClass[j]!.fpr,
});

export const fnr = anyTaskMetric({
  key: 'fnr',
  scope: 'class',
  rule: { name: 'fnr', order: 180 },
  label: 'FNR',
  description: 'FN / (TP + FN): items of the class predicted as another',
  range: [0, 1],
  direction: 'lower',
  places: { terminal: 50, compare: 50 },
  interval: {
    method: 'proportion',
    counts: (r, j) => [r.perClass[j]!.fn, r.perClass[j]!.tp + r.perClass[j]!.fn],
  },
  value: (r, j) => r.perClass[j]!.fnr,
});
