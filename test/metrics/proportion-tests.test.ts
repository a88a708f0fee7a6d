import { describe, expect, it } from 'vitest';
import { binomialLowerP, fisherLowerP } from '../../src/metrics/proportion-tests.js';

/** Exact one-sided tests, against published values and a direct sum written here. */

/** P(X <= x), X ~ Binomial(n, p), summed term by term with exact binomial coefficients (BigInt). */
function directBinomialCdf(x: number, n: number, p: number): number {
  let coef = 1n;
  let sum = 0;
  for (let k = 0; k <= x; k++) {
    if (k > 0) coef = (coef * BigInt(n - k + 1)) / BigInt(k);
    sum += Number(coef) * p ** k * (1 - p) ** (n - k);
  }
  return sum;
}

describe('binomialLowerP', () => {
  it('equals the direct sum of binomial terms', () => {
    for (const [x, n, p] of [
      [3, 10, 0.5],
      [40, 60, 0.8],
      [0, 25, 0.1],
      [88, 100, 0.95],
      [12, 13, 0.5],
    ] as const) {
      expect(Math.abs(binomialLowerP(x, n, p) - directBinomialCdf(x, n, p))).toBeLessThan(1e-12);
    }
  });

  it('has the textbook value: 2 heads or fewer in 10 fair tosses = 56/1024', () => {
    expect(binomialLowerP(2, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
  });

  it('edges: all successes is p = 1; p0 = 1 with a failure is p = 0', () => {
    expect(binomialLowerP(5, 5, 0.9)).toBe(1);
    expect(binomialLowerP(4, 5, 1)).toBe(0);
    expect(() => binomialLowerP(6, 5, 0.5)).toThrow(RangeError);
  });
});

describe('fisherLowerP', () => {
  it("Fisher's tea-tasting table [[3, 1], [1, 3]] (Fisher 1935): one-sided p = 17/70 for the upper tail", () => {
    // Upper tail of group 1 (3 of 4 right) = lower tail of group 2 (1 of 4 right): 1/70 + 16/70.
    expect(fisherLowerP(1, 4, 3, 4)).toBeCloseTo(17 / 70, 14);
    // The lower tail of the table itself: P(X <= 3) = 1 − P(X = 4) = 69/70.
    expect(fisherLowerP(3, 4, 1, 4)).toBeCloseTo(69 / 70, 14);
  });

  it('equals the hypergeometric sum written with exact counts (BigInt binomials)', () => {
    const choose = (n: number, k: number): bigint => {
      let c = 1n;
      for (let i = 1; i <= k; i++) c = (c * BigInt(n - k + i)) / BigInt(i);
      return c;
    };
    const exact = (x1: number, n1: number, x2: number, n2: number) => {
      const t = x1 + x2;
      let num = 0n;
      for (let k = Math.max(0, t - n2); k <= x1; k++) num += choose(n1, k) * choose(n2, t - k);
      return Number((num * 10n ** 18n) / choose(n1 + n2, t)) / 1e18;
    };
    for (const [x1, n1, x2, n2] of [
      [30, 50, 400, 500],
      [7, 20, 15, 20],
      [0, 12, 90, 100],
      [45, 60, 700, 900],
    ] as const) {
      expect(Math.abs(fisherLowerP(x1, n1, x2, n2) - exact(x1, n1, x2, n2))).toBeLessThan(1e-10);
    }
  });
});
