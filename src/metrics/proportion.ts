import type { ProportionMethod } from '../contracts/proportion-method.js';
import { betaQuantile, normalQuantile } from './distributions.js';

/**
 * Confidence intervals for a proportion x/n that stay honest at 0 and 1: unlike the percentile
 * bootstrap (which cannot move off 0/n or n/n) and the Wald interval, neither has zero width for
 * n > 0. Brown, Cai & DasGupta (2001), "Interval estimation for a binomial proportion", Statistical
 * Science 16(2), recommend both for small n.
 *
 * - `wilson` (the default): the score interval, closed form, equal to statsmodels'
 *   `proportion_confint(method='wilson')`.
 * - `jeffreys`: the equal-tailed Beta(x + 1/2, n − x + 1/2) posterior interval, equal to statsmodels'
 *   `proportion_confint(method='jeffreys')` for 0 < x < n; at x = 0 the lower end is 0 and at x = n
 *   the upper end is 1 (the boundary modification of Brown, Cai & DasGupta, section 4.1.2; statsmodels
 *   0.13 does not apply it).
 * Counts may be fractional (weighted items); x must lie in [0, n].
 */

export interface ProportionBounds {
  low: number;
  high: number;
}

function check(successes: number, trials: number, level: number): void {
  if (!(Number.isFinite(trials) && trials >= 0))
    throw new RangeError(`trials must be finite and >= 0, got ${trials}`);
  if (!(successes >= 0 && successes <= trials))
    throw new RangeError(`successes must be in [0, ${trials}], got ${successes}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
}

/** Wilson score interval of successes/trials at the given coverage; null when trials = 0. */
export function wilsonInterval(successes: number, trials: number, level = 0.95): ProportionBounds | null {
  check(successes, trials, level);
  if (trials === 0) return null;
  const z = -normalQuantile((1 - level) / 2);
  const z2 = z * z;
  const p = successes / trials;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  // At x = 0 (or n) the centre equals the half-width in exact arithmetic; clamp the rounding.
  return {
    low: successes === 0 ? 0 : Math.max(0, center - half),
    high: successes === trials ? 1 : Math.min(1, center + half),
  };
}

/** Jeffreys interval of successes/trials (boundary-modified, see above); null when trials = 0. */
export function jeffreysInterval(successes: number, trials: number, level = 0.95): ProportionBounds | null {
  check(successes, trials, level);
  if (trials === 0) return null;
  const alpha = 1 - level;
  const a = successes + 0.5;
  const b = trials - successes + 0.5;
  return {
    low: successes === 0 ? 0 : betaQuantile(alpha / 2, a, b),
    high: successes === trials ? 1 : betaQuantile(1 - alpha / 2, a, b),
  };
}

/** The interval of the chosen method; null when trials = 0 (a proportion of nothing). */
export function proportionInterval(
  successes: number,
  trials: number,
  level = 0.95,
  method: ProportionMethod = 'wilson',
): ProportionBounds | null {
  return method === 'wilson'
    ? wilsonInterval(successes, trials, level)
    : jeffreysInterval(successes, trials, level);
}
