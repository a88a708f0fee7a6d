import { z } from 'zod';
import type { ProportionMethod } from '../contracts/proportion-method.js';
import { logGamma, normalCdf, normalQuantile } from './distributions.js';
import { proportionInterval } from './proportion.js';
import { mcnemar } from './significance.js';

/**
 * How many labelled items a decision needs (golden-set sizing). An interval's width is sized with
 * the interval eval reports (`sampleSizeForIntervalWidth`), a paired test's power is computed
 * exactly for the test compare runs (`mcnemarTestPower`); besides those, three normal-approximation
 * formulas, each checked against statsmodels 0.13.5 in test/metrics/stats-reference.test.ts:
 *
 * - interval width: n = p(1 − p)·(z_{α/2}/h)², the items for a two-sided interval of half-width h
 *   around a proportion p (statsmodels `samplesize_confint_proportion`);
 * - one proportion against a fixed value p0 when the truth is p1: the z-test with the null
 *   variance p0·q0 and the alternative variance p1·q1 (Fleiss; Chow, Shao & Wang 2008, §4.1),
 *   n = ((z_α·√(p0 q0) + z_β·√(p1 q1)) / (p1 − p0))², power as statsmodels `normal_power_het`;
 * - paired proportions (two models on the same items, McNemar's test): Connor (1987), "Sample
 *   size for testing differences in proportions for the paired-sample design", Biometrics 43,
 *   207–211, p. 209: with the discordant probabilities p10 (only the first model right) and p01,
 *   ψ = p10 + p01 and δ = p10 − p01, n = ((z_α·√ψ + z_β·√(ψ − δ²)) / δ)², power as
 *   `normal_power_het(δ, n, α, √ψ, √(ψ − δ²))`.
 * z_α is z_{α/2} for a two-sided test. Sample sizes are returned unrounded (`n`) and rounded up
 * (`items`), with the power that the rounded size reaches.
 */

export const AlternativeSchema = z.enum(['two-sided', 'larger', 'smaller']);
export type Alternative = z.infer<typeof AlternativeSchema>;

export interface SampleSize {
  /** The unrounded solution of the formula. */
  n: number;
  /** n rounded up: the items to collect. */
  items: number;
  /** The power at `items`, both tails counted for a two-sided test. */
  power: number;
}

function checkProbability(p: number, what: string, open = true): void {
  const ok = open ? p > 0 && p < 1 : p >= 0 && p <= 1;
  if (!ok) throw new RangeError(`${what} must be in ${open ? '(0, 1)' : '[0, 1]'}, got ${p}`);
}

/** Upper critical value z with P(Z > z) = tail. */
function upper(tail: number): number {
  return -normalQuantile(tail);
}

/**
 * Power of a z-test whose statistic has standard deviation `sdNull` per item under H0 and
 * `sdAlt` under the alternative with mean shift `diff` (statsmodels `normal_power_het`).
 */
export function normalPowerHet(
  diff: number,
  n: number,
  alpha: number,
  sdNull: number,
  sdAlt: number,
  alternative: Alternative = 'two-sided',
): number {
  checkProbability(alpha, 'alpha');
  if (!(n >= 0)) throw new RangeError(`n must be >= 0, got ${n}`);
  const a = alternative === 'two-sided' ? alpha / 2 : alpha;
  const ratio = sdNull / sdAlt;
  const shift = (diff * Math.sqrt(n)) / sdAlt;
  let power = 0;
  if (alternative !== 'smaller') power += normalCdf(shift - upper(a) * ratio);
  if (alternative !== 'larger') power += normalCdf(-upper(a) * ratio - shift);
  return power;
}

/** Items for a two-sided interval of half-width `halfWidth` around proportion p at coverage `level`. */
export function sampleSizeForHalfWidth(
  p: number,
  halfWidth: number,
  level = 0.95,
): { n: number; items: number } {
  checkProbability(p, 'proportion');
  checkProbability(halfWidth, 'half-width');
  checkProbability(level, 'level');
  const n = (p * (1 - p)) / (halfWidth / upper((1 - level) / 2)) ** 2;
  return { n, items: Math.ceil(n) };
}

