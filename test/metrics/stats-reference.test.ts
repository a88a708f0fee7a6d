import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  betaQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
} from '../../src/metrics/distributions.js';
import { adjustPValues, rejectedAt } from '../../src/metrics/multiplicity.js';
import { jeffreysInterval, proportionInterval, wilsonInterval } from '../../src/metrics/proportion.js';
import {
  type Alternative,
  independentDiscordance,
  mcnemarTestPower,
  normalPowerHet,
  oneProportionSampleSize,
  pairedPower,
  pairedSampleSize,
  sampleSizeForHalfWidth,
  sampleSizeForIntervalWidth,
} from '../../src/metrics/sample-size.js';
import { mcnemar } from '../../src/metrics/significance.js';
import { Xoshiro128 } from '../../src/util/prng.js';
import { expectClose } from './vectors.js';

/**
 * Reference values: test/vectors/stats.json, written by test/vectors/stats.py with Debian's
 * python3-statsmodels 0.13.5 (scipy 1.10.1, numpy 1.24.2). The calls, as in that script:
 * - scipy.stats.norm.ppf(p), scipy.stats.beta.ppf(p, a, b), scipy.stats.beta.cdf(x, a, b);
 * - statsmodels.stats.proportion.proportion_confint(count, nobs, alpha, method='wilson' | 'jeffreys');
 * - statsmodels.stats.multitest.multipletests(pvals, method='holm' | 'fdr_bh')[1];
 * - statsmodels.stats.proportion.samplesize_confint_proportion(proportion, half_length, alpha);
 * - statsmodels.stats.power.normal_power_het(diff, nobs, alpha, std_null, std_alternative, alternative)
 *   for the power of the one-proportion z-test (std sqrt(p0 q0) / sqrt(p1 q1)) and of McNemar's
 *   test (Connor 1987: std sqrt(psi) / sqrt(psi - delta^2)), with the closed-form sample sizes
 *   written out in the script;
 * - published: Connor (1987) p. 209 as worked on powerandsamplesize.com (p01 = 0.45, p10 = 0.05:
 *   23 pairs two-sided at power 0.8, 23 one-sided at power 0.9).
 */
interface Vectors {
  versions: Record<string, string>;
  normal_ppf: { p: number; x: number }[];
  beta_ppf: { p: number; a: number; b: number; x: number }[];
  beta_cdf: { x: number; a: number; b: number; p: number }[];
  proportion_confint: {
    count: number;
    nobs: number;
    alpha: number;
    wilson: [number, number];
    jeffreys: [number, number];
  }[];
  multipletests: { pvals: number[]; holm: number[]; fdr_bh: number[] }[];
  multipletests_reject: {
    pvals: number[];
    alpha: number;
    holm: { reject: boolean[]; corrected: number[] };
    fdr_bh: { reject: boolean[]; corrected: number[] };
  }[];
  samplesize_confint_proportion: { proportion: number; half_length: number; alpha: number; n: number }[];
  one_proportion: {
    p0: number;
    p1: number;
    alpha: number;
    power: number;
    alternative: Alternative;
    n: number;
    ceil_n: number;
    power_at_ceil_n: number;
  }[];
  mcnemar: {
    p10: number;
    p01: number;
    alpha: number;
    power: number;
    alternative: Alternative;
    n: number;
    ceil_n: number;
    power_at_ceil_n: number;
  }[];
  mcnemar_published: {
    p10: number;
    p01: number;
    alpha: number;
    power: number;
    alternative: Alternative;
    ceil_n: number;
  }[];
}

const v = JSON.parse(readFileSync(new URL('../vectors/stats.json', import.meta.url), 'utf8')) as Vectors;

/** Relative-or-absolute closeness. */
function close(actual: number | null | undefined, expected: number, rel = 1e-12, abs = 1e-14): void {
  expectClose(actual, expected, Math.max(abs, rel * Math.abs(expected)));
}

