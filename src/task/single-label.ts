import type { GoldenColumns, LabelValue } from './task.js';

/** What binary and multiclass share: one label per item. */

/** The labels of a single-label value: the one label. */
export function oneLabelOf(value: LabelValue): readonly string[] {
  // A single-label task's values are labels by construction (the view is chosen from the task).
  return [value as string];
}

/** A single-label value from its labels: the first (and only) one. */
export function oneLabelValue(labels: readonly string[]): LabelValue {
  const [label] = labels;
  if (label === undefined || labels.length !== 1) {
    throw new Error(`a single-label item has one label, got ${labels.length}`);
  }
  return label;
}

/** Item i has label j when its one golden label is j. */
export function oneLabelHas(golden: GoldenColumns, j: number): (i: number) => boolean {
  const truth = golden.truth;
  return (i) => truth[i] === j;
}

/** Single-label tasks compare two models as one paired set and count a confusion matrix. */
export const SINGLE_LABEL_METRICS = {
  labelSets: false,
  confusion: true,
  agreement: true,
  comparison: 'paired-set',
} as const;
