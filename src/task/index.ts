import { binaryView } from './binary.js';
import { multiclassView } from './multiclass.js';
import { multilabelView } from './multilabel.js';
import type { Task, TaskView } from './task.js';

/**
 * The task view: everything that differs between binary, multiclass and multilabel tasks, in one
 * place. How to use it:
 *
 *   const view = taskView(card.task);            // or taskViewOf(set) for an EvalSet / report
 *   view.decisionRule(labels, positive, thr)     // argmax, positive threshold or per-label thresholds
 *   view.multiLabel                              // golden/predicted as a label list (flags) or one label (index)
 *   view.labelsOf(value) / view.valueOf(labels)  // one item's value <-> its labels, without sniffing its shape
 *   view.goldenHas(set, j)(i)                    // is item i golden-positive for label j (index or flags)
 *   view.positiveClass(labels, positive)         // the class reported on its own (binary), else undefined
 *   view.metrics.comparison                      // 'paired-set' or 'per-policy' (policyBinaryViews)
 *
 * Stages never compare a task with a name (`task === 'multilabel'`) or guess it from a value's
 * shape (`typeof golden === 'string'`, `Array.isArray(label)`): they ask the view
 * (test/architecture/task-branches.test.ts). A new task kind is one more implementation here.
 * The evaluation's task is derived from the dataset's declaration by `evaluationTask`.
 *
 * This folder imports only util and dataset (the taxonomy); every stage may import it.
 */

export { appliedThresholds } from './applied-thresholds.js';
export { binaryView } from './binary.js';
export { multiclassView } from './multiclass.js';
export { multilabelView } from './multilabel.js';
export {
  closedPredictions,
  closedTruth,
  expandPolicyPattern,
  notPolicy,
  type PolicyBinaryView,
  type PolicyColumns,
  type PolicyModelColumns,
  type PolicySide,
  policyBinaryViews,
  rollupOf,
} from './policy-views.js';
export {
  ActivationSchema,
  DEFAULT_THRESHOLD,
  type DecisionRule,
  type DefaultActivation,
  type GoldenColumns,
  type IssueAt,
  type LabelDeclaration,
  type LabelValue,
  type MetricFamilies,
  MetricFamiliesSchema,
  type Task,
  TaskSchema,
  type TaskView,
} from './task.js';

/** The one place a task kind picks its implementation. */
const VIEWS: ReadonlyMap<Task, TaskView> = new Map<Task, TaskView>([
  ['binary', binaryView],
  ['multiclass', multiclassView],
  ['multilabel', multilabelView],
]);

/** The view of a task kind. */
export function taskView(task: Task): TaskView {
  const view = VIEWS.get(task);
  if (view === undefined) throw new Error(`unknown task ${JSON.stringify(task)}`);
  return view;
}

/** The view of anything that declares its task: an EvalSet, a metrics report, a model card, a plan. */
export function taskViewOf(declared: { readonly task: Task }): TaskView {
  return taskView(declared.task);
}

/**
 * The task an evaluation runs: multilabel when the golden label is a list of labels, binary when
 * there are two labels and one is positive, multiclass otherwise.
 */
export function evaluationTask(golden: {
  readonly multiLabel: boolean;
  readonly labels: readonly string[];
  readonly positive: string | null;
}): Task {
  if (golden.multiLabel) return 'multilabel';
  return golden.labels.length === 2 && golden.positive !== null ? 'binary' : 'multiclass';
}
