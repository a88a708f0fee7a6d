import type { Interval } from '../contracts/metric-results.js';
import { bootstrapCells, percentileInterval } from '../metrics/bootstrap.js';

/** Bootstrap settings shared by every interval of one evaluation. */
export interface BootstrapSettings {
  resamples: number;
  seed: number;
  level: number;
}

/**
 * Percentile bootstrap intervals of many statistics from the same replicates.
 *
 * `bootstrapCells` draws the replicates (the resampling engine of src/metrics); its statistic
 * callback is called once on the full sample and then once per replicate, in that order. Instead
 * of one bootstrap per metric, each call here computes a whole report (`compute`) and reads every
 * statistic from it (`extract`), so all the intervals of one group come from the same resamples
 * and cost one resampling pass. The intervals equal `bootstrapCells` run per statistic with the
 * same seed (tested).
 */
export function bootstrapMany<T, K extends string>(
  cells: ArrayLike<number>,
  numCells: number,
  compute: (counts: Float64Array) => T,
  extract: Readonly<Record<K, (t: T) => number | null>>,
  settings: BootstrapSettings,
): Record<K, Interval> {
  const keys = Object.keys(extract) as K[];
  const getters = keys.map((k) => extract[k]);
  const replicates: number[][] = keys.map(() => []);
  const undefinedCounts = new Array<number>(keys.length).fill(0);
  let estimates: (number | null)[] | undefined;
  const base = bootstrapCells(
    cells,
    numCells,
    (counts) => {
      const t = compute(counts);
      if (estimates === undefined) {
        estimates = getters.map((g) => g(t));
      } else {
        getters.forEach((g, j) => {
          const v = g(t);
          if (v === null || Number.isNaN(v)) undefinedCounts[j]!++;
          else replicates[j]!.push(v);
        });
      }
      return 0;
    },
    settings,
  );
  const empty = cells.length === 0;
  const out = {} as Record<K, Interval>;
  keys.forEach((k, j) => {
    const estimate = estimates?.[j] ?? null;
    out[k] = percentileInterval(
      estimate === null || Number.isNaN(estimate) ? null : estimate,
      replicates[j]!,
      empty ? base.resamples : undefinedCounts[j]!,
      base.level,
      base.resamples,
      base.seed,
      base.method,
    );
  });
  return out;
}
