import { z } from 'zod';

/**
 * The task kinds and the one interface every stage asks about them. See index.ts for how to use
 * it; the three implementations are binary.ts, multiclass.ts and multilabel.ts.
 */

import { type Task, TaskSchema } from '../contracts/task.js';

// What a model (or an evaluation) decides per item: one of two labels, one of K, or a set of K.
// The enum is a contract (outputs record it); its behaviour lives here.
export { type Task, TaskSchema };

/** How a label is predicted from scores: argmax, threshold on the positive label, or per-label thresholds. */
export type DecisionRule =
  | { kind: 'argmax' }
  | { kind: 'positive-threshold'; positiveIndex: number; threshold: number }
  | { kind: 'per-label-threshold'; thresholds: Float32Array };

/** The score-to-decision threshold when neither the card nor the caller sets one. */
export const DEFAULT_THRESHOLD = 0.5;

/** The activation a logits output gets when the card does not name one. */
export const ActivationSchema = z.enum(['softmax', 'sigmoid']);
export type DefaultActivation = z.infer<typeof ActivationSchema>;

/** One item's golden label or decision as files hold it: a label, or a list of labels (multilabel). */
export type LabelValue = string | readonly string[];

/** The label declaration of a model card (or an import), as the view checks it. */
export interface LabelDeclaration {
  readonly labels: readonly string[];
  readonly positive?: string | undefined;
  readonly thresholds: Readonly<Record<string, number>>;
}

/**
 * The golden columns of an evaluation set as the view reads them: a label index per item
 * (single-label) or K flags per item, row-major (multilabel; empty otherwise).
 */
export interface GoldenColumns {
  readonly labels: readonly string[];
  readonly truth: Int32Array;
  readonly truthFlags: Uint8Array;
}

/** Reports one problem of a declaration at a path (the card schema's issue function). */
export type IssueAt = (path: (string | number)[], message: string) => void;

/**
 * Which metric families apply to a task. Sections of metrics.json, the report and the gate read
 * these instead of testing the task.
 */
export const MetricFamiliesSchema = z.strictObject({
  /** The positive class's own precision/recall/F1 (binary). */
  positiveClass: z.boolean(),
  /** Set-valued metrics: Hamming loss, subset accuracy, label cardinality (multilabel). */
  labelSets: z.boolean(),
  /** The confusion matrix of golden × predicted label (single-label tasks). */
  confusion: z.boolean(),
  /** Nominal agreement among annotators and with the golden label (single-label tasks). */
  agreement: z.boolean(),
  /** Bias AUCs of the positive label's scores over identity subgroups (needs a positive label). */
  identityBias: z.boolean(),
  /** Whether two models are compared as one paired set, or one binary paired set per policy. */
  comparison: z.enum(['paired-set', 'per-policy']),
});
export type MetricFamilies = z.infer<typeof MetricFamiliesSchema>;

/**
 * Everything that differs by task. One object per task kind; `taskView(task)` picks it.
 * Callers ask the view; they never compare the task with a name or guess it from a value's shape.
 */
export interface TaskView {
  readonly task: Task;
  /**
   * How an item's golden label and a model's decision are held: false = one label per item (a
   * string; a label index in an EvalSet's `truth`/`predicted`), true = a set of labels (a string
   * list; K flags per row in `truthFlags`/`predictedFlags`).
   */
  readonly multiLabel: boolean;
  /** Whether the labels are policies (a model may score a subset; a taxonomy may close them upward). */
  readonly policies: boolean;
  /** The activation of a logits output when the card does not declare one. */
  readonly defaultActivation: DefaultActivation;
  /** Whether one score determines every label's (a binary graph with a single logit/probability). */
  readonly oneScoreSuffices: boolean;
  /** Which metric families apply. */
  readonly metrics: MetricFamilies;
  /** The card's task-specific rules on its label count and positive label. */
  checkLabels(d: LabelDeclaration, issue: IssueAt): void;
  /** Why a threshold on declared label `label` is not allowed, undefined when it is. */
  thresholdIssue(d: LabelDeclaration, label: string): string | undefined;
  /** Why an output activation is not allowed, undefined when it is. */
  activationIssue(activation: string | undefined): string | undefined;
  /** The label count this task allows, for callers that phrase their own message. */
  readonly labelCount: { readonly min: number; readonly max: number };
  /** The positive label: binary defaults to the second label; the other tasks keep what is given. */
  positiveOf(labels: readonly string[], positive: string | null | undefined): string | null;
  /**
   * The index of the positive class the task reports on its own (binary: the positive label's),
   * undefined when every label is reported alike.
   */
  positiveClass(labels: readonly string[], positive: string | null | undefined): number | undefined;
  /** How scores become a decision, given each label's threshold. */
  decisionRule(
    labels: readonly string[],
    positive: string | null | undefined,
    threshold: (label: string) => number,
  ): DecisionRule;
  /**
   * Whether item i's golden labels include label j, as a predicate over item indexes of `golden`
   * (built once per label: the one-vs-rest loops over millions of items call it per item).
   */
  goldenHas(golden: GoldenColumns, j: number): (i: number) => boolean;
  /** One item's labels from its value (a golden label or a decision, as read from a file). */
  labelsOf(value: LabelValue): readonly string[];
  /** One item's value from its labels: the label itself (single-label), or the list. */
  valueOf(labels: readonly string[]): LabelValue;
}
