import { discoverSpecFile, specCandidates } from '../dataset/open.js';
import { type DatasetSpec, loadDatasetSpec } from '../dataset/spec.js';
import type { TaskView } from '../task/index.js';
import { BadInputError, quotedList } from '../util/errors.js';

/**
 * The label declaration of a single-label import (binary, multiclass): the options' labels and
 * positive, else the dataset spec's, so a log imported beside a golden set needs neither flag; and
 * the decision map (a log's values such as `remove`/`allow` → the dataset's labels).
 */

/** What this part of the import options holds (import.ts validates their shapes). */
export interface SingleLabelOptions {
  dataset: string;
  spec?: string | undefined;
  task: string;
  labels?: readonly string[] | undefined;
  positive?: string | undefined;
  scoreColumns: Readonly<Record<string, string>>;
  decisionColumn?: string | undefined;
  categoryMap: Readonly<Record<string, string | null>>;
  thresholds: Readonly<Record<string, number>>;
}

export interface SingleLabelPlan {
  labels: string[];
  positive: string | null;
  /** Log value → label; a value not in the map is taken as the label it names, if it is one. */
  decisionMap: ReadonlyMap<string, string>;
}

async function specOf(o: SingleLabelOptions): Promise<{ file?: string; spec?: DatasetSpec }> {
  const file = o.spec ?? discoverSpecFile(o.dataset);
  return file === undefined ? {} : { file, spec: await loadDatasetSpec(file) };
}

/** Why there are no labels, naming the spec file read or the files looked for. */
function noLabels(file: string | undefined, dataset: string): BadInputError {
  const where =
    file === undefined
      ? `no spec found beside the dataset (looked for ${specCandidates(dataset).join(', ')})`
      : `the spec ${file} declares no labels`;
  return new BadInputError(
    `give the ordered labels, or declare "labels" (and "positive") in the dataset spec: ${where}`,
    { field: 'labels' },
  );
}

export async function planSingleLabelImport(o: SingleLabelOptions, view: TaskView): Promise<SingleLabelPlan> {
  const { file, spec } = await specOf(o);
  const labels = [...(o.labels ?? spec?.labels ?? [])];
  if (labels.length === 0) throw noLabels(file, o.dataset);
  checkLabels(o, labels, view, file);
  // The spec's positive counts only where the task reports a positive class and it is a label here;
  // otherwise the view's default (binary: the second label) as before.
  const specPositive =
    spec?.positive !== undefined && view.positiveClass(labels, spec.positive) !== undefined
      ? spec.positive
      : undefined;
  const positive = view.positiveOf(labels, o.positive ?? specPositive);
  return { labels, positive, decisionMap: decisionMapOf(o, labels) };
}

function checkLabels(o: SingleLabelOptions, labels: readonly string[], view: TaskView, file?: string): void {
  const from = o.labels === undefined && file !== undefined ? ` (from ${file})` : '';
  const shown = `[${quotedList(labels)}]`;
  const count = view.labelCount;
  if (labels.length < Math.max(2, count.min) || labels.length > count.max) {
    const want = count.min === count.max ? `exactly ${count.min}` : `at least ${Math.max(2, count.min)}`;
    throw new BadInputError(`a ${o.task} task has ${want} labels, got ${labels.length}: ${shown}${from}`, {
      field: 'labels',
    });
  }
  if (new Set(labels).size !== labels.length) {
    throw new BadInputError(`labels must be unique: ${shown}`, { field: 'labels' });
  }
  if (Object.keys(o.scoreColumns).length === 0 && !o.decisionColumn) {
    throw new BadInputError('give score columns, a decision column, or both', { field: 'scoreColumns' });
  }
  for (const key of ['scoreColumns', 'thresholds'] as const) {
    for (const label of Object.keys(o[key])) {
      if (!labels.includes(label)) {
        throw new BadInputError(`${JSON.stringify(label)} is not one of labels ${shown}${from}`, {
          field: `${key}.${label}`,
        });
      }
    }
  }
  if (o.positive !== undefined && !labels.includes(o.positive)) {
    throw new BadInputError(`${JSON.stringify(o.positive)} is not one of labels ${shown}${from}`, {
      field: 'positive',
    });
  }
}

/** The map checked against the labels: each value names a label; ignoring a decision is refused. */
function decisionMapOf(o: SingleLabelOptions, labels: readonly string[]): Map<string, string> {
  const known = new Set(labels);
  const map = new Map<string, string>();
  for (const name of Object.keys(o.categoryMap)) {
    const label = o.categoryMap[name]!;
    const field = `categoryMap.${name}`;
    if (label === null) {
      throw new BadInputError(
        'a single-label log cannot ignore a decision (ignoring names is for multilabel logs); map it to a label',
        { field },
      );
    }
    if (!known.has(label)) {
      throw new BadInputError(`${JSON.stringify(label)} is not one of labels [${quotedList(labels)}]`, {
        field,
      });
    }
    map.set(name, label);
  }
  return map;
}

/** A decision value that is neither mapped nor a label: the message names both remedies. */
export function unmappedDecision(value: string | null, plan: SingleLabelPlan): string {
  const mapped = [...plan.decisionMap.keys()].sort();
  const map =
    mapped.length > 0
      ? `the decision map (--map value=label) has ${quotedList(mapped)}`
      : 'map log values to labels with --map value=label';
  return `decision ${JSON.stringify(value)} is not one of labels [${quotedList(plan.labels)}]; ${map}`;
}
