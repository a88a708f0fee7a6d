import { oneLabelHas, oneLabelOf, oneLabelValue, SINGLE_LABEL_METRICS } from './single-label.js';
import type { TaskView } from './task.js';

/** Multiclass: one of K labels per item, decided by argmax; no label is singled out. */
export const multiclassView: TaskView = {
  task: 'multiclass',
  multiLabel: false,
  policies: false,
  defaultActivation: 'softmax',
  oneScoreSuffices: false,
  // Bias AUCs apply when the dataset declares a positive label (the caller checks it has one).
  metrics: { ...SINGLE_LABEL_METRICS, positiveClass: false, identityBias: true },
  labelCount: { min: 2, max: Number.POSITIVE_INFINITY },
  checkLabels(card, issue) {
    if (card.positive !== undefined) {
      issue(['positive'], 'only binary models have a positive label (task is multiclass)');
    }
    if (card.labels.length < 2) issue(['labels'], 'multiclass needs 2+ labels');
  },
  thresholdIssue: () => 'multiclass decides by argmax',
  activationIssue: () => undefined,
  positiveOf: (_labels, positive) => positive ?? null,
  positiveClass: () => undefined,
  decisionRule: () => ({ kind: 'argmax' }),
  goldenHas: oneLabelHas,
  labelsOf: oneLabelOf,
  valueOf: oneLabelValue,
};
