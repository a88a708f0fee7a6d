import type { ClassificationReport, Interval } from '../contracts/metric-results.js';
import type { ProportionMethod } from '../contracts/proportion-method.js';
import type { MarginReport } from '../metrics/classification.js';
import { countInterval, undefinedInterval, widenDegenerate } from '../metrics/edge-intervals.js';

/**
 * The intervals of one set or slice, made honest at the edges (the rule is stated in
 * `definitions.intervals` of metrics.json):
 * - proportions of items (accuracy, subset accuracy, per-class precision, recall, FPR, FNR, and the
 *   micro precision and recall) take the proportion interval of their counts, never a bootstrap
 *   that cannot leave 0 or 1;
 * - other statistics keep the percentile bootstrap, widened where it collapsed (see
 *   metrics/edge-intervals.ts) on the items they rest on: a class's F1 on its true and predicted
 *   items (TP + FP + FN); averages, balanced accuracy, kappa and MCC on the smallest golden class
 *   present; Hamming loss, micro F1, the samples averages and the label cardinalities (range
 *   [0, K]) on all items;
 * - a macro average over fewer than two classes present is undefined, with the reason.
 */

export interface IntervalSettings {
  level: number;
  method: ProportionMethod;
}

/** Keys of the bootstrap intervals computed for a report (see evaluate.ts `classExtractors`). */
export type IntervalMap = Record<string, Interval>;

function smallestPresentSupport(report: Pick<ClassificationReport, 'perClass'>): number {
  const supports = report.perClass.map((c) => c.support).filter((s) => s > 0);
  return supports.length === 0 ? 0 : Math.min(...supports);
}

/** Returns a new map with the same keys, the intervals replaced or widened as described above. */
export function honestIntervals(
  report: ClassificationReport | MarginReport,
  iv: IntervalMap,
  s: IntervalSettings,
): IntervalMap {
  const out: IntervalMap = { ...iv };
  const count = (x: number, n: number) => countInterval(x, n, s.level, s.method);
  const widen = (key: string, items: number, range: readonly [number, number] = [0, 1]) => {
    const v = out[key];
    if (v) out[key] = widenDegenerate(v, items, range, s.method);
  };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  report.perClass.forEach((c, j) => {
    out[`c${j}.precision`] = count(c.tp, c.tp + c.fp);
    out[`c${j}.recall`] = count(c.tp, c.tp + c.fn);
    out[`c${j}.fpr`] = count(c.fp, c.fp + c.tn);
    out[`c${j}.fnr`] = count(c.fn, c.tp + c.fn);
    if (c.support === 0 && out[`c${j}.f1`] && out[`c${j}.f1`]!.estimate !== null)
      // With no golden item of the class every flag is a false alarm: F1 is 0 by construction,
      // not a measurement (precision and FPR above say how often it is flagged).
      out[`c${j}.f1`] = undefinedInterval(
        out[`c${j}.f1`]!,
        `no golden ${c.label} items here: F1 could only be 0 (its precision and FPR say how often it is flagged)`,
      );
    else widen(`c${j}.f1`, c.tp + c.fp + c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  });
  out['micro.precision'] = count(tp, tp + fp);
  out['micro.recall'] = count(tp, tp + fn);
  widen('micro.f1', report.n);
  const smallest = smallestPresentSupport(report);
  const present = report.perClass.filter((c) => c.support > 0).length;
  for (const avg of ['macro', 'weighted'] as const) {
    for (const f of ['precision', 'recall', 'f1'] as const) {
      const key = `${avg}.${f}`;
      if (avg === 'macro' && report.absentClasses === 'present-in-golden' && present < 2 && out[key]) {
        out[key] = undefinedInterval(
          out[key]!,
          present === 0
            ? 'no class has golden items here'
            : 'only one class has golden items here, and a macro average needs two (its per-class value is reported)',
        );
        continue;
      }
      widen(key, smallest);
    }
  }
  if (report.task === 'multiclass') {
    if (out.accuracy) out.accuracy = count(tp, report.n);
    widen('balancedAccuracy', smallest);
    widen('cohenKappa', smallest, [-1, 1]);
    widen('matthews', smallest, [-1, 1]);
  } else {
    if (out.subsetAccuracy)
      out.subsetAccuracy = count(report.confusion.exactMatches, report.confusion.samples);
    widen('hammingLoss', report.n);
    // Means over items: widened on all items; a cardinality lies in [0, K].
    for (const f of ['precision', 'recall', 'f1'] as const) widen(`samples.${f}`, report.n);
    widen('cardinality.golden', report.n, [0, report.labels.length]);
    widen('cardinality.predicted', report.n, [0, report.labels.length]);
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
