import { describe, expect, it } from 'vitest';
import { binomial } from '../../src/metrics/sampling.js';
import { changePointScan, cochranArmitage } from '../../src/metrics/trend.js';
import { Xoshiro128 } from '../../src/util/prng.js';

describe('cochranArmitage', () => {
  it("equals Agresti's malformation example with equally spaced scores (M² = 1.83)", () => {
    // Agresti, Categorical Data Analysis (2nd ed., 2002), Table 3.7: malformation by the mother's
    // alcohol consumption; with scores 1..5 he reports M² = (n − 1) r² = 1.83. z² = n r².
    const x = [48, 38, 5, 1, 1];
    const n = [17114, 14502, 793, 127, 38];
    const t = cochranArmitage(x, n)!;
    const total = n.reduce((a, b) => a + b, 0);
    expect(((t.z * t.z * (total - 1)) / total).toFixed(2)).toBe('1.83');
    // scipy 1.17: z = sqrt(N) * pearsonr(score, outcome over the N judgements).r, p = 2 norm.sf(|z|).
    expect(t.z).toBeCloseTo(1.351967363175954, 10);
    expect(t.pValue).toBeCloseTo(0.17638575606997564, 10);
  });

  it.each([
    // [x, n, z, p] from the same scipy computation (pearsonr on the expanded 0/1 outcomes).
    [[90, 88, 85, 80, 70], [100, 100, 100, 100, 100], -4.003838852566145, 6.232282583642204e-5],
    [[45, 30, 12, 7], [50, 35, 20, 10], -2.6823956401214426, 0.007309695443204562],
  ])('matches scipy on %j of %j', (x, n, z, p) => {
    const t = cochranArmitage(x, n)!;
    expect(t.z).toBeCloseTo(z, 10);
    expect(t.pValue / p).toBeCloseTo(1, 8);
  });

  it('is undefined with one period or no variance, and refuses bad counts', () => {
    expect(cochranArmitage([3], [5])).toBeNull();
    expect(cochranArmitage([5, 7], [5, 7])).toBeNull();
    expect(cochranArmitage([0, 0], [5, 7])).toBeNull();
    expect(() => cochranArmitage([6], [5])).toThrow(RangeError);
    expect(() => cochranArmitage([0, 1], [0, 1])).toThrow(RangeError);
  });
});

describe('changePointScan', () => {
  it('finds the split and statistic of a brute-force scan (computed in Python)', () => {
    const c = changePointScan([90, 88, 85, 80, 70], [100, 100, 100, 100, 100], { resamples: 199, seed: 1 })!;
    expect(c.at).toBe(3);
    expect(c.statistic).toBeCloseTo(13.129777810414055, 9);
    expect(c.before).toEqual({ x: 263, n: 300 });
    expect(c.after).toEqual({ x: 150, n: 200 });
    expect(c.pValue).toBeLessThan(0.01);
  });

  it('has the exact permutation p-value of a small table within Monte Carlo error', () => {
    // Enumerating all C(12, 8) = 495 arrangements in Python: 66 reach the observed 4.7493.
    const resamples = 40_000;
    const c = changePointScan([4, 3, 1], [4, 4, 4], { resamples, seed: 7 })!;
    expect(c.statistic).toBeCloseTo(4.749336302022055, 9);
    const exact = 66 / 495;
    const se = Math.sqrt((exact * (1 - exact)) / resamples);
    expect(Math.abs(c.pValue - exact)).toBeLessThan(4 * se);
  });

  it('is deterministic for a seed, never 0, null with one period', () => {
    const a = changePointScan([50, 10], [50, 50], { resamples: 99, seed: 3 })!;
    expect(a).toEqual(changePointScan([50, 10], [50, 50], { resamples: 99, seed: 3 }));
    expect(a.pValue).toBe(1 / 100);
    expect(changePointScan([5], [9], { resamples: 9, seed: 1 })).toBeNull();
    // All successes: every arrangement is the same, nothing changes.
    const flat = changePointScan([4, 4], [4, 4], { resamples: 9, seed: 1 })!;
    expect(flat.statistic).toBe(0);
    expect(flat.pValue).toBe(1);
  });

  /** Eight weeks of 200 judgements; accuracy 0.9, dropping to `after` from week 6 (simulated). */
  function series(seed: number, after: number): { x: number[]; n: number[] } {
    const rng = new Xoshiro128(seed);
    const n = new Array<number>(8).fill(200);
    return { n, x: n.map((m, i) => binomial(rng, m, i >= 5 ? after : 0.9)) };
  }

  it('finds a planted drop (0.90 → 0.75 at week 6) on every one of 20 seeds, within a week of the right one', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { x, n } = series(seed, 0.75);
      const c = changePointScan(x, n, { resamples: 499, seed })!;
      expect(c.pValue, `seed ${seed}`).toBeLessThanOrEqual(0.05);
      expect(Math.abs(c.at - 5), `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(c.after.x / c.after.n).toBeLessThan(c.before.x / c.before.n);
      expect(cochranArmitage(x, n)!.z).toBeLessThan(0);
    }
  });

  it('holds its level on flat series: at most 18 of 200 seeds below 0.05 (expected 10)', () => {
    // P(Binomial(200, 0.05) > 18) ≈ 0.006 for a test of exact size; both tests are checked.
    let scanHits = 0;
    let trendHits = 0;
    for (let seed = 101; seed <= 300; seed++) {
      const { x, n } = series(seed, 0.9);
      if (changePointScan(x, n, { resamples: 199, seed })!.pValue <= 0.05) scanHits++;
      if (cochranArmitage(x, n)!.pValue <= 0.05) trendHits++;
    }
    expect(scanHits).toBeLessThanOrEqual(18);
    expect(trendHits).toBeLessThanOrEqual(18);
  });
});
