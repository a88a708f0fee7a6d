import { describe, expect, it } from 'vitest';
import { binomial, logFactorial, multinomial } from '../../src/metrics/sampling.js';
import { Xoshiro128 } from '../../src/util/prng.js';

function binomialPmf(n: number, p: number, k: number): number {
  return Math.exp(
    logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p),
  );
}

describe('logFactorial', () => {
  it('matches the direct sum of logs on both sides of the table', () => {
    for (const k of [0, 1, 10, 255, 256, 300, 5000]) {
      let direct = 0;
      for (let i = 2; i <= k; i++) direct += Math.log(i);
      expect(Math.abs(logFactorial(k) - direct)).toBeLessThan(1e-12 * Math.max(1, direct));
    }
  });
});

describe('binomial sampler', () => {
  it('has the right mean and variance in the small-mean and mode-search regimes', () => {
    const rng = new Xoshiro128(2024);
    const cases: [number, number][] = [
      [10, 0.3], // inversion from 0
      [1000, 0.004], // inversion from 0, rare events
      [1000, 0.5], // mode search
      [10_000_000, 0.07], // mode search, large n
      [200, 0.9], // p > 1/2 mirrored
    ];
    for (const [n, p] of cases) {
      const draws = 4000;
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < draws; i++) {
        const x = binomial(rng, n, p);
        expect(Number.isInteger(x) && x >= 0 && x <= n).toBe(true);
        sum += x;
        sumSq += x * x;
      }
      const mean = sum / draws;
      const variance = sumSq / draws - mean * mean;
      const sd = Math.sqrt(n * p * (1 - p));
      // 5 standard errors of the mean; variance within 15%
      expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws));
      expect(Math.abs(variance / (n * p * (1 - p)) - 1)).toBeLessThan(0.15);
    }
  });

  it('matches the exact pmf (chi-square goodness of fit) for n = 60, p = 0.45', () => {
    const rng = new Xoshiro128(7);
    const n = 60;
    const p = 0.45;
    const draws = 50_000;
    const hist = new Float64Array(n + 1);
    for (let i = 0; i < draws; i++) hist[binomial(rng, n, p)]!++;
    // pool the tails so that every expected count is >= 5
    let chi2 = 0;
    let bins = 0;
    let obs = 0;
    let exp = 0;
    for (let k = 0; k <= n; k++) {
      obs += hist[k]!;
      exp += draws * binomialPmf(n, p, k);
      if (exp >= 5 || k === n) {
        chi2 += (obs - exp) ** 2 / exp;
        bins++;
        obs = 0;
        exp = 0;
      }
    }
    // 99.9% quantile of chi-square with ~bins-1 (about 25) degrees of freedom is about 52.6
    expect(bins).toBeGreaterThan(15);
    expect(chi2).toBeLessThan(55);
  });

  it('edge probabilities', () => {
    const rng = new Xoshiro128(1);
    expect(binomial(rng, 10, 0)).toBe(0);
    expect(binomial(rng, 10, 1)).toBe(10);
    expect(binomial(rng, 0, 0.5)).toBe(0);
  });
});

describe('multinomial', () => {
  it('allocates exactly n items with the expected shares', () => {
    const rng = new Xoshiro128(5);
    const weights = Float64Array.of(5, 0, 3, 2);
    const out = new Float64Array(4);
    const totals = new Float64Array(4);
    for (let r = 0; r < 2000; r++) {
      multinomial(rng, 1000, weights, out);
      expect(out.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(out[1]).toBe(0);
      out.forEach((x, c) => {
        totals[c]! += x;
      });
    }
    expect(Math.abs(totals[0]! / 2e6 - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(totals[2]! / 2e6 - 0.3)).toBeLessThan(0.005);
    expect(Math.abs(totals[3]! / 2e6 - 0.2)).toBeLessThan(0.005);
  });
});
