import { singleLabelMetric } from './declaration.js';

/** Accuracy and balanced accuracy of single-label tasks. */

/** Correct items over all items: a proportion of items. */
export const accuracy = singleLabelMetric({
  key: 'accuracy',
  scope: 'overall',
  rule: { name: 'accuracy', order: 10 },
  label: 'accuracy',
  description: 'fraction of items predicted as their golden label',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 10, report: 10, compare: 10 },
  interval: {
    method: 'proportion',
    counts: (r) => [r.perClass.reduce((s, c) => s + c.tp, 0), r.n],
  },
  value: (r) => r.accuracy,
});

export const balancedAccuracy = singleLabelMetric({
  key: 'balancedAccuracy',
  scope: 'overall',
  rule: { name: 'balanced_accuracy', order: 30 },
  label: 'balanced accuracy',
  description: 'mean recall over classes present in the golden labels',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 20, report: 20, compare: 20 },
  interval: { method: 'bootstrap', restsOn: (_r, _j, s) => s.smallestPresent },
  value: (r) => r.balancedAccuracy,
});
