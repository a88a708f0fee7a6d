import { oneLabelHas, oneLabelOf, oneLabelValue, SINGLE_LABEL_METRICS } from './single-label.js';
import type { TaskView } from './task.js';

/** Binary: two labels, one of them positive; decided by a threshold on the positive label's score. */
export const binaryView: TaskView = {
  task: 'binary',
  multiLabel: false,
  policies: false,
  defaultActivation: 'softmax',
  oneScoreSuffices: true,
  metrics: { ...SINGLE_LABEL_METRICS, positiveClass: true, identityBias: true },
  labelCount: { min: 2, max: 2 },
  checkLabels(card, issue) {
    if (card.labels.length !== 2) issue(['labels'], `a binary model has 2 labels, got ${card.labels.length}`);
    if (card.positive === undefined) issue(['positive'], 'a binary model names its positive label');
    else if (!card.labels.includes(card.positive)) {
      issue(
        ['positive'],
        `${JSON.stringify(card.positive)} is not one of labels ${JSON.stringify(card.labels)}`,
      );
    }
  },
  thresholdIssue: (card, label) =>
    label === card.positive ? undefined : 'a binary model thresholds only its positive label',
  activationIssue: () => undefined,
  positiveOf: (labels, positive) => positive ?? labels[1] ?? null,
  positiveClass(labels, positive) {
    const j = positive === null || positive === undefined ? -1 : labels.indexOf(positive);
    return j < 0 ? undefined : j;
  },
  decisionRule(labels, positive, threshold) {
    const p = binaryView.positiveOf(labels, positive);
    if (p === null) return { kind: 'argmax' };
    return { kind: 'positive-threshold', positiveIndex: labels.indexOf(p), threshold: threshold(p) };
  },
  goldenHas: oneLabelHas,
  labelsOf: oneLabelOf,
  valueOf: oneLabelValue,
};
