import { keyedRecord } from '../util/keyed.js';
import type { TaskView } from './task.js';

/**
 * The thresholds a task's decision rule actually applies, per label: the labels the view asks a
 * threshold for (binary: the positive label; multilabel: every label; argmax: none), with the
 * value it gets. Recorded in predictions metadata, so that a card or flag that moves a threshold
 * shows in the provenance and not only in the decisions.
 */
export function appliedThresholds(
  view: TaskView,
  labels: readonly string[],
  positive: string | null | undefined,
  threshold: (label: string) => number,
): Record<string, number> {
  const applied = keyedRecord<number>();
  view.decisionRule(labels, positive, (label) => {
    const t = threshold(label);
    applied[label] = t;
    return t;
  });
  return applied;
}
