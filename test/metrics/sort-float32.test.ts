import { describe, expect, it } from 'vitest';
import { sortFloat32 } from '../../src/metrics/sort-float32.js';
import { Xoshiro128 } from '../../src/util/prng.js';

describe('sortFloat32 (radix)', () => {
  it('orders like the engine sort, negatives, infinities, ties and subnormals included', () => {
    // Synthetic: 50,000 values mixing ranges, with many exact ties.
    const rng = new Xoshiro128(99);
    const values = new Float32Array(50_000);
    for (let i = 0; i < values.length; i++) {
      const u = rng.nextFloat();
      values[i] =
        i % 7 === 0
          ? Math.round(u * 10) / 10
          : i % 11 === 0
            ? (u - 0.5) * 1e6
            : i % 13 === 0
              ? u * 1e-40
              : u - 0.3;
    }
    values[5] = Number.POSITIVE_INFINITY;
    values[6] = Number.NEGATIVE_INFINITY;
    values[8] = 0;
    const expected = Float32Array.from(values).sort();
    const actual = sortFloat32(values);
    expect(actual).toBe(values); // in place
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('handles inputs where a digit pass can be skipped and small inputs', () => {
    const same = new Float32Array(10_000).fill(0.25);
    same[17] = 0.5;
    same[9_000] = 0.125;
    const sorted = sortFloat32(same);
    expect([sorted[0], sorted[1], sorted[9_998], sorted[9_999]]).toEqual([0.125, 0.25, 0.25, 0.5]);
    expect(Array.from(sortFloat32(Float32Array.of(3, -1, 2)))).toEqual([-1, 2, 3]);
  });
});
