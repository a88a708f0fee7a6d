import { accuracy, classificationReport, classMetrics } from '../metrics/classification.js';
import type { ConfusionMatrix } from '../metrics/confusion.js';

/**
 * The metrics a gate rule or a comparison can name. Confusion metrics are functions of a confusion
 * matrix, so the paired bootstrap can recompute them per replicate; flip metrics count items that
 * changed between the two models and have no interval (they are counts on the golden set itself).
 *
 * Undefined ratios (0/0) are null, never a made-up 0: a gate must not pass a recall it could not
 * measure.
 */

/** A per-class cost matrix, `costs[k * trueIdx + predIdx]`, diagonal 0. */
export interface CostMatrix {
  readonly labels: readonly string[];
  readonly values: Float64Array;
}

export type ClassArity = 'required' | 'forbidden' | 'optional';

interface ConfusionMetricDef {
  readonly kind: 'confusion';
  readonly perClass: 'required' | 'forbidden';
  readonly description: string;
  readonly higherIsBetter: boolean;
  /** classIdx is defined iff perClass is required; costs iff the metric is `cost`. */
  value(cm: ConfusionMatrix, classIdx: number, costs: CostMatrix | undefined): number | null;
}

interface FlipMetricDef {
  readonly kind: 'flips';
  readonly perClass: 'optional' | 'forbidden';
  readonly description: string;
  readonly higherIsBetter: boolean;
}

/** Score-based metrics of a binary task (they need the positive label's scores). */
interface RankingMetricDef {
  readonly kind: 'ranking';
  readonly perClass: 'forbidden';
  readonly description: string;
  readonly higherIsBetter: boolean;
}

export type MetricDef = ConfusionMetricDef | FlipMetricDef | RankingMetricDef;

const nan = { zeroDivision: 'nan' } as const;

/** A per-class ratio, as metrics/classification defines it (0/0 = null). */
const perClass = (
  description: string,
  higherIsBetter: boolean,
  field: 'precision' | 'recall' | 'f1' | 'fpr' | 'fnr',
): ConfusionMetricDef => ({
  kind: 'confusion',
  perClass: 'required',
  description,
  higherIsBetter,
  value: (cm, j) => classMetrics(cm, j, nan)[field],
});

const overall = (
  description: string,
  higherIsBetter: boolean,
  f: (cm: ConfusionMatrix, costs: CostMatrix | undefined) => number | null,
): ConfusionMetricDef => ({
  kind: 'confusion',
  perClass: 'forbidden',
  description,
  higherIsBetter,
  value: (cm, _j, costs) => f(cm, costs),
});

/** Mean cost per item: sum over cells of count × cost(true, predicted), divided by the item count. */
export function meanCost(cm: ConfusionMatrix, costs: CostMatrix): number | null {
  const n = cm.total();
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < cm.counts.length; i++) sum += cm.counts[i]! * costs.values[i]!;
  return sum / n;
}

export const METRICS = {
  accuracy: overall('fraction of items predicted as their golden label', true, accuracy),
  error_rate: overall('1 - accuracy', false, (cm) => {
    const a = accuracy(cm);
    return a === null ? null : 1 - a;
  }),
  balanced_accuracy: overall('mean recall over classes present in the truth', true, (cm) => {
    return classificationReport(cm, nan).balancedAccuracy;
  }),
  f1_macro: overall('unweighted mean of per-class F1', true, (cm) => classificationReport(cm, nan).macro.f1),
  f1_micro: overall('F1 of the pooled counts', true, (cm) => classificationReport(cm, nan).micro.f1),
  f1_weighted: overall('support-weighted mean of per-class F1', true, (cm) => {
    return classificationReport(cm, nan).weighted.f1;
  }),
  precision_macro: overall('unweighted mean of per-class precision', true, (cm) => {
    return classificationReport(cm, nan).macro.precision;
  }),
  recall_macro: overall('unweighted mean of per-class recall', true, (cm) => {
    return classificationReport(cm, nan).macro.recall;
  }),
  mcc: overall('Matthews correlation (multiclass R_K)', true, (cm) => classificationReport(cm, nan).matthews),
  kappa: overall("Cohen's kappa between model and golden labels", true, (cm) => {
    return classificationReport(cm, nan).cohenKappa;
  }),
  cost: overall('mean misclassification cost per item (cost matrix)', false, (cm, costs) => {
    if (!costs) throw new Error('metric "cost" needs a cost matrix');
    return meanCost(cm, costs);
  }),
  roc_auc: {
    kind: 'ranking',
    perClass: 'forbidden',
    description: 'area under the ROC curve of the positive label’s score (binary tasks)',
    higherIsBetter: true,
  },
  average_precision: {
    kind: 'ranking',
    perClass: 'forbidden',
    description: 'average precision of the positive label’s score (binary tasks)',
    higherIsBetter: true,
  },
  precision: perClass('TP / (TP + FP) of the class', true, 'precision'),
  recall: perClass('TP / (TP + FN) of the class', true, 'recall'),
  f1: perClass('2TP / (2TP + FP + FN) of the class', true, 'f1'),
  fpr: perClass('FP / (FP + TN): items of other classes predicted as the class', false, 'fpr'),
  fnr: perClass('FN / (TP + FN): items of the class predicted as another', false, 'fnr'),
  newly_wrong: {
    kind: 'flips',
    perClass: 'optional',
    description: 'items (of the golden class) the baseline got right and the candidate gets wrong',
    higherIsBetter: false,
  },
  newly_right: {
    kind: 'flips',
    perClass: 'optional',
    description: 'items (of the golden class) the baseline got wrong and the candidate gets right',
    higherIsBetter: true,
  },
  flip_rate: {
    kind: 'flips',
    perClass: 'forbidden',
    description: 'fraction of items whose predicted label differs between the two models',
    higherIsBetter: false,
  },
  slice_regressions: {
    kind: 'flips',
    perClass: 'forbidden',
    description:
      'slice values (of every slice column, or of the rule’s column) where the candidate is less accurate and McNemar’s p-value, adjusted for testing them all (rule option adjust: holm or benjamini-hochberg), is below alpha',
    higherIsBetter: false,
  },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export function metricDef(name: MetricName): MetricDef {
  return METRICS[name];
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The closest known name within a small edit distance, or undefined. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
