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

/**
 * Widths up to this share of the statistic's range are float noise, not sampling spread: replicates
 * of a statistic that no item moves differ only by rounding (an MCC of 1 computed as
 * 0.9999999999999998 and 1.0000000000000002), while a real interval this narrow would need
 * billions of items even at the edge of the range (Wilson at 0 of n: about 3.84/n wide).
 */
const NOISE_WIDTH = 1e-9;

/**
 * Whether a defined statistic's interval has no width (or no ends) although items were measured;
 * with `range`, a width within float noise of the range counts as none.
 */
export function isDegenerate(iv: Interval, range?: readonly [number, number]): boolean {
  if (iv.estimate === null) return false;
  const tolerance = range ? NOISE_WIDTH * (range[1] - range[0]) : 0;
  return iv.low === null || iv.high === null || !(iv.high - iv.low > tolerance);
}

/** Estimate and ends moved into `range`: a statistic cannot leave it except by rounding. */
function clampToRange(iv: Interval, range: readonly [number, number]): Interval {
  const clamp = (x: number | null) => (x === null ? null : Math.min(range[1], Math.max(range[0], x)));
  const [estimate, low, high] = [clamp(iv.estimate), clamp(iv.low), clamp(iv.high)];
  if (estimate === iv.estimate && low === iv.low && high === iv.high) return iv;
  return { ...iv, estimate, low, high };
}

/**
 * The interval clamped to `range` (the statistic's possible range: [0, 1] for F1, [−1, 1] for
 * kappa and MCC) and, when degenerate on `items` > 0 items, widened as described above.
 */
export function widenDegenerate(
  interval: Interval,
  items: number,
  range: readonly [number, number],
  method: ProportionMethod,
): Interval {
  const iv = clampToRange(interval, range);
  if (!isDegenerate(iv, range) || !(items > 0)) return iv;
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