describe('reference vectors', () => {
  it('come from the recorded statsmodels version', () => {
    expect(v.versions.statsmodels).toBe('0.13.5+dfsg');
  });
});

describe('normal and beta distributions (scipy 1.10.1)', () => {
  it('normalQuantile matches scipy.stats.norm.ppf to about 1e-14 relative', () => {
    for (const { p, x } of v.normal_ppf) close(normalQuantile(p), x, 1e-13);
  });
  it('normalQuantile is the inverse of normalCdf and handles 0, 1 and bad input', () => {
    for (const p of [1e-12, 0.001, 0.3, 0.5, 0.77, 0.999]) close(normalCdf(normalQuantile(p)), p, 1e-13);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
  it('betaCdf and betaQuantile match scipy.stats.beta', () => {
    for (const { x, a, b, p } of v.beta_cdf) close(betaCdf(x, a, b), p, 1e-11, 1e-15);
    for (const { p, a, b, x } of v.beta_ppf) close(betaQuantile(p, a, b), x, 1e-10, 1e-15);
  });
  it('logGamma matches known values', () => {
    close(logGamma(1), 0, 0, 1e-14);
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    close(logGamma(10), Math.log(362880), 1e-14);
    close(logGamma(1e-3), 6.907178885383853, 1e-13);
  });
});

describe('proportion intervals (statsmodels proportion_confint)', () => {
  it('Wilson matches statsmodels for every case, edges included', () => {
    for (const c of v.proportion_confint) {
      const iv = wilsonInterval(c.count, c.nobs, 1 - c.alpha)!;
      close(iv.low, c.wilson[0], 1e-12, 1e-15);
      close(iv.high, c.wilson[1], 1e-12, 1e-15);
    }
  });
  it('Jeffreys matches statsmodels inside (0, n) and applies the Brown-Cai-DasGupta boundary rule', () => {
    for (const c of v.proportion_confint) {
      const iv = jeffreysInterval(c.count, c.nobs, 1 - c.alpha)!;
      if (c.count === 0) expect(iv.low).toBe(0);
      else close(iv.low, c.jeffreys[0], 1e-10, 1e-15);
      if (c.count === c.nobs) expect(iv.high).toBe(1);
      else close(iv.high, c.jeffreys[1], 1e-10, 1e-15);
    }
  });
  it('never has zero width on finite data, and is undefined with no trials', () => {
    for (const method of ['wilson', 'jeffreys'] as const) {
      for (const [x, n] of [
        [0, 1],
        [1, 1],
        [33, 33],
        [0, 1183],
        [1183, 1183],
      ] as const) {
        const iv = proportionInterval(x, n, 0.95, method)!;
        expect(iv.high - iv.low).toBeGreaterThan(0);
        expect(iv.low <= x / n && x / n <= iv.high).toBe(true);
      }
      expect(proportionInterval(0, 0, 0.95, method)).toBeNull();
    }
  });
  it('accepts weighted (fractional) counts and refuses impossible ones', () => {
    const iv = wilsonInterval(2.5, 4.5)!;
    expect(iv.low).toBeGreaterThan(0);
    expect(iv.high).toBeLessThan(1);
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 1)).toThrow(RangeError);
    expect(() => wilsonInterval(Number.NaN, 2)).toThrow(RangeError);
  });
});

