import { chance, mapWords, pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

/** Characters that render as nothing: ZERO WIDTH SPACE, NON-JOINER, JOINER, WORD JOINER. */
export const ZERO_WIDTH = ['\u200B', '\u200C', '\u200D', '\u2060'] as const;

export const zeroWidth: Perturbation = {
  id: 'zero-width',
  kind: 'inv',
  description:
    'a zero-width character (U+200B, U+200C, U+200D or U+2060) in a share of the gaps between letters of a word',
  defaultRate: 0.5,
  apply: (text, rng, rate) =>
    mapWords(text, (w) => {
      let out = w[0]!;
      for (let i = 1; i < w.length; i++) out += (chance(rng, rate) ? pick(rng, ZERO_WIDTH) : '') + w[i]!;
      return out;
    }),
};

/** RIGHT-TO-LEFT OVERRIDE ... POP DIRECTIONAL FORMATTING. */
export const RLO = '\u202E';
export const PDF = '\u202C';

export const bidi: Perturbation = {
  id: 'bidi',
  kind: 'inv',
  description:
    'a share of the words of 2+ letters stored backwards inside a right-to-left override (U+202E ... U+202C), so they display as before',
  defaultRate: 0.5,
  apply: (text, rng, rate) =>
    mapWords(text, (w) => (w.length >= 2 && chance(rng, rate) ? RLO + [...w].reverse().join('') + PDF : w)),
};
