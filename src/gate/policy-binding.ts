import type { GateRule } from '../contracts/gate-rule.js';
import { quotedList } from '../util/errors.js';
import { type CostMatrix, closest, type MetricName, metricDef } from './metrics.js';
import { type GatePolicy, policyFailure } from './policy.js';

/**
 * Binding a parsed policy to the data: class names, slice columns and values, and cost matrices are
 * checked against what the golden set and the predictions actually hold.
 */

/** What the data offers for a policy's names to refer to. */
export interface PolicyContext {
  readonly labels: readonly string[];
  /** The positive label of a binary task, if any (score metrics need it). */
  readonly positive: string | null;
  /** Slice column → its distinct values. */
  readonly slices: ReadonlyMap<string, readonly string[]>;
}

const quoteList = (values: readonly string[]) => quotedList(values, 20, 80);

/** An unknown class, with the closest known one when there is one (as for metric names). */
function unknownClass(name: string, labels: readonly string[]): string {
  const hint = closest(name, labels);
  return `unknown class ${JSON.stringify(name)}${hint ? ` (did you mean "${hint}"?)` : ''}; classes: ${quoteList(labels)}`;
}

/** Resolve a cost matrix over the data's labels: unlisted errors cost 1, correct predictions 0. */
export function costMatrixOf(
  costs: Record<string, Record<string, number>>,
  labels: readonly string[],
  onError: (path: readonly string[], message: string) => never,
): CostMatrix {
  const k = labels.length;
  const values = new Float64Array(k * k);
  for (let t = 0; t < k; t++) for (let p = 0; p < k; p++) values[t * k + p] = t === p ? 0 : 1;
  for (const [golden, row] of Object.entries(costs)) {
    const t = labels.indexOf(golden);
    if (t < 0) onError([golden], unknownClass(golden, labels));
    for (const [predicted, cost] of Object.entries(row)) {
      const p = labels.indexOf(predicted);
      if (p < 0) onError([golden, predicted], unknownClass(predicted, labels));
      values[t * k + p] = cost;
    }
  }
  return { labels, values };
}

/** A rule bound to the data: class index and cost matrix resolved. */
export interface BoundRule {
  readonly rule: GateRule;
  readonly metric: MetricName;
  readonly classIdx: number;
  readonly costs: CostMatrix | undefined;
}

/** Check the policy's class and slice names against the data; BadInputError naming the path. */
export function bindPolicy(policy: GatePolicy, context: PolicyContext): BoundRule[] {
  return policy.rules.map((rule) => {
    const path = ['rules', rule.index];
    const fail = (sub: readonly (string | number)[], message: string): never => {
      throw policyFailure(policy.locate, [...path, ...sub], message);
    };
    if (metricDef(rule.metric as MetricName).kind === 'ranking' && context.positive === null) {
      fail(
        ['metric'],
        `metric "${rule.metric}" needs a binary task with a positive label; declare "positive" in the dataset spec`,
      );
    }
    let classIdx = -1;
    if (rule.class !== null) {
      classIdx = context.labels.indexOf(rule.class);
      if (classIdx < 0) {
        fail(['class'], unknownClass(rule.class, context.labels));
      }
    }
    if (rule.slice) {
      const columns = [...context.slices.keys()];
      const values = context.slices.get(rule.slice.column);
      if (!values) {
        const hint = closest(rule.slice.column, columns);
        fail(
          ['slice'],
          `unknown slice ${JSON.stringify(rule.slice.column)}${hint ? ` (did you mean "${hint}"?)` : ''}; slice columns: ${columns.length ? quoteList(columns) : '(none)'}`,
        );
      }
      if (rule.slice.value !== null && !values!.includes(rule.slice.value)) {
        fail(
          ['slice', rule.slice.column],
          `slice ${rule.slice.column} has no value ${JSON.stringify(rule.slice.value)}; values: ${quoteList(values!)}`,
        );
      }
    }
    // A shared top-level matrix is reported at its own path, not at the rule that uses it.
    const costsPath = rule.costs === policy.costs ? ['costs'] : [...path, 'costs'];
    const costs = rule.costs
      ? costMatrixOf(rule.costs, context.labels, (sub, message) => {
          throw policyFailure(policy.locate, [...costsPath, ...sub], message);
        })
      : undefined;
    return { rule, metric: rule.metric as MetricName, classIdx, costs };
  });
}
