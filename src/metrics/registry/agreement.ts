import { singleLabelMetric } from './declaration.js';

/** Chance-corrected agreement between model and golden labels (single-label tasks). */

export const cohenKappa = singleLabelMetric({
  key: 'cohenKappa',
  scope: 'overall',
  rule: { name: 'kappa', order: 100 },
  label: "Cohen's kappa",
  description: "Cohen's kappa between model and golden labels",
  range: [-1, 1],
  direction: 'higher',
  places: { terminal: 110, report: 110, compare: 80 },
  interval: { method: 'bootstrap', restsOn: (_r, _j, s) => s.smallestPresent },
  value: (r) => r.cohenKappa,
});

export const matthews = singleLabelMetric({
  key: 'matthews',
  scope: 'overall',
  rule: { name: 'mcc', order: 90 },
  label: 'MCC',
  description: 'Matthews correlation (multiclass R_K)',
  range: [-1, 1],
  direction: 'higher',
  places: { terminal: 120, report: 120, compare: 70 },
  interval: { method: 'bootstrap', restsOn: (_r, _j, s) => s.smallestPresent },
  value: (r) => r.matthews,
});
