import { countInterval, undefinedInterval, widenDegenerate } from '../metrics/edge-intervals.js';
import type { ProportionMethod } from '../metrics/proportion.js';
import {
  type AnyReport,
  type ClassMetricKey,
  classIntervalKey,
  type IntervalKey,
  type IntervalMap,
  type ReportMetric,
  rangeOf,
  type SupportFacts,
} from '../metrics/registry/index.js';
import type { Interval } from '../metrics/schema.js';

/**
 * The intervals of one set or slice, made honest at the edges (the rule is stated in
 * `definitions.intervals` of metrics.json), each by the interval its declaration in the metric
 * registry names:
 * - proportions of items (accuracy, subset accuracy, per-class precision, recall, FPR, FNR, and the
 *   micro precision and recall) take the proportion interval of their counts, never a bootstrap
 *   that cannot leave 0 or 1;
 * - other statistics keep the percentile bootstrap, widened where it collapsed (see
 *   metrics/edge-intervals.ts) on the items they rest on, over their declared range, unless the
 *   declaration says the statistic is no measurement here (a macro average over fewer than two
 *   classes present, the F1 of a class with no golden item), then undefined with the reason.
 */

export interface IntervalSettings {
  level: number;
  method: ProportionMethod;
}

export type { IntervalMap };

function supportFacts(report: Pick<AnyReport, 'perClass'>): SupportFacts {
  const supports = report.perClass.map((c) => c.support).filter((s) => s > 0);
  return { smallestPresent: supports.length === 0 ? 0 : Math.min(...supports), present: supports.length };
}

/**
 * A new map: every interval of `metrics` (the overall ones, and the class ones of `classes`)
 * replaced or widened as declared. A bootstrap interval the declaration needs but `iv` lacks is a
 * bug (an extractor missing), so it throws rather than leaving the interval out.
 */
export function honestIntervals<R extends AnyReport>(
  report: R,
  metrics: readonly ReportMetric<R>[],
  classes: readonly number[],
  iv: IntervalMap,
  s: IntervalSettings,
): IntervalMap {
  const out: IntervalMap = { ...iv };
  const facts = supportFacts(report);
  const honest = (m: ReportMetric<R>, j: number, key: IntervalKey): Interval => {
    if (m.interval.method === 'proportion') {
      const [x, n] = m.interval.counts(report, j);
      return countInterval(x, n, s.level, s.method);
    }
    const v = out[key];
    if (v === undefined) throw new Error(`honestIntervals: no bootstrap interval for ${key}`);
    const reason = m.interval.undefinedWhen?.(report, j, v, facts) ?? null;
    if (reason !== null) return undefinedInterval(v, reason);
    return widenDegenerate(
      v,
      m.interval.restsOn(report, j, facts),
      rangeOf(m, report.labels.length),
      s.method,
    );
  };
  for (const m of metrics) {
    if (m.scope === 'overall') {
      const key = m.key as IntervalKey;
      out[key] = honest(m, -1, key);
    } else {
      for (const j of classes) {
        const key = classIntervalKey(j, m.key as ClassMetricKey);
        out[key] = honest(m, j, key);
      }
    }
  }
  return out;
}

/** AUC and AP intervals widened on the smaller of the two classes; undefined ones stay as they are. */
export function honestRankingInterval(
  iv: Interval,
  positives: number,
  negatives: number,
  s: IntervalSettings,
): Interval {
  return widenDegenerate(iv, Math.min(positives, negatives), [0, 1], s.method);
}