/** The most items a width search looks at before it gives up (a width too small to plan for). */
export const MAX_PLANNED_ITEMS = 10_000_000;

/**
 * Items for a proportion interval of full width at most `width`, computed with the interval eval
 * reports (`method`, Wilson by default) rather than the normal approximation: that approximation
 * promises widths the reported interval does not have near 0 and 1 (at p = 0.999 and width 0.04 it
 * asks for 10 items; the Wilson interval of 10/10 is 0.2775 wide). The count observed at n items is
 * taken as round(p·n), so the answer is the smallest n at which the interval eval would report for
 * that count is narrow enough. The width is not monotone in n at the last digit (the rounded count
 * steps), so a larger n can be a hair wider; p = 0 and p = 1 are plannable (the interval still has
 * width there). Returns null when no n up to MAX_PLANNED_ITEMS is enough.
 */
export function sampleSizeForIntervalWidth(
  p: number,
  width: number,
  level = 0.95,
  method: ProportionMethod = 'wilson',
): { items: number; width: number } | null {
  checkProbability(p, 'proportion', false);
  checkProbability(width, 'width');
  checkProbability(level, 'level');
  for (let n = 1; n <= MAX_PLANNED_ITEMS; n++) {
    const bounds = proportionInterval(Math.round(p * n), n, level, method)!;
    const w = bounds.high - bounds.low;
    if (w <= width) return { items: n, width: w };
  }
  return null;
}

export interface OneProportionDesign {
  /** The value under the null hypothesis (e.g. today's recall). */
  p0: number;
  /** The value to detect (e.g. recall two points lower). */
  p1: number;
  alpha?: number;
  power?: number;
  alternative?: Alternative;
}

/** Items for a one-sample z-test of p0 to reach `power` when the truth is p1. */
export function oneProportionSampleSize(d: OneProportionDesign): SampleSize {
  const { p0, p1, alpha = 0.05, power = 0.8, alternative = 'two-sided' } = d;
  checkProbability(p0, 'p0');
  checkProbability(p1, 'p1');
  checkProbability(power, 'power');
  if (p0 === p1) throw new RangeError('p0 and p1 must differ');
  const sd0 = Math.sqrt(p0 * (1 - p0));
  const sd1 = Math.sqrt(p1 * (1 - p1));
  const za = upper(alternative === 'two-sided' ? alpha / 2 : alpha);
  const zb = upper(1 - power);
  const n = ((za * sd0 + zb * sd1) / (p1 - p0)) ** 2;
  const items = Math.ceil(n);
  return { n, items, power: normalPowerHet(p1 - p0, items, alpha, sd0, sd1, alternative) };
}

export interface PairedDesign {
  /** P(only the first model is right on an item). */
  p10: number;
  /** P(only the second model is right on an item). */
  p01: number;
  alpha?: number;
  power?: number;
  alternative?: Alternative;
}

function pairedMoments(p10: number, p01: number): { psi: number; delta: number; sdAlt: number } {
  checkProbability(p10, 'p10', false);
  checkProbability(p01, 'p01', false);
  const psi = p10 + p01;
  const delta = p10 - p01;
  if (!(psi > 0 && psi <= 1)) throw new RangeError(`p10 + p01 must be in (0, 1], got ${psi}`);
  return { psi, delta, sdAlt: Math.sqrt(psi - delta * delta) };
}

/** Power of McNemar's z-test with n item pairs (Connor 1987). */
export function pairedPower(d: PairedDesign & { n: number }): number {
  const { psi, delta, sdAlt } = pairedMoments(d.p10, d.p01);
  return normalPowerHet(delta, d.n, d.alpha ?? 0.05, Math.sqrt(psi), sdAlt, d.alternative ?? 'two-sided');
}

