import { describe, expect, it } from 'vitest';
import { compactPrCurve, compactRocCurve } from '../../src/metrics/compact-curves.js';
import { downsamplePrCurve, downsampleRocCurve, prCurve, rocCurve } from '../../src/metrics/ranking.js';
import { BinaryScoreStore } from '../../src/metrics/score-store.js';
import { Xoshiro128 } from '../../src/util/prng.js';

/** SYNTHETIC scores: the compact curves must equal the full curves downsampled, point for point. */
function store(seed: number, n: number, levels: number): BinaryScoreStore {
  const rng = new Xoshiro128(seed);
  const s = new BinaryScoreStore();
  for (let i = 0; i < n; i++) {
    const positive = rng.nextFloat() < 0.3;
    // Coarse levels make ties and collinear runs; fine ones make every score distinct.
    const raw = Math.min(1, Math.max(0, (positive ? 0.2 : 0) + rng.nextFloat() * 0.8));
    s.add(Math.round(raw * levels) / levels, positive);
  }
  return s;
}

describe('compact curves', () => {
  it('equal the full ROC and PR curves downsampled, with ties and without', () => {
    for (const [seed, n, levels, points] of [
      [1, 5000, 20, 50],
      [2, 20000, 1e6, 200],
      [3, 300, 3, 2],
      [4, 1, 10, 10],
    ] as const) {
      const s = store(seed, n, levels);
      const roc = rocCurve(s);
      const pr = prCurve(s);
      expect(compactRocCurve(s, points)).toEqual(roc ? downsampleRocCurve(roc, points) : null);
      expect(compactPrCurve(s, points)).toEqual(pr ? downsamplePrCurve(pr, points) : null);
    }
  });
});
