/**
 * Seeded pseudo-random numbers for reproducible resampling.
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018): 128-bit state, 32-bit outputs, period 2^128 - 1,
 * only 32-bit integer operations (fast in JavaScript with Math.imul). The state is filled from the
 * seed with splitmix32 (the 32-bit SplitMix variant: add the golden-ratio constant 0x9e3779b9, then
 * the MurmurHash3 finaliser), which never yields an all-zero state for distinct outputs.
 * The same seed gives the same sequence on every platform.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: any safe integer; its low and high 32 bits both feed the seeding. */
  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const mix = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x27d4eb2d) };
    this.s0 = splitmix32(mix);
    this.s1 = splitmix32(mix);
    this.s2 = splitmix32(mix);
    this.s3 = splitmix32(mix);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero is the one bad state
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), unbiased (rejection of the incomplete top block), n <= 2^32. */
  nextInt(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32))
      throw new RangeError(`nextInt bound ${n} is invalid`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
