import type { Xoshiro128 } from '../util/prng.js';

/**
 * Exact discrete samplers for resampling: binomial and multinomial draws, so that a bootstrap
 * replicate over n items costs O(cells * sqrt(n)) instead of n uniform draws.
 *
 * Binomial(n, p) is drawn by inversion. With a small mean the search runs up from 0; otherwise
 * it starts at the mode and alternates outwards (m, m+1, m-1, m+2, ...), subtracting each
 * probability from one uniform number: any fixed order of the support gives an exact sampler,
 * and this order needs O(sqrt(n p q)) steps on average. pmf(mode) comes from log-factorials
 * (table below 256, Stirling series above: relative error far below the sampling noise).
 */

const LOG_FACT_TABLE = (() => {
  const t = new Float64Array(256);
  for (let i = 1; i < 256; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
})();

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln(k!) for integers k >= 0. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT_TABLE[k]!;
  const x = k + 1;
  const inv = 1 / x;
  const inv2 = inv * inv;
  // Stirling series for ln Gamma(x); the truncation error is below 1e-17 at x >= 256.
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/** One Binomial(n, p) variate. */
export function binomial(rng: Xoshiro128, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const q = 1 - p;
  const mean = n * p;
  if (mean < 20) {
    // Inversion from 0: expected mean + 1 steps.
    for (;;) {
      let u = rng.nextFloat();
      let pmf = Math.exp(n * Math.log1p(-p));
      const ratio = p / q;
      for (let k = 0; k <= n; k++) {
        if (u < pmf) return k;
        u -= pmf;
        pmf *= ((n - k) / (k + 1)) * ratio;
      }
      // u fell in the rounding gap above the total mass (about 1e-15): draw again.
    }
  }
  const m = Math.floor((n + 1) * p);
  const logPmfMode =
    logFactorial(n) - logFactorial(m) - logFactorial(n - m) + m * Math.log(p) + (n - m) * Math.log(q);
  const pmfMode = Math.exp(logPmfMode);
  const up = p / q;
  const down = q / p;
  for (;;) {
    let u = rng.nextFloat();
    if (u < pmfMode) return m;
    u -= pmfMode;
    let hi = m;
    let lo = m;
    let pmfHi = pmfMode;
    let pmfLo = pmfMode;
    for (;;) {
      // A side is done at the end of the support or once its probabilities underflow to 0.
      const hiDone = hi >= n || pmfHi === 0;
      const loDone = lo <= 0 || pmfLo === 0;
      if (hiDone && loDone) break; // u fell in the rounding gap of the total mass: draw again
      if (!hiDone) {
        pmfHi *= ((n - hi) / (hi + 1)) * up;
        hi++;
        if (u < pmfHi) return hi;
        u -= pmfHi;
      }
      if (!loDone) {
        pmfLo *= (lo / (n - lo + 1)) * down;
        lo--;
        if (u < pmfLo) return lo;
        u -= pmfLo;
      }
    }
  }
}

/**
 * Multinomial draw of `n` items over categories with nonnegative `weights` (any scale), written
 * into `out` (same length), by conditional binomials: category c gets
 * Binomial(items left, w_c / weight left).
 */
export function multinomial(rng: Xoshiro128, n: number, weights: ArrayLike<number>, out: Float64Array): void {
  let weightLeft = 0;
  for (let c = 0; c < weights.length; c++) weightLeft += weights[c]!;
  let left = n;
  for (let c = 0; c < weights.length; c++) {
    const w = weights[c]!;
    if (left === 0 || w === 0) {
      out[c] = 0;
    } else if (c === weights.length - 1 || w >= weightLeft) {
      out[c] = left;
      left = 0;
    } else {
      const x = binomial(rng, left, w / weightLeft);
      out[c] = x;
      left -= x;
    }
    weightLeft -= w;
  }
}
