import type { PairedSet } from '../evaluate/paired-set.js';
import { pick, type Rows } from '../evaluate/rows.js';
import { type BootstrapOptions, bootstrapConfusionMetric } from '../metrics/bootstrap.js';
import { classMetrics } from '../metrics/classification.js';
import type { ConfusionMatrix } from '../metrics/confusion.js';
import { countInterval, widenDegenerate } from '../metrics/edge-intervals.js';
import { type ProportionMethod, ProportionMethodSchema } from '../metrics/proportion.js';
import type { Interval } from '../metrics/schema.js';
import type { MetricName } from './metrics.js';
import { confusionOf } from './paired.js';
import { type RankingMetric, rankingInterval } from './ranking.js';

/**
 * The interval of an absolute rule is the one `modeval eval` reports for the same metric in
 * metrics.json (evaluate/honest-intervals.ts), so a rate has one interval whichever command shows it:
 * - a proportion of items (accuracy, error rate, a class's precision, recall, FPR, FNR) takes the
 *   Wilson interval of its own counts: recall on the class's items, never a bootstrap that cannot
 *   leave 1 on a perfect sample;
 * - every other metric keeps the percentile bootstrap, widened where it collapsed on the items the
 *   statistic rests on, as eval widens it (a class's F1 on TP + FP + FN; averages, balanced
 *   accuracy, kappa and MCC on the smallest golden class present; ROC-AUC and AP on the smaller of
 *   positives and negatives; micro F1 on all items); cost has no fixed range and stays as it is.
 * `ruleIntervalMethod` is the one place that says which metric takes which.
 */

/** Successes and trials of a proportion metric on a confusion matrix. */
type Counts = (cm: ConfusionMatrix, classIdx: number) => { successes: number; trials: number };

export type RuleIntervalMethod =
  | { readonly kind: 'proportion'; readonly counts: Counts }
  | {
      readonly kind: 'bootstrap';
      /** The statistic's range for widening, or null: never widened (cost). */
      readonly range: readonly [number, number] | null;
      /** How many items the statistic rests on (the widening's n). */
      readonly items: (cm: ConfusionMatrix, classIdx: number, positives: number) => number;
    };

/** Eval's default proportion method (`modeval eval --intervals`): the gate uses the same. */
export const RULE_PROPORTION_METHOD: ProportionMethod = ProportionMethodSchema.parse('wilson');

const correct = (cm: ConfusionMatrix): number => {
  let c = 0;
  for (let j = 0; j < cm.k; j++) c += cm.get(j, j);
  return c;
};

/** The smallest golden class present (eval's widening n of averages, kappa and MCC). */
function smallestPresent(cm: ConfusionMatrix): number {
  const rows = cm.rowSums();
  let min = 0;
  for (const s of rows) if (s > 0 && (min === 0 || s < min)) min = s;
  return min;
}

const proportion = (counts: Counts): RuleIntervalMethod => ({ kind: 'proportion', counts });
const onSmallest = (range: readonly [number, number]): RuleIntervalMethod => ({
  kind: 'bootstrap',
  range,
  items: (cm) => smallestPresent(cm),
});
const unit = [0, 1] as const;
const signed = [-1, 1] as const;

/** Which interval eval reports for a metric a rule can bound (flip metrics have none). */
export function ruleIntervalMethod(metric: MetricName): RuleIntervalMethod {
  switch (metric) {
    case 'accuracy':
      return proportion((cm) => ({ successes: correct(cm), trials: cm.total() }));
    case 'error_rate':
      return proportion((cm) => ({ successes: cm.total() - correct(cm), trials: cm.total() }));
    case 'precision':
      return proportion((cm, j) => {
        const c = classMetrics(cm, j);
        return { successes: c.tp, trials: c.tp + c.fp };
      });
    case 'recall':
      return proportion((cm, j) => {
        const c = classMetrics(cm, j);
        return { successes: c.tp, trials: c.tp + c.fn };
      });
    case 'fnr':
      return proportion((cm, j) => {
        const c = classMetrics(cm, j);
        return { successes: c.fn, trials: c.tp + c.fn };
      });
    case 'fpr':
      return proportion((cm, j) => {
        const c = classMetrics(cm, j);
        return { successes: c.fp, trials: c.fp + c.tn };
      });
    case 'f1':
      return {
        kind: 'bootstrap',
        range: unit,
        items: (cm, j) => {
          const c = classMetrics(cm, j);
          return c.tp + c.fp + c.fn;
        },
      };
    case 'f1_micro':
      return { kind: 'bootstrap', range: unit, items: (cm) => cm.total() };
    case 'kappa':
    case 'mcc':
      return onSmallest(signed);
    case 'roc_auc':
    case 'average_precision':
      return { kind: 'bootstrap', range: unit, items: (cm, _j, pos) => Math.min(pos, cm.total() - pos) };
    case 'cost':
      return { kind: 'bootstrap', range: null, items: () => 0 };
    default:
      // Averages over classes and balanced accuracy; flip metrics never ask (no interval).
      return onSmallest(unit);
  }
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
  const method = ruleIntervalMethod(metric);
  const truth = pick(set.truth, rows);
  const predicted = pick(set.candidate.predicted, rows);
  const cm = confusionOf(set.labels, truth, predicted);
  if (method.kind === 'proportion') {
    const { successes, trials } = method.counts(cm, classIdx);
    return countInterval(successes, trials, boot.level, RULE_PROPORTION_METHOD);
  }
  const ranking = metric === 'roc_auc' || metric === 'average_precision';
  const interval = ranking
    ? rankingInterval(set, rows, set.positiveIndex, metric as RankingMetric, boot)
    : bootstrapConfusionMetric(set.labels, truth, predicted, metricOf, boot);
  if (method.range === null) return interval;
  const positives = set.positiveIndex >= 0 ? cm.rowSums()[set.positiveIndex]! : 0;
  return widenDegenerate(
    interval,
    method.items(cm, classIdx, positives),
    method.range,
    RULE_PROPORTION_METHOD,
  );
}
