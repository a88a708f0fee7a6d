import type { Interval } from '../contracts/metric-results.js';
import type { ProportionMethod } from '../contracts/proportion-method.js';
import { MetricOptionsSchema } from '../evaluate/options.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { pick, type Rows } from '../evaluate/rows.js';
import { type BootstrapOptions, bootstrapConfusionMetric } from '../metrics/bootstrap.js';
import { classificationReport } from '../metrics/classification.js';
import type { ConfusionMatrix } from '../metrics/confusion.js';
import { countInterval, undefinedInterval, widenDegenerate } from '../metrics/edge-intervals.js';
import {
  type ConfusionInterval,
  type MetricDeclaration,
  metricByRule,
  rangeOf,
  readsSingleLabelReports,
  type ScoreWidening,
  type SingleLabelReport,
  type SupportFacts,
} from '../metrics/registry/index.js';
import type { MetricName } from './metrics.js';
import { confusionOf } from './paired.js';
import { type RankingMetric, rankingInterval } from './ranking.js';

/**
 * The interval of an absolute rule is the one `modeval eval` reports for the same metric in
 * metrics.json, by the interval method the metric's declaration in the registry names
 * (metrics/registry), so a rate has one interval whichever command shows it:
 * - a proportion of items (accuracy, a class's precision, recall, FPR, FNR) takes the Wilson
 *   interval of its own counts: recall on the class's items, never a bootstrap that cannot leave 1
 *   on a perfect sample (issue 28: a bootstrap widened on all rows passed 21% of gates at true
 *   recall equal to the bound);
 * - every other metric keeps the percentile bootstrap, widened where it collapsed on the items the
 *   declaration says it rests on, over its declared range.
 * Two rule metrics only the gate has: `error_rate` (1 − accuracy, the proportion of errors) and
 * `cost` (mean cost, no fixed range: never widened).
 * As in metrics.json, a statistic the declaration calls no measurement here (`undefinedWhen`: a
 * class's F1 with no golden item, a macro average over one present class) is undefined, with the
 * declaration's reason: the rule is then skipped (a per-slice value) or fails, never decided on it.
 * Relative rules decide on the paired delta's own bootstrap (compare.ts), which this does not change.
 */

/** Eval's default proportion method (`modeval eval --intervals`): the gate uses the same. */
export const RULE_PROPORTION_METHOD: ProportionMethod = MetricOptionsSchema.shape.intervals.parse(undefined);

export type RuleIntervalMethod =
  | { readonly kind: 'proportion'; counts(r: SingleLabelReport, j: number): readonly [number, number] }
  | {
      readonly kind: 'bootstrap';
      /** Never widened when null. */
      readonly range: readonly [number, number] | null;
      items(r: SingleLabelReport, j: number, facts: SupportFacts, positives: number): number;
      /** The declaration's cases where the statistic is no measurement (its reason), as eval checks them. */
      undefinedWhen?(r: SingleLabelReport, j: number, iv: Interval, facts: SupportFacts): string | null;
    };

const correct = (r: SingleLabelReport): number => r.perClass.reduce((s, c) => s + c.tp, 0);

/** Rule metrics the registry does not declare (they exist only as gate rules). */
const GATE_ONLY: ReadonlyMap<string, RuleIntervalMethod> = new Map<string, RuleIntervalMethod>([
  ['error_rate', { kind: 'proportion', counts: (r) => [r.n - correct(r), r.n] }],
  ['cost', { kind: 'bootstrap', range: null, items: () => 0 }],
]);

const SCORE_ITEMS: Readonly<Record<ScoreWidening, (r: SingleLabelReport, positives: number) => number>> = {
  'smaller-class': (r, pos) => Math.min(pos, r.n - pos),
  positives: (_r, pos) => pos,
  'all-items': (r) => r.n,
};

function declaredMethod(d: MetricDeclaration, labels: number): RuleIntervalMethod {
  if (d.source === 'scores') {
    const items = SCORE_ITEMS[d.interval.widenOn];
    return { kind: 'bootstrap', range: rangeOf(d, labels), items: (r, _j, _f, pos) => items(r, pos) };
  }
  // Gate rules are decided on single-label paired sets (a policy's view is one): their report.
  if (!readsSingleLabelReports(d)) throw new Error(`${d.key} is read from multi-label reports only`);
  const interval: ConfusionInterval<SingleLabelReport> = d.interval;
  if (interval.method === 'proportion') return { kind: 'proportion', counts: interval.counts };
  return {
    kind: 'bootstrap',
    range: rangeOf(d, labels),
    items: interval.restsOn,
    ...(interval.undefinedWhen ? { undefinedWhen: interval.undefinedWhen } : {}),
  };
}

/** The interval method of a rule's metric: its registry declaration, else the gate's own. */
export function ruleIntervalMethod(metric: MetricName, labels: number): RuleIntervalMethod {
  const declared = metricByRule(metric);
  if (declared) return declaredMethod(declared, labels);
  const own = GATE_ONLY.get(metric);
  if (!own) throw new Error(`no interval method for rule metric ${metric}`);
  return own;
}

function supportFacts(r: SingleLabelReport): SupportFacts {
  const supports = r.perClass.map((c) => c.support).filter((x) => x > 0);
  return { smallestPresent: supports.length === 0 ? 0 : Math.min(...supports), present: supports.length };
}

/**
 * The interval of the candidate's metric on some rows of a paired set, by the metric's method.
 * `classIdx` is the rule's class (-1 for none); `level` and the bootstrap settings are the policy's.
 */
export function ruleInterval(
  set: PairedSet,
  rows: Rows,
  metric: MetricName,
  classIdx: number,
  metricOf: (cm: ConfusionMatrix) => number | null,
  boot: Required<BootstrapOptions>,
): Interval {
  const method = ruleIntervalMethod(metric, set.labels.length);
  const truth = pick(set.truth, rows);
  const predicted = pick(set.candidate.predicted, rows);
  const report = classificationReport(confusionOf(set.labels, truth, predicted), { zeroDivision: 'nan' });
  if (method.kind === 'proportion') {
    const [successes, trials] = method.counts(report, classIdx);
    return countInterval(successes, trials, boot.level, RULE_PROPORTION_METHOD);
  }
  const ranking = metric === 'roc_auc' || metric === 'average_precision';
  const interval = ranking
    ? rankingInterval(set, rows, set.positiveIndex, metric as RankingMetric, boot)
    : bootstrapConfusionMetric(set.labels, truth, predicted, metricOf, boot);
  const facts = supportFacts(report);
  const reason = method.undefinedWhen?.(report, classIdx, interval, facts) ?? null;
  if (reason !== null) return undefinedInterval(interval, reason);
  if (method.range === null) return interval;
  const positives = set.positiveIndex >= 0 ? report.perClass[set.positiveIndex]!.support : 0;
  return widenDegenerate(
    interval,
    method.items(report, classIdx, facts, positives),
    method.range,
    RULE_PROPORTION_METHOD,
  );
}
