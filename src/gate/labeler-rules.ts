import type { RuleOutcome, RuleResult } from '../contracts/gate-report.js';
import type { GateRule } from '../contracts/gate-rule.js';
import type { LabelersReport, LabelersView } from '../contracts/labelers-report.js';
import { quotedList } from '../util/errors.js';
import { describeOutcome } from './evaluate-rules.js';
import { type LabelerMeasure, labelerMetric, type SliceScope, sliceScope } from './labeler-metrics.js';
import { closest } from './metrics.js';
import { type GatePolicy, policyFailure } from './policy.js';

/**
 * Decide a policy's labelling rules on a labelers.json: bind each rule's `[policy]` (or label) and
 * slice to the report's views, measure it by its declaration (labeler-metrics.ts), and decide the
 * worst measure against the bound as the model rules are decided: on the estimate by default, on
 * the conservative end of the interval with `decideOn: interval`. Nothing to measure (no annotator
 * with enough judgements, no alpha) fails the rule, as an undefined model metric does.
 */

interface BoundLabelerRule {
  readonly rule: GateRule;
  readonly views: readonly LabelersView[];
  readonly label: string | null;
}

const quoteList = (values: readonly string[]) => quotedList(values, 20, 80);

/** The views a rule reads: the one a class names (a policy), or every view. */
function bindLabelerRule(policy: GatePolicy, report: LabelersReport, rule: GateRule): BoundLabelerRule {
  const path = ['rules', rule.index];
  const fail = (sub: string, message: string): never => {
    throw policyFailure(policy.locate, [...path, sub], message);
  };
  const d = labelerMetric(rule.metric)!;
  const multiPolicy = report.views.some((v) => v.policy !== null);
  let views: readonly LabelersView[] = report.views;
  let label: string | null = null;
  if (rule.class !== null && multiPolicy) {
    const names = report.views.map((v) => v.policy!);
    const view = report.views.find((v) => v.policy === rule.class);
    if (!view) {
      const hint = closest(rule.class, names);
      fail(
        'class',
        `labelers.json has no policy ${JSON.stringify(rule.class)}${hint ? ` (did you mean "${hint}"?)` : ''}; policies: ${quoteList(names)}`,
      );
    }
    views = [view!];
  } else if (rule.class !== null) {
    if (!d.labelClass)
      fail('class', `metric "${rule.metric}" of a single-label set has one view; drop [${rule.class}]`);
    if (!report.labels.includes(rule.class))
      fail('class', `unknown label ${JSON.stringify(rule.class)}; labels: ${quoteList(report.labels)}`);
    label = rule.class;
  }
  if (rule.slice && !views.some((v) => sliceValues(v, rule.slice!.column).length > 0)) {
    fail(
      'slice',
      `labelers.json lists no agreement for slice ${JSON.stringify(rule.slice.column)} (per-slice entries need at least minItems items judged twice)`,
    );
  }
  return { rule, views, label };
}

/** The slice values a view lists per-slice agreement for. */
function sliceValues(view: LabelersView, column: string): string[] {
  const prefix = sliceScope({ column, value: '' });
  return view.agreement.perSlice
    .filter((g) => g.scope.startsWith(prefix))
    .map((g) => g.scope.slice(prefix.length));
}

function holds(x: number, op: GateRule['op'], bound: number): boolean {
  const eps = 1e-12;
  return op === '>=' ? x >= bound - eps : x <= bound + eps;
}

/** The value compared with the bound: the estimate, or the interval's end the rule is decided on. */
function decisiveOf(m: LabelerMeasure, on: RuleOutcome['decidedOn']): number | null {
  if (on === 'estimate') return m.value;
  if (!m.interval) return null;
  return on === 'interval-low' ? m.interval.low : m.interval.high;
}

