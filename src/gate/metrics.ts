import { accuracy, confusionMargins, reportFromMargins } from '../metrics/classification.js';
import type { ConfusionMatrix } from '../metrics/confusion.js';
import {
  describe,
  type MetricDeclaration,
  type RuleName,
  readsSingleLabelReports,
  ruleMetrics,
} from '../metrics/registry/index.js';
import { LABELER_METRICS, type LabelerMetricName } from './labeler-metrics.js';

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

/** A labelling delivery's metric, read from labelers.json (labeler-metrics.ts), not from predictions. */
interface LabelerMetricDef {
  readonly kind: 'labelers';
  readonly perClass: 'optional';
  readonly description: string;
  readonly higherIsBetter: boolean;
}

export type MetricDef = ConfusionMetricDef | FlipMetricDef | RankingMetricDef | LabelerMetricDef;

const nan = { zeroDivision: 'nan' } as const;

/** Mean cost per item: sum over cells of count × cost(true, predicted), divided by the item count. */
export function meanCost(cm: ConfusionMatrix, costs: CostMatrix): number | null {
  const n = cm.total();
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < cm.counts.length; i++) sum += cm.counts[i]! * costs.values[i]!;
  return sum / n;
}

/**
 * The metrics a rule names that are not metrics.json metrics (the rest come from the metric
 * registry): `order` places them in the table among the registry's rule orders.
 */
const GATE_ONLY = {
  error_rate: {
    order: 20,
    def: {
      kind: 'confusion',
      perClass: 'forbidden',
      description: '1 - accuracy',
      higherIsBetter: false,
      value: (cm) => {
        const a = accuracy(cm);
        return a === null ? null : 1 - a;
      },
    },
  },
  cost: {
    order: 110,
    def: {
      kind: 'confusion',
      perClass: 'forbidden',
      description: 'mean misclassification cost per item (cost matrix)',
      higherIsBetter: false,
      value: (cm, _j, costs) => {
        if (!costs) throw new Error('metric "cost" needs a cost matrix');
        return meanCost(cm, costs);
      },
    },
  },
  newly_wrong: {
    order: 190,
    def: {
      kind: 'flips',
      perClass: 'optional',
      description: 'items (of the golden class) the baseline got right and the candidate gets wrong',
      higherIsBetter: false,
    },
  },
  newly_right: {
    order: 200,
    def: {
      kind: 'flips',
      perClass: 'optional',
      description: 'items (of the golden class) the baseline got wrong and the candidate gets right',
      higherIsBetter: true,
    },
  },
  flip_rate: {
    order: 210,
    def: {
      kind: 'flips',
      perClass: 'forbidden',
      description: 'fraction of items whose predicted label differs between the two models',
      higherIsBetter: false,
    },
  },
  slice_regressions: {
    order: 220,
    def: {
      kind: 'flips',
      perClass: 'forbidden',
      description:
        'slice values (of every slice column, or of the rule’s column) where the candidate is less accurate and McNemar’s p-value, adjusted for testing them all (rule option adjust: holm or benjamini-hochberg), is at most alpha',
      higherIsBetter: false,
    },
  },
} as const satisfies Record<string, { order: number; def: MetricDef }>;

/**
 * A registered metric as the gate evaluates it: a confusion metric is read from the report of the
 * (replicate's) confusion matrix, 0/0 undefined; a score metric is a ranking metric.
 */
function gateDef(d: MetricDeclaration): MetricDef {
  const description = describe(d, { zeroDivision: 'nan', absentClasses: 'include' });
  const higherIsBetter = d.direction === 'higher';
  if (d.source === 'scores') return { kind: 'ranking', perClass: 'forbidden', description, higherIsBetter };
  if (!readsSingleLabelReports(d)) throw new Error(`gate rules cannot name the multi-label metric ${d.key}`);
  return {
    kind: 'confusion',
    perClass: d.scope === 'class' ? 'required' : 'forbidden',
    description,
    higherIsBetter,
    value: (cm, j) => d.value(reportFromMargins(confusionMargins(cm), nan), j),
  };
}

export type MetricName = RuleName | keyof typeof GATE_ONLY | LabelerMetricName;

/** Every metric a rule can name, in the table's order (the order "known: ..." lists them). */
export const METRICS: Readonly<Record<MetricName, MetricDef>> = Object.fromEntries(
  [
    ...ruleMetrics().map((d) => ({ name: d.rule!.name, order: d.rule!.order, def: gateDef(d) })),
    ...Object.entries(GATE_ONLY).map(([name, g]) => ({ name, order: g.order, def: g.def as MetricDef })),
    ...LABELER_METRICS.map((d) => ({
      name: d.name,
      order: d.order,
      def: {
        kind: 'labelers',
        perClass: 'optional',
        description: d.description,
        higherIsBetter: d.higherIsBetter,
      },
    })),
  ]
    .sort((a, b) => a.order - b.order)
    .map((e) => [e.name, e.def]),
) as Record<MetricName, MetricDef>;

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
