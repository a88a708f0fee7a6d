import type { TaskView } from './task.js';

/**
 * Multilabel ("multi-policy"): a set of policies per item, each decided by its own threshold.
 * A model may score a subset of the declared policies; a taxonomy closes labels upward
 * (policy-views.ts), and comparisons and gates run one binary view per policy.
 */
export const multilabelView: TaskView = {
  task: 'multilabel',
  multiLabel: true,
  policies: true,
  defaultActivation: 'sigmoid',
  oneScoreSuffices: false,
  metrics: {
    positiveClass: false,
    labelSets: true,
    confusion: false,
    agreement: false,
    identityBias: false,
    comparison: 'per-policy',
  },
  labelCount: { min: 1, max: Number.POSITIVE_INFINITY },
  checkLabels(card, issue) {
    if (card.positive !== undefined) {
      issue(['positive'], 'only binary models have a positive label (task is multilabel)');
    }
  },
  thresholdIssue: () => undefined,
  activationIssue: (activation) =>
    activation === 'softmax' ? 'multilabel scores are independent: use sigmoid, not softmax' : undefined,
  positiveOf: (_labels, positive) => positive ?? null,
  positiveClass: () => undefined,
  decisionRule: (labels, _positive, threshold) => ({
    kind: 'per-label-threshold',
    thresholds: Float32Array.from(labels, threshold),
  }),
  goldenHas(golden, j) {
    const flags = golden.truthFlags;
    const k = golden.labels.length;
    return (i) => flags[i * k + j] === 1;
  },
  // A multilabel task's values are label lists by construction (the view is chosen from the task).
  labelsOf: (value) => value as readonly string[],
  valueOf: (labels) => labels,
};
