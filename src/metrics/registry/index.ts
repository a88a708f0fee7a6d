import type { Interval } from '../../contracts/metric-results.js';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { cohenKappa, matthews } from './agreement.js';
import {
  macroF1,
  macroPrecision,
  macroRecall,
  microF1,
  microPrecision,
  microRecall,
  weightedF1,
  weightedPrecision,
  weightedRecall,
} from './averages.js';
import type {
  AnyReport,
  ConfusionInterval,
  ConfusionMetric,
  MetricDeclaration,
  MetricPlaces,
  MultiLabelReport,
  SingleLabelReport,
} from './declaration.js';
import {
  cardinalityGolden,
  cardinalityPredicted,
  hammingLoss,
  samplesF1,
  samplesPrecision,
  samplesRecall,
  subsetAccuracy,
} from './multilabel.js';
import { f1, fnr, fpr, precision, recall } from './per-class.js';
import { averagePrecision, ece, rocAuc } from './scores.js';

export * from './declaration.js';

/**
 * The metric registry: every metric metrics.json reports, declared once (one file per metric or
 * small family beside this one). The headline, slices, honest intervals, the gate's metric table,
 * compare's list, the report's summary, the CLI printout and docs/metrics.md's table iterate it.
 * Adding a metric: its declaration file beside this one, its line in OVERALL_METRICS or
 * CLASS_METRICS below, its test, and its row in docs/metrics.md (a test checks the table against
 * this list). No contract changes: metrics.json's headline and per-class schemas pass declared
 * metrics they do not name through, and `headlineInterval`/`classInterval` read them back.
 */

/**
 * One value per set or slice. In the order a headline is built (which is the key order of
 * `evaluate()`'s returned report and `eval --json`; metrics.json itself is written in the schema's
 * order).
 */
export const OVERALL_METRICS = [
  microPrecision,
  microRecall,
  microF1,
  macroPrecision,
  macroRecall,
  macroF1,
  weightedPrecision,
  weightedRecall,
  weightedF1,
  rocAuc,
  averagePrecision,
  accuracy,
  balancedAccuracy,
  cohenKappa,
  matthews,
  ece,
  subsetAccuracy,
  hammingLoss,
  samplesPrecision,
  samplesRecall,
  samplesF1,
  cardinalityGolden,
  cardinalityPredicted,
] as const;

/** One value per class (`perClass`, and the headline's `positive`). */
export const CLASS_METRICS = [precision, recall, f1, fpr, fnr] as const;

const ALL_METRICS = [...OVERALL_METRICS, ...CLASS_METRICS] as const;
export const METRIC_REGISTRY: readonly MetricDeclaration[] = ALL_METRICS;

export type OverallMetricKey = (typeof OVERALL_METRICS)[number]['key'];
export type ClassMetricKey = (typeof CLASS_METRICS)[number]['key'];
export type MetricKey = OverallMetricKey | ClassMetricKey;
/** A gate rule name some declaration carries. */
export type RuleName = NonNullable<(typeof ALL_METRICS)[number]['rule']>['name'];

/** The key of one interval of a report: an overall metric, or `c<j>.<class metric>`. */
export type IntervalKey = OverallMetricKey | `c${number}.${ClassMetricKey}`;
export type IntervalMap = Partial<Record<IntervalKey, Interval>>;

export function classIntervalKey(j: number, key: ClassMetricKey): IntervalKey {
  return `c${j}.${key}`;
}

const byKey = new Map<string, MetricDeclaration>(METRIC_REGISTRY.map((d) => [`${d.scope}:${d.key}`, d]));
const byRule = new Map<string, MetricDeclaration>(
  METRIC_REGISTRY.flatMap((d) => (d.rule ? [[d.rule.name, d] as const] : [])),
);

/** Whether `key` names a registered interval (an overall metric or `c<j>.<class metric>`). */
export function isIntervalKey(key: string): key is IntervalKey {
  const m = /^c(0|[1-9][0-9]*)\.(.+)$/.exec(key);
  return m ? byKey.has(`class:${m[2]}`) : byKey.has(`overall:${key}`);
}

/** The declaration of an overall metric; throws on a key no declaration has. */
export function overallMetric(key: string): MetricDeclaration {
  const d = byKey.get(`overall:${key}`);
  if (!d) throw new Error(`no metric is declared with key ${JSON.stringify(key)}`);
  return d;
}

/** The declaration a gate rule names, or undefined. */
export function metricByRule(name: string): MetricDeclaration | undefined {
  return byRule.get(name);
}

/** Declarations with a gate rule, in the gate table's order. */
export function ruleMetrics(): MetricDeclaration[] {
  return METRIC_REGISTRY.filter((d) => d.rule !== null).sort((a, b) => a.rule!.order - b.rule!.order);
}

/** The declarations an output lists (overall or per class), in its order. */
export function placed(view: keyof MetricPlaces, scope: 'overall' | 'class'): MetricDeclaration[] {
  return METRIC_REGISTRY.filter((d) => d.scope === scope && d.places[view] !== undefined).sort(
    (a, b) => a.places[view]! - b.places[view]!,
  );
}

/** A confusion metric as seen by a reader of reports of type R. */
export interface ReportMetric<R> {
  readonly key: string;
  readonly scope: 'overall' | 'class';
  readonly tasks: MetricDeclaration['tasks'];
  readonly range: MetricDeclaration['range'];
  readonly interval: ConfusionInterval<R>;
  value(r: R, j: number): number | null;
}

/** Whether a declaration is a confusion metric read from single-label reports (binary, multiclass, a policy's view). */
export function readsSingleLabelReports(
  d: MetricDeclaration,
): d is ConfusionMetric<string, 'single-label'> | ConfusionMetric<string, 'any'> {
  return d.source === 'confusion' && (d.report === 'single-label' || d.report === 'any');
}

/** The confusion metrics single-label reports carry (binary and multiclass tasks). */
export function singleLabelMetrics(): ReportMetric<SingleLabelReport>[] {
  return METRIC_REGISTRY.filter(readsSingleLabelReports);
}

/** The confusion metrics multi-label reports carry. */
export function multilabelMetrics(): ReportMetric<MultiLabelReport>[] {
  return METRIC_REGISTRY.filter(
    (d): d is ConfusionMetric<string, 'multilabel'> | ConfusionMetric<string, 'any'> =>
      d.source === 'confusion' && d.report !== 'single-label',
  );
}

export { classInterval, headlineInterval } from './read.js';
export type { AnyReport };
