import type { Interval } from '../contracts/metric-results.js';
import type { EvalSet, ModelColumns } from '../evaluate/eval-set.js';
import { bootstrapMany } from '../evaluate/intervals.js';
import { resolveMetricOptions } from '../evaluate/options.js';
import { headlineRanking, labelStore } from '../evaluate/ranking-metrics.js';
import { widenDegenerate } from '../metrics/edge-intervals.js';
import { rocAuc } from '../metrics/ranking.js';

/**
 * A model's ROC-AUC on the golden set with its declared interval (the registry's rocAuc: the
 * percentile bootstrap, widened on the smaller class where it collapsed), at eval's default
 * settings, so the value and interval equal metrics.json's `rocAuc` for the labels of a
 * single-label set (binary: the positive class; multiclass: the macro one-vs-rest average).
 * For one policy of a multi-policy set it is that policy's one-vs-rest AUC by the same method.
 * null where the AUC is undefined (one class absent).
 */
export function modelAuc(set: EvalSet, m: ModelColumns, policy: number | null): Interval | null {
  // Forced on: above eval's automatic size limit a model's quality would otherwise go unstated.
  const r = resolveMetricOptions({ scoreIntervals: true }, set.n);
  if (policy === null) {
    const auc = headlineRanking(set, m, null, r).rocAuc;
    return auc.value === null ? null : auc.interval;
  }
  const store = labelStore(set, m, policy, null);
  if (rocAuc(store).value === null) return null;
  const n = set.n;
  const k = set.labels.length;
  const items = new Uint32Array(n);
  for (let t = 0; t < n; t++) items[t] = t;
  // Replicates fed in score order sort faster (as the headline's bootstrap does).
  const order = items.slice().sort((a, b) => m.scores[a * k + policy]! - m.scores[b * k + policy]!);
  const iv = bootstrapMany(
    items,
    n,
    (counts) => rocAuc(labelStore(set, m, policy, null, counts, order)).value,
    { auc: (v) => v },
    r.bootstrap,
  ).auc;
  return widenDegenerate(iv, Math.min(store.positives, store.negatives), [0, 1], r.intervals);
}
