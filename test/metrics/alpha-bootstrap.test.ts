import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alphaInterval, alphaOfPatterns, PatternTally } from '../../src/metrics/alpha-bootstrap.js';
import {
  addItemRatings,
  createRatingTally,
  krippendorffAlphaNominal,
} from '../../src/metrics/rating-tally.js';
import { Xoshiro128 } from '../../src/util/prng.js';

/**
 * Krippendorff's alpha from unit count patterns. The published value: Krippendorff (2011),
 * "Computing Krippendorff's Alpha-Reliability", p. 8, 4 observers × 12 units, nominal α = 0.743
 * (test/vectors/agreement.json). The bootstrap is checked against resampling units one by one.
 */

const vectors = JSON.parse(readFileSync(new URL('../vectors/agreement.json', import.meta.url), 'utf8')) as {
  krippendorff_alpha_nominal: { values_coders_by_units: (number | null)[][]; alpha: number }[];
};

function unitCounts(coders: (number | null)[][], k: number, offset: number): number[][] {
  const units = coders[0]!.length;
  return Array.from({ length: units }, (_, u) => {
    const counts = new Array<number>(k).fill(0);
    for (const row of coders) if (row[u] !== null) counts[row[u]! - offset]!++;
    return counts;
  });
}

describe('alpha from count patterns', () => {
  it('Krippendorff 2011 worked example: 0.743', () => {
    const v = vectors.krippendorff_alpha_nominal[0]!;
    const tally = new PatternTally(5);
    for (const c of unitCounts(v.values_coders_by_units, 5, 1)) tally.add(c);
    expect(alphaOfPatterns(tally)).toBeCloseTo(v.alpha, 12);
    expect(v.alpha).toBeCloseTo(0.743, 3);
  });

  it('equals krippendorffAlphaNominal of rating-tally.ts on random data', () => {
    const rng = new Xoshiro128(3);
    const tally = new PatternTally(4);
    const reference = createRatingTally(4);
    for (let u = 0; u < 300; u++) {
      const row = Array.from({ length: 5 }, () => (rng.nextFloat() < 0.3 ? null : rng.nextInt(4)));
      addItemRatings(reference, row);
      const counts = [0, 0, 0, 0];
      for (const v of row) if (v !== null) counts[v]!++;
      tally.add(counts);
    }
    expect(alphaOfPatterns(tally)).toBeCloseTo(krippendorffAlphaNominal(reference).alpha!, 12);
  });

  it('null when there is no pairable unit or no variation', () => {
    const t = new PatternTally(2);
    t.add([1, 0]);
    expect(alphaOfPatterns(t)).toBeNull();
    t.add([3, 0]);
    expect(alphaOfPatterns(t)).toBeNull();
    expect(alphaInterval(t, { resamples: 50, level: 0.95, seed: 1 }).low).toBeNull();
  });

  it('the pattern bootstrap matches resampling units one by one (quantiles within 0.02)', () => {
    const v = vectors.krippendorff_alpha_nominal[0]!;
    const units = unitCounts(v.values_coders_by_units, 5, 1).filter((c) => c.reduce((a, b) => a + b) >= 2);
    const tally = new PatternTally(5);
    for (const c of units) tally.add(c);
    const ours = alphaInterval(tally, { resamples: 20000, level: 0.9, seed: 11 });
    // Naive: draw units with replacement, tally, compute alpha.
    const rng = new Xoshiro128(99);
    const reps: number[] = [];
    for (let r = 0; r < 20000; r++) {
      const t = new PatternTally(5);
      for (let u = 0; u < units.length; u++) t.add(units[rng.nextInt(units.length)]!);
      const a = alphaOfPatterns(t);
      if (a !== null) reps.push(a);
    }
    reps.sort((a, b) => a - b);
    const q = (p: number) => reps[Math.floor(p * (reps.length - 1))]!;
    expect(Math.abs(ours.low! - q(0.05))).toBeLessThan(0.02);
    expect(Math.abs(ours.high! - q(0.95))).toBeLessThan(0.02);
    expect(ours.estimate).toBeCloseTo(v.alpha, 12);
    expect(alphaInterval(tally, { resamples: 200, level: 0.9, seed: 11 })).toEqual(
      alphaInterval(tally, { resamples: 200, level: 0.9, seed: 11 }),
    );
  });
});