/** Item pairs for McNemar's z-test to reach `power` (Connor 1987). */
export function pairedSampleSize(d: PairedDesign): SampleSize {
  const { alpha = 0.05, power = 0.8, alternative = 'two-sided' } = d;
  checkProbability(power, 'power');
  checkProbability(alpha, 'alpha');
  const { psi, delta, sdAlt } = pairedMoments(d.p10, d.p01);
  if (delta === 0) throw new RangeError('p10 and p01 must differ');
  const za = upper(alternative === 'two-sided' ? alpha / 2 : alpha);
  const zb = upper(1 - power);
  const n = ((za * Math.sqrt(psi) + zb * sdAlt) / delta) ** 2;
  const items = Math.ceil(n);
  return { n, items, power: pairedPower({ ...d, n: items }) };
}

/**
 * The discordant probabilities of a drop from p to p − drop when the two models err independently
 * given the item: p10 = p·(1 − p + drop), p01 = (1 − p)·(p − drop). Real model versions make
 * correlated errors and so fewer discordant items; independence gives the most discordance for
 * these marginals among non-negatively correlated models, so the sample size from it errs on the
 * large side (a caller who knows the discordance should pass it).
 */
export function independentDiscordance(p: number, drop: number): { p10: number; p01: number } {
  checkProbability(p, 'baseline proportion', false);
  if (!(drop > 0 && drop <= p)) throw new RangeError(`drop must be in (0, ${p}], got ${drop}`);
  return { p10: p * (1 - p + drop), p01: (1 - p) * (p - drop) };
}

/** log P(X = k) for X ~ Binomial(n, p). */
function logBinomialPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** The k range of Binomial(n, p) outside of which the mass is negligible (beyond 10 sd). */
function binomialWindow(n: number, p: number): [number, number] {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return [Math.max(0, Math.floor(mean - 10 * sd - 1)), Math.min(n, Math.ceil(mean + 10 * sd + 1))];
}

/**
 * Power of the McNemar test `compare` actually runs (significance.ts: exact binomial while b + c is
 * below 25, continuity-corrected chi-square from there; rejecting when p ≤ α), with n item pairs,
 * counting the rejections in the direction of the difference (p10 > p01: the first model is right
 * more often). Exact over the joint distribution of the discordant counts: D = b + c ~ Bin(n, ψ),
 * b | D ~ Bin(D, p10/ψ); terms beyond 10 standard deviations are skipped. Connor's formula sizes for
 * the uncorrected z-test, so this is a little lower than the power it promises (e.g. about 0.78 at
 * the size it gives for 0.8 in the spam-sized cases of test/plan).
 */
export function mcnemarTestPower(d: PairedDesign & { n: number }): number {
  const { psi } = pairedMoments(d.p10, d.p01);
  const alpha = d.alpha ?? 0.05;
  const n = d.n;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be an integer >= 0, got ${n}`);
  const high = Math.max(d.p10, d.p01);
  const share = high / psi;
  const [dLow, dHigh] = binomialWindow(n, psi);
  let power = 0;
  for (let total = Math.max(1, dLow); total <= dHigh; total++) {
    const pTotal = Math.exp(logBinomialPmf(total, n, psi));
    if (pTotal === 0) continue;
    // The smallest count on the better side that rejects (the p-value falls as it grows).
    const rejects = (b: number) => mcnemar(b, total - b).pValue <= alpha;
    if (!rejects(total)) continue;
    let lo = Math.ceil(total / 2);
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rejects(mid)) hi = mid;
      else lo = mid + 1;
    }
    const [bLow, bHigh] = binomialWindow(total, share);
    let tail = 0;
    for (let b = Math.max(lo, bLow); b <= bHigh; b++) tail += Math.exp(logBinomialPmf(b, total, share));
    power += pTotal * tail;
  }
  return Math.min(1, power);
}