describe('multiplicity adjustment (statsmodels multipletests)', () => {
  it('Holm and Benjamini-Hochberg match statsmodels, ties and ones included', () => {
    for (const c of v.multipletests) {
      adjustPValues(c.pvals, 'holm').forEach((p, i) => {
        close(p, c.holm[i]!, 1e-14, 1e-16);
      });
      adjustPValues(c.pvals, 'benjamini-hochberg').forEach((p, i) => {
        close(p, c.fdr_bh[i]!, 1e-14, 1e-16);
      });
    }
  });
  it('adjusted p-values equal statsmodels bit for bit (same arithmetic: p·(m−i+1), p / (i/m))', () => {
    for (const c of v.multipletests) {
      expect(adjustPValues(c.pvals, 'holm')).toEqual(c.holm);
      expect(adjustPValues(c.pvals, 'benjamini-hochberg')).toEqual(c.fdr_bh);
    }
    for (const c of v.multipletests_reject) {
      expect(adjustPValues(c.pvals, 'holm')).toEqual(c.holm.corrected);
      expect(adjustPValues(c.pvals, 'benjamini-hochberg')).toEqual(c.fdr_bh.corrected);
    }
  });
  it('rejects as statsmodels does, at alpha itself included (multipletests(...)[0])', () => {
    for (const c of v.multipletests_reject) {
      expect(rejectedAt(c.pvals, 'holm', c.alpha)).toEqual(c.holm.reject);
      expect(rejectedAt(c.pvals, 'benjamini-hochberg', c.alpha)).toEqual(c.fdr_bh.reject);
    }
    // Dyadic p-values (as McNemar's exact ones are): the adjusted p is exactly alpha and rejected.
    expect(adjustPValues([0.125, 0.125], 'holm')).toEqual([0.25, 0.25]);
    expect(rejectedAt([0.125, 0.125], 'holm', 0.25)).toEqual([true, true]);
    expect(rejectedAt([0.25, 0.25], 'benjamini-hochberg', 0.25)).toEqual([true, true]);
    // Float64 boundary: statsmodels rejects on p_(1) <= alpha/7 although p_(1)·7 rounds to an ulp
    // above alpha, and so does modeval; the adjusted p it reports is that ulp above.
    const sevenths = v.multipletests_reject[3]!;
    expect(sevenths.holm.corrected[0]).toBeGreaterThan(sevenths.alpha);
    expect(rejectedAt(sevenths.pvals, 'holm', sevenths.alpha)[0]).toBe(true);
  });
  it('leaves untestable entries null and out of the count', () => {
    expect(rejectedAt([0.01, null, 0.04], 'holm', 0.04)).toEqual([true, null, true]);
    expect(rejectedAt([0.01, null, 0.04], 'benjamini-hochberg', 0.02)).toEqual([true, null, false]);
    expect(adjustPValues([0.01, null, 0.04], 'holm')).toEqual([0.02, null, 0.04]);
    expect(adjustPValues([null], 'benjamini-hochberg')).toEqual([null]);
    expect(adjustPValues([], 'holm')).toEqual([]);
    expect(() => adjustPValues([1.2], 'holm')).toThrow(RangeError);
    expect(() => adjustPValues([Number.NaN], 'holm')).toThrow(RangeError);
  });
});

describe('sample sizes and power', () => {
  it('interval width: samplesize_confint_proportion', () => {
    for (const c of v.samplesize_confint_proportion) {
      const s = sampleSizeForHalfWidth(c.proportion, c.half_length, 1 - c.alpha);
      close(s.n, c.n, 1e-12);
      expect(s.items).toBe(Math.ceil(c.n));
    }
  });
  it('one proportion: closed form and normal_power_het at the rounded size', () => {
    for (const c of v.one_proportion) {
      const s = oneProportionSampleSize(c);
      close(s.n, c.n, 1e-12);
      expect(s.items).toBe(c.ceil_n);
      close(s.power, c.power_at_ceil_n, 1e-12);
      expect(s.power).toBeGreaterThanOrEqual(c.power);
    }
  });
  it('paired (McNemar, Connor 1987): closed form and normal_power_het at the rounded size', () => {
    for (const c of v.mcnemar) {
      const s = pairedSampleSize(c);
      close(s.n, c.n, 1e-12);
      expect(s.items).toBe(c.ceil_n);
      close(s.power, c.power_at_ceil_n, 1e-12);
      close(pairedPower({ ...c, n: c.ceil_n }), c.power_at_ceil_n, 1e-12);
    }
  });
  it("paired: Connor's published example", () => {
    for (const c of v.mcnemar_published) expect(pairedSampleSize(c).items).toBe(c.ceil_n);
  });
  it('power grows with n and equals alpha with no effect', () => {
    const p = (n: number) => pairedPower({ p10: 0.03, p01: 0.01, n });
    expect(p(100)).toBeLessThan(p(500));
    expect(p(500)).toBeLessThan(p(2000));
    close(normalPowerHet(0, 100, 0.05, 1, 1), 0.05, 1e-12);
    close(normalPowerHet(0, 100, 0.05, 1, 1, 'larger'), 0.05, 1e-12);
  });
  it('independent discordance has the requested marginals and refuses impossible drops', () => {
    const { p10, p01 } = independentDiscordance(0.95, 0.02);
    // Baseline right = p10 + both; candidate right = p01 + both, both = p (p - drop).
    const both = 0.95 * 0.93;
    close(p10 + both, 0.95, 1e-15);
    close(p01 + both, 0.93, 1e-15);
    expect(() => independentDiscordance(0.01, 0.02)).toThrow(RangeError);
    expect(() => pairedSampleSize({ p10: 0.02, p01: 0.02 })).toThrow(RangeError);
    expect(() => oneProportionSampleSize({ p0: 0.9, p1: 0.9 })).toThrow(RangeError);
    expect(() => sampleSizeForHalfWidth(0.5, 0)).toThrow(RangeError);
  });
});

