import type { Interval } from '../contracts/metric-results.js';
import { Xoshiro128 } from '../util/prng.js';
import { percentileInterval } from './bootstrap.js';
import { multinomial } from './sampling.js';

/**
 * Krippendorff's alpha (nominal) with a percentile bootstrap interval over units.
 *
 * A unit enters alpha only through its per-category value counts, so units are tallied by their
 * count pattern (`3,0,1`: three values of the first category, one of the third). Drawing units
 * with replacement is then one multinomial draw over the patterns, the same distribution as
 * drawing units one by one, at a cost that does not grow with the number of units. Only pairable
 * units (two or more values) are drawn: the others carry no information for alpha.
 *
 * With weights w_p on patterns p (counts n_pc, m_p values): N_c = Σ w_p n_pc, N = Σ N_c,
 * observed off-diagonal coincidences O = Σ w_p (m_p² − Σ_c n_pc²)/(m_p − 1), and
 * α = 1 − (N − 1)·O / (N² − Σ_c N_c²), which is krippendorffAlphaNominal of rating-tally.ts.
 */

export class PatternTally {
  private readonly index = new Map<string, number>();
  readonly patterns: Int32Array[] = [];
  readonly weights: number[] = [];
  constructor(readonly categories: number) {}

  /** Adds one unit by its per-category value counts; units with fewer than two values are ignored. */
  add(counts: ArrayLike<number>): void {
    let m = 0;
    for (let c = 0; c < this.categories; c++) m += counts[c]!;
    if (m < 2) return;
    const key = Array.prototype.join.call(counts, ',');
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.patterns.length;
      this.index.set(key, at);
      this.patterns.push(Int32Array.from({ length: this.categories }, (_, c) => counts[c]!));
      this.weights.push(0);
    }
    this.weights[at]!++;
  }

  /** Pairable units tallied. */
  get units(): number {
    return this.weights.reduce((a, b) => a + b, 0);
  }
}

/** Alpha of the tally's patterns under the given weights (default: the tally's own); null when undefined. */
export function alphaOfPatterns(
  tally: PatternTally,
  weights: ArrayLike<number> = tally.weights,
): number | null {
  const k = tally.categories;
  const totals = new Float64Array(k);
  let observed = 0;
  tally.patterns.forEach((p, i) => {
    const w = weights[i]!;
    if (w === 0) return;
    let m = 0;
    let sq = 0;
    for (let c = 0; c < k; c++) {
      m += p[c]!;
      sq += p[c]! * p[c]!;
      totals[c]! += w * p[c]!;
    }
    observed += (w * (m * m - sq)) / (m - 1);
  });
  let n = 0;
  let sq = 0;
  for (let c = 0; c < k; c++) {
    n += totals[c]!;
    sq += totals[c]! * totals[c]!;
  }
  const expected = n * n - sq;
  if (n < 2 || expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

export interface AlphaBootstrapOptions {
  resamples: number;
  level: number;
  seed: number;
}

/** Alpha and its percentile bootstrap interval over the tally's pairable units. */
export function alphaInterval(tally: PatternTally, options: AlphaBootstrapOptions): Interval {
  const estimate = alphaOfPatterns(tally);
  const rng = new Xoshiro128(options.seed);
  const units = tally.units;
  const draw = new Float64Array(tally.patterns.length);
  const replicates: number[] = [];
  let undefinedResamples = 0;
  if (units > 0) {
    for (let r = 0; r < options.resamples; r++) {
      multinomial(rng, units, tally.weights, draw);
      const a = alphaOfPatterns(tally, draw);
      if (a === null) undefinedResamples++;
      else replicates.push(a);
    }
  } else undefinedResamples = options.resamples;
  return percentileInterval(
    estimate,
    replicates,
    undefinedResamples,
    options.level,
    options.resamples,
    options.seed,
    'percentile-bootstrap',
  );
}