function outcomeOf(
  b: BoundLabelerRule,
  slice: SliceScope | null,
  minItems: number,
  optional: boolean,
): RuleOutcome {
  const { rule } = b;
  const d = labelerMetric(rule.metric)!;
  const measures = b.views.flatMap((v) => d.measure(v, { label: b.label, slice, minItems }));
  const decidedOn: RuleOutcome['decidedOn'] =
    rule.decideOn === 'interval' ? (rule.op === '>=' ? 'interval-low' : 'interval-high') : 'estimate';
  const bound = rule.bound.kind === 'absolute' ? rule.bound.value : rule.bound.offset;
  const n = measures.reduce((s, m) => s + m.n, 0);
  const base = { slice, n, baseline: null, delta: null, decidedOn, space: 'value' as const, bound };
  if (d.combine === 'sum') {
    const observed = measures.reduce((s, m) => s + (m.value ?? 0), 0);
    const notes = measures.flatMap((m) => (m.note ? [m.note] : []));
    return {
      ...base,
      status: holds(observed, rule.op, bound) ? 'pass' : 'fail',
      observed,
      interval: null,
      decisive: observed,
      reason: `${measures.map((m) => m.subject).join(', ')}${notes.length ? `; ${notes.join('; ')}` : ''}`,
    };
  }
  // min: the measure with the lowest decisive value decides (every one must meet the bound).
  const defined = measures.filter((m) => decisiveOf(m, decidedOn) !== null);
  const worst = defined.sort((x, y) => decisiveOf(x, decidedOn)! - decisiveOf(y, decidedOn)!)[0];
  if (!worst) {
    const why =
      measures.length === 0
        ? rule.metric === 'labeler_accuracy_min'
          ? `no annotator has ${minItems} golden-labelled judgements (minItems)`
          : 'no entry'
        : 'undefined';
    return {
      ...base,
      status: optional ? 'skipped' : 'fail',
      observed: null,
      interval: null,
      decisive: null,
      reason: `${rule.metric} is ${why === 'undefined' ? 'undefined here' : `not measured: ${why}`}`,
    };
  }
  const decisive = decisiveOf(worst, decidedOn)!;
  return {
    ...base,
    status: holds(decisive, rule.op, bound) ? 'pass' : 'fail',
    observed: worst.value,
    interval: worst.interval,
    decisive,
    reason:
      measures.length === 1
        ? `${worst.subject}${worst.note ? ` ${worst.note}` : ''}`
        : `lowest: ${worst.subject}${worst.note ? ` ${worst.note}` : ''}, of ${measures.length} measured`,
  };
}

/** Decide every labelling rule of a policy on one labelers.json, in the policy's order. */
export function evaluateLabelerRules(
  policy: GatePolicy,
  report: LabelersReport,
  rules: readonly GateRule[],
): RuleResult[] {
  const minItems = report.settings.minItems;
  return rules.map((rule) => {
    const b = bindLabelerRule(policy, report, rule);
    const slices: { slice: SliceScope | null; optional: boolean }[] =
      rule.slice === null
        ? [{ slice: null, optional: false }]
        : rule.slice.value !== null
          ? [{ slice: { column: rule.slice.column, value: rule.slice.value }, optional: false }]
          : [...new Set(b.views.flatMap((v) => sliceValues(v, rule.slice!.column)))]
              .sort()
              .map((value) => ({ slice: { column: rule.slice!.column, value }, optional: true }));
    const outcomes = slices.map((s) => {
      const o = outcomeOf(b, s.slice, minItems, s.optional);
      return s.optional && o.status !== 'skipped' && o.n < rule.minSupport
        ? {
            ...o,
            status: 'skipped' as const,
            reason: `${o.n} items, fewer than minSupport ${rule.minSupport}`,
          }
        : o;
    });
    const failed = outcomes.filter((o) => o.status === 'fail');
    const checked = outcomes.filter((o) => o.status !== 'skipped');
    const status = failed.length === 0 && checked.length > 0 ? 'pass' : 'fail';
    const head = failed[0] ?? checked[0];
    const message = head
      ? `${describeOutcome(rule, head)}${rule.slice?.value === null ? ` [${failed.length} of ${checked.length} slice values fail]` : ''}`
      : `nothing to check: every slice value was skipped (${outcomes.length} values; see minSupport)`;
    return { rule, status, message, outcomes };
  });
}

/** Whether a rule reads labelers.json rather than predictions. */
export function isLabelerRule(rule: Pick<GateRule, 'metric'>): boolean {
  return labelerMetric(rule.metric) !== undefined;
}
