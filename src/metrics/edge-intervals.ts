import type { Interval } from '../contracts/metric-results.js';
import type { ProportionMethod } from '../contracts/proportion-method.js';
import { proportionInterval } from './proportion.js';

/**
 * Intervals that never claim certainty the data does not hold.
 *
 * A proportion (accuracy, precision, recall, FPR, FNR) gets its Wilson or Jeffreys interval from
 * its counts (`countInterval`). Other statistics keep their percentile bootstrap, which collapses
 * to a single value when no item in the sample moves the statistic (a slice with no error gives
 * F1 = 1 in every replicate). Such an interval is widened (`widenDegenerate`) by the share of
 * items that could still be contrary without contradicting the data: the upper end u of the
 * proportion interval for 0 contrary items out of the `items` the statistic rests on (for
 * Wilson at 95 %, u ≈ 3.84 / (n + 3.84); the "rule of three" idea). The interval becomes
 * [est − u·(est − min), est + u·(max − est)] on the statistic's range [min, max], so a value at an
 * edge opens only inwards.
 */

/** The interval of successes/trials (trials 0: undefined estimate, null ends). */
export function countInterval(
  successes: number,
  trials: number,
  level: number,
  method: ProportionMethod,
): Interval {
  const bounds = proportionInterval(successes, trials, level, method);
  return {
    estimate: trials === 0 ? null : successes / trials,
    low: bounds?.low ?? null,
    high: bounds?.high ?? null,
    level,
    method,
    resamples: 0,
    undefinedResamples: 0,
    seed: null,
  };
}

/** Whether a defined statistic's interval has no width (or no ends) although items were measured. */
export function isDegenerate(iv: Interval): boolean {
  if (iv.estimate === null) return false;
  return iv.low === null || iv.high === null || !(iv.high - iv.low > 0);
}

/**
 * The interval unchanged, or, when degenerate on `items` > 0 items, widened as described above.
 * `range` is the statistic's possible range ([0, 1] for F1, [−1, 1] for kappa and MCC).
 */
export function widenDegenerate(
  iv: Interval,
  items: number,
  range: readonly [number, number],
  method: ProportionMethod,
): Interval {
  if (!isDegenerate(iv) || !(items > 0)) return iv;
  const est = iv.estimate!;
  const share = proportionInterval(0, items, iv.level, method)!.high;
  return {
    ...iv,
    low: Math.max(range[0], est - share * (est - range[0])),
    high: Math.min(range[1], est + share * (range[1] - est)),
    widened: { items, share },
  };
}

/** An interval whose estimate is undefined for a stated reason. */
export function undefinedInterval(iv: Interval, reason: string): Interval {
  return { ...iv, estimate: null, low: null, high: null, reason };
}
