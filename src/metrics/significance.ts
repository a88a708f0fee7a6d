import type { McNemarResult } from '../contracts/metric-results.js';

/**
 * McNemar's test for two models on the same items, from the discordant counts
 * b = items only model A got right, c = items only model B got right. Both p-values are two-sided
 * and computed as statsmodels' `contingency_tables.mcnemar` does:
 * - exact: 2 * BinomCDF(min(b, c); b + c, 1/2), capped at 1;
 * - chi-square with continuity correction: (|b - c| - 1)^2 / (b + c) against chi^2 with 1 degree
 *   of freedom, the correction not clamped at 0 (so b = c gives 1/(b + c), as statsmodels).
 * statsmodels leaves the choice to the caller; we pick the exact test while b + c < 25, the usual
 * rule of thumb for when the chi-square approximation is poor (configurable).
 */

export const DEFAULT_EXACT_BELOW = 25;

/** Two-sided exact binomial p-value for McNemar: 2 * P(X <= min(b, c)), X ~ Bin(b + c, 1/2). */
export function mcnemarExactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const m = Math.min(b, c);
  let tail: number;
  if (n <= 1000) {
    // pmf(0) = 2^-n is exact in float64 down to n = 1074; build the tail upwards by the ratio.
    let pmf = 2 ** -n;
    tail = pmf;
    for (let k = 0; k < m; k++) {
      pmf *= (n - k) / (k + 1);
      tail += pmf;
    }
  } else {
    // Large n: start from log pmf(m) and sum downwards, where terms shrink, relative to pmf(m).
    let logPmf = -n * Math.LN2;
    for (let i = 1; i <= m; i++) logPmf += Math.log(n - m + i) - Math.log(i);
    let term = 1;
    let sum = 1;
    for (let k = m; k > 0 && term > 1e-17 * sum; k--) {
      term *= k / (n - k + 1);
      sum += term;
    }
    tail = Math.exp(logPmf) * sum;
  }
  return Math.min(1, 2 * tail);
}

/**
 * erfc(x) for x >= 0: for x < 2 via erf's series erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^k x^{2k+1}/(2k+1)!!
 * (all terms positive, no cancellation); for x >= 2 via the continued fraction
 * erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated by modified Lentz.
 * Both reach close to float64 precision; the fraction keeps relative precision in the far tail.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let k = 1; k < 200; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // Continued fraction x + a1/(x + a2/(x + ...)) with a_k = k/2, modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let cc = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    cc = x + a / cc;
    if (cc === 0) cc = tiny;
    const delta = cc * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** P(X > x) for X ~ chi-square with 1 degree of freedom. */
export function chiSquare1Survival(x: number): number {
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

export interface McNemarOptions {
  /** Use the exact test while b + c is below this; default 25. */
  exactBelow?: number;
}

/** McNemar's test from the discordant counts. */
export function mcnemar(b: number, c: number, options: McNemarOptions = {}): McNemarResult {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0))
      throw new RangeError(`McNemar count ${name} must be an integer >= 0, got ${v}`);
  }
  const exactBelow = options.exactBelow ?? DEFAULT_EXACT_BELOW;
  const n = b + c;
  const exactPValue = mcnemarExactP(b, c);
  const chi2Corrected = n === 0 ? null : (Math.abs(b - c) - 1) ** 2 / n;
  const chi2Uncorrected = n === 0 ? null : (b - c) ** 2 / n;
  const pValueCorrected = chi2Corrected === null ? null : chiSquare1Survival(chi2Corrected);
  const useExact = n < exactBelow || pValueCorrected === null;
  return {
    b,
    c,
    method: useExact ? 'exact-binomial' : 'chi-square-corrected',
    pValue: useExact ? exactPValue : pValueCorrected,
    exactPValue,
    chi2Corrected,
    pValueCorrected,
    chi2Uncorrected,
    exactBelow,
  };
}

/**
 * McNemar table from per-item correctness of two models:
 * [[both right, only A right], [only B right, both wrong]].
 */
export function mcnemarTable(
  correctA: ArrayLike<boolean | number>,
  correctB: ArrayLike<boolean | number>,
): [[number, number], [number, number]] {
  if (correctA.length !== correctB.length)
    throw new RangeError('McNemar needs the same items for both models');
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  let neither = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = Boolean(correctA[i]);
    const b = Boolean(correctB[i]);
    if (a && b) both++;
    else if (a) onlyA++;
    else if (b) onlyB++;
    else neither++;
  }
  return [
    [both, onlyA],
    [onlyB, neither],
  ];
}

/** McNemar's test straight from per-item correctness. */
export function mcnemarFromCorrectness(
  correctA: ArrayLike<boolean | number>,
  correctB: ArrayLike<boolean | number>,
  options: McNemarOptions = {},
): McNemarResult {
  const t = mcnemarTable(correctA, correctB);
  return mcnemar(t[0][1], t[1][0], options);
}