describe('mcnemarTestPower: the exact power of the McNemar test compare runs', () => {
  /** Monte Carlo power of `mcnemar` itself on simulated paired items (fixed seed). */
  function simulatedPower(n: number, p10: number, p01: number, sims: number): number {
    const rng = new Xoshiro128(20261207);
    let rejected = 0;
    for (let s = 0; s < sims; s++) {
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const u = rng.nextFloat();
        if (u < p10) b++;
        else if (u < p10 + p01) c++;
      }
      if (b > c && mcnemar(b, c).pValue <= 0.05) rejected++;
    }
    return rejected / sims;
  }

  it('equals a simulation of the test within 4 standard errors (exact and chi-square regimes)', () => {
    for (const [n, p10, p01] of [
      [40, 0.2, 0.04],
      [300, 0.08, 0.03],
      [600, 0.05, 0.03],
    ] as const) {
      const sims = 2000;
      const exact = mcnemarTestPower({ n, p10, p01 });
      const mc = simulatedPower(n, p10, p01, sims);
      const se = Math.sqrt((exact * (1 - exact)) / sims);
      expect(Math.abs(exact - mc)).toBeLessThan(4 * se + 1e-9);
    }
  });

  it("is below Connor's promised power at Connor's size (about 0.78 for 0.8)", () => {
    const d = independentDiscordance(0.95, 0.02);
    const size = pairedSampleSize({ ...d, power: 0.8 });
    const exact = mcnemarTestPower({ ...d, n: size.items });
    expect(size.power).toBeGreaterThanOrEqual(0.8);
    expect(exact).toBeGreaterThan(0.77);
    expect(exact).toBeLessThan(0.8);
    expect(mcnemarTestPower({ ...d, n: 0 })).toBe(0);
  });
});

describe('sampleSizeForIntervalWidth', () => {
  it('is the smallest n whose reported interval of round(p·n)/n is narrow enough, edges included', () => {
    for (const method of ['wilson', 'jeffreys'] as const) {
      for (const p of [0, 0.001, 0.3, 0.5, 0.9, 0.99, 1]) {
        const s = sampleSizeForIntervalWidth(p, 0.05, 0.95, method)!;
        const width = (n: number) => {
          const b = proportionInterval(Math.round(p * n), n, 0.95, method)!;
          return b.high - b.low;
        };
        expect(width(s.items)).toBeLessThanOrEqual(0.05);
        expect(s.items === 1 || width(s.items - 1) > 0.05).toBe(true);
      }
    }
    // Issue 28's values (Wilson, 4-point interval).
    expect(sampleSizeForIntervalWidth(0.999, 0.04)!.items).toBe(93);
    expect(sampleSizeForIntervalWidth(0.99, 0.04)!.items).toBe(134);
  });
});
