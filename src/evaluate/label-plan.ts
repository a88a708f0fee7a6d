import type { Dataset } from '../dataset/open.js';
import type { PredictionsSource } from '../run/predictions.js';
import { evaluationTask, taskView } from '../task/index.js';
import { BadInputError, quotedList } from '../util/errors.js';
import { sameStringSet } from '../util/sets.js';
import type { EvalTask } from './eval-set.js';

/**
 * The label plan: which labels the set is evaluated over (the spec's, else the models'), in which
 * order, which one is positive, and so which task it is. Every model must agree with it.
 */

/** A short quoted list of labels for error messages (the first ten, and how many in all). */
export const labelList = (xs: readonly string[]) => `[${quotedList(xs)}]`;

/** How two label sets differ, bounded: the first few names missing on each side and the counts. */
function labelDifference(model: readonly string[], expected: readonly string[], other: string): string {
  const inModel = new Set(model);
  const inExpected = new Set(expected);
  const missing = expected.filter((l) => !inModel.has(l));
  const extra = model.filter((l) => !inExpected.has(l));
  const parts = [];
  if (missing.length > 0)
    parts.push(`${missing.length} of the ${other}'s labels are not the model's: ${labelList(missing)}`);
  if (extra.length > 0)
    parts.push(`${extra.length} of the model's labels are not the ${other}'s: ${labelList(extra)}`);
  return `the model's labels differ from the ${other}'s (${model.length} vs ${expected.length}): ${parts.join('; ')}`;
}

export interface LabelPlan {
  task: EvalTask;
  labels: string[];
  labelsSource: 'spec' | 'models';
  positive: string | null;
}

export function planLabels(
  ds: Dataset,
  sources: readonly PredictionsSource[],
  observed: Set<string>,
): LabelPlan {
  const spec = ds.spec;
  const first = sources[0]!.meta.model;
  const labels = spec.labels ? [...spec.labels] : [...first.labels];
  const labelsSource = spec.labels ? 'spec' : 'models';
  if (!spec.labels) {
    // Undeclared: the golden labels must all be scored by the model.
    const unknown = [...observed].filter((l) => !labels.includes(l)).sort();
    if (unknown.length > 0) {
      throw new BadInputError(
        `golden labels ${labelList(unknown)} are not among the model's labels ${labelList(first.labels)}; declare the label set in the dataset spec or evaluate a model that scores them`,
        { file: sources[0]!.path, field: 'labels' },
      );
    }
  }
  for (const src of sources) {
    const m = src.meta.model;
    if (spec.multilabel && spec.labels) {
      // A multi-policy model may score a subset of the declared policies; the rest are "not scored".
      const unknown = m.labels.filter((l) => !labels.includes(l));
      if (unknown.length > 0) {
        throw new BadInputError(
          `the model scores ${labelList(unknown)}, which ${unknown.length === 1 ? 'is not a policy' : 'are not policies'} of the dataset spec ${labelList(labels)}`,
          { file: src.path, field: 'model.labels' },
        );
      }
    } else if (!sameStringSet(m.labels, labels)) {
      throw new BadInputError(
        labelDifference(m.labels, labels, labelsSource === 'spec' ? 'dataset spec' : 'first model'),
        { file: src.path, field: 'labels' },
      );
    }
    if (taskView(m.task).multiLabel !== spec.multilabel) {
      throw new BadInputError(
        `the model's task is ${m.task} but the dataset's golden label is ${spec.multilabel ? 'multilabel (a list)' : 'single-label'}`,
        { file: src.path, field: 'task' },
      );
    }
  }
  let positive = spec.positive ?? null;
  if (positive === null) {
    const declared = [
      ...new Set(sources.map((s) => s.meta.model.positive).filter((p): p is string => p !== null)),
    ];
    if (declared.length > 1) {
      throw new BadInputError(
        `models declare different positive labels ${labelList(declared)}; set "positive" in the dataset spec`,
        {
          file: sources[1]!.path,
          field: 'positive',
        },
      );
    }
    positive = declared[0] ?? null;
  }
  if (positive !== null && !labels.includes(positive)) {
    throw new BadInputError(
      `positive label ${JSON.stringify(positive)} is not among the labels ${labelList(labels)}`,
      {
        file: ds.source.path,
        field: 'positive',
      },
    );
  }
  const task: EvalTask = evaluationTask({ multiLabel: spec.multilabel, labels, positive });
  return { task, labels, labelsSource, positive };
}
