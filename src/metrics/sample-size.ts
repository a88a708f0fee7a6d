import { z } from 'zod';
import { normalCdf, normalQuantile } from './distributions.js';

/**
 * How many labelled items a decision needs (golden-set sizing). Three normal-approximation
 * formulas, each checked against statsmodels 0.13.5 in test/metrics/sample-size.test.ts:
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
