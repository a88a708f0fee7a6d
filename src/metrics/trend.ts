import { Xoshiro128 } from '../util/prng.js';
import { normalCdf } from './distributions.js';

/**
 * Is a proportion drifting over ordered periods (weeks, batches)? Two stated tests on the counts
 * x_i of n_i per period, in period order:
 *
 * - the Cochran–Armitage test for trend (Cochran 1954, Armitage 1955), scores 0, 1, 2, … (the
 *   periods' ranks): z = Σ s_i (x_i − n_i p̄) / sqrt(p̄ (1 − p̄) (Σ n_i s_i² − (Σ n_i s_i)² / N)),
 *   with the normal law for the p-value. z² equals N r², r the Pearson correlation of score and
 *   outcome over the N single judgements (the form the tests check against scipy);
 * - a likelihood-ratio scan for one change point: for each split after period k, twice the
 *   binomial log-likelihood gained by giving the periods before and after their own proportion;
 *   the statistic is the largest, the change is the split that gives it. Its p-value is a
 *   permutation p-value: the outcomes are reshuffled over the judgements (the period sizes and the
 *   total of successes kept), p = (1 + #{permuted ≥ observed}) / (1 + resamples), seeded, so it
 *   is exact in law and never 0.
 */

export interface TrendTest {
  /** Cochran–Armitage z: below 0 when the proportion falls over the periods. */
  readonly z: number;
  /** Two-sided p-value (normal law). */
  readonly pValue: number;
}

/** Null when there are fewer than two periods, or every outcome is the same (no variance). */
export function cochranArmitage(x: readonly number[], n: readonly number[]): TrendTest | null {
  check(x, n);
  const t = x.length;
  if (t < 2) return null;
  let bigN = 0;
  let bigX = 0;
  for (let i = 0; i < t; i++) {
    bigN += n[i]!;
    bigX += x[i]!;
  }
  const p = bigX / bigN;
  let num = 0;
  let sns = 0;
  let sns2 = 0;
  for (let i = 0; i < t; i++) {
    num += i * (x[i]! - n[i]! * p);
    sns += n[i]! * i;
    sns2 += n[i]! * i * i;
  }
  const variance = p * (1 - p) * (sns2 - (sns * sns) / bigN);
  if (!(variance > 0)) return null;
  const z = num / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

export interface ChangePoint {
  /** The first period after the change (index into the periods, ≥ 1). */
  readonly at: number;
  /** Twice the log-likelihood ratio of the best split. */
  readonly statistic: number;
  readonly before: { readonly x: number; readonly n: number };
  readonly after: { readonly x: number; readonly n: number };
  /** Permutation p-value (see above). */
  readonly pValue: number;
  readonly resamples: number;
}

/** x log(x / n) + (n − x) log(1 − x / n), with 0 log 0 = 0. */
function logLik(x: number, n: number): number {
  if (n === 0) return 0;
  let v = 0;
  if (x > 0) v += x * Math.log(x / n);
  if (x < n) v += (n - x) * Math.log((n - x) / n);
  return v;
}

/** The best split of cumulative successes `cum` (cum[k] = successes in periods < k). */
function scan(cum: ArrayLike<number>, cumN: ArrayLike<number>, t: number): { at: number; stat: number } {
  const bigX = cum[t]!;
  const bigN = cumN[t]!;
  const whole = logLik(bigX, bigN);
  let best = { at: 1, stat: Number.NEGATIVE_INFINITY };
  for (let k = 1; k < t; k++) {
    const stat = 2 * (logLik(cum[k]!, cumN[k]!) + logLik(bigX - cum[k]!, bigN - cumN[k]!) - whole);
    if (stat > best.stat) best = { at: k, stat };
  }
  return best;
}

// Permuted statistics within this relative distance of the observed count as "at least as large"
// (the same split's value recomputed in floating point).
const TIE = 1e-9;

/** Null when there are fewer than two periods. */
export function changePointScan(
  x: readonly number[],
  n: readonly number[],
  settings: { resamples: number; seed: number },
): ChangePoint | null {
  check(x, n);
  const t = x.length;
  if (t < 2) return null;
  const cum = new Float64Array(t + 1);
  const cumN = new Float64Array(t + 1);
  for (let i = 0; i < t; i++) {
    cum[i + 1] = cum[i]! + x[i]!;
    cumN[i + 1] = cumN[i]! + n[i]!;
  }
  const observed = scan(cum, cumN, t);
  const bigN = cumN[t]!;
  const bigX = cum[t]!;
  const rng = new Xoshiro128(settings.seed);
  const perm = new Float64Array(t + 1);
  let atLeast = 0;
  const floor = observed.stat - TIE * Math.max(1, observed.stat);
  for (let r = 0; r < settings.resamples; r++) {
    // A uniformly random arrangement of bigX successes among bigN judgements, drawn one judgement
    // at a time (success with the remaining share), tallied per period.
    let left = bigX;
    let remaining = bigN;
    for (let i = 0; i < t; i++) {
      let s = 0;
      for (let j = 0; j < n[i]!; j++) {
        if (left > 0 && rng.nextFloat() * remaining < left) {
          s++;
          left--;
        }
        remaining--;
      }
      perm[i + 1] = perm[i]! + s;
    }
    if (scan(perm, cumN, t).stat >= floor) atLeast++;
  }
  return {
    at: observed.at,
    statistic: Math.max(0, observed.stat),
    before: { x: cum[observed.at]!, n: cumN[observed.at]! },
    after: { x: bigX - cum[observed.at]!, n: bigN - cumN[observed.at]! },
    pValue: (1 + atLeast) / (1 + settings.resamples),
    resamples: settings.resamples,
  };
}

function check(x: readonly number[], n: readonly number[]): void {
  if (x.length !== n.length) throw new RangeError(`trend: ${x.length} counts for ${n.length} periods`);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const ni = n[i]!;
    if (!(Number.isInteger(ni) && ni >= 1 && Number.isInteger(xi) && xi >= 0 && xi <= ni)) {
      throw new RangeError(`trend: period ${i} needs integers 0 <= x <= n, n >= 1; got x = ${xi}, n = ${ni}`);
    }
  }
}
