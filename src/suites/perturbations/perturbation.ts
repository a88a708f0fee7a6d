import type { Xoshiro128 } from '../../util/prng.js';

/**
 * One text perturbation: a pure function of the text, the generator and a rate. `kind` says what a
 * suite expects of it: `inv` must not change the decision, `dir` moves a named score in `direction`.
 * Every perturbation keeps its output valid NFC text and never splits a grapheme cluster.
 */
export interface Perturbation {
  readonly id: string;
  readonly kind: 'inv' | 'dir';
  /** For `dir`: the way the score of the suite's named label should move. */
  readonly direction?: 'up' | 'down';
  /** One line for docs and --help: what changes. */
  readonly description: string;
  /** The share of eligible units (letters, words, gaps) changed when the suite gives no rate. */
  readonly defaultRate: number;
  apply(text: string, rng: Xoshiro128, rate: number): string;
}
